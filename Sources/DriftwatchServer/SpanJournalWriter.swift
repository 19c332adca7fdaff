import DriftwatchCore
import Synchronization

/// Group commit for the span journal: concurrent export requests share one SQLite transaction.
///
/// Each request must be durable before its 200, but a transaction per request writes whole WAL
/// pages for a few hundred bytes; measured with `Benchmarks/otlp.sh`, that cost more than half the
/// receiver's throughput. The first caller to find no commit in progress becomes the leader: it
/// writes everything queued (its own request included) in one transaction, then whatever queued
/// meanwhile, until the queue is empty; every caller resumes once its request is committed or the
/// transaction failed.
final class SpanJournalWriter: Sendable {
    private struct Waiting {
        var request: SpanJournalRequest
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var committing = false
    }

    private let journal: any SpanJournal
    private let state = Mutex(State())
    /// Largest number of requests in one transaction, so a burst cannot build one huge commit.
    let maxBatch: Int

    init(journal: any SpanJournal, maxBatch: Int = 256) {
        self.journal = journal
        self.maxBatch = max(1, maxBatch)
    }

    /// Returns once `request` is committed; throws if its transaction failed (nothing of it is stored).
    func append(_ request: SpanJournalRequest) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let leads = state.withLock { s -> Bool in
                s.queue.append(Waiting(request: request, continuation: continuation))
                if s.committing { return false }
                s.committing = true
                return true
            }
            if leads { drain() }
        }
    }

    /// Commits the queue batch by batch until it is empty, then gives up the lead.
    private func drain() {
        while true {
            let batch = state.withLock { s -> [Waiting] in
                if s.queue.isEmpty {
                    s.committing = false
                    return []
                }
                let n = min(maxBatch, s.queue.count)
                let batch = Array(s.queue.prefix(n))
                s.queue.removeFirst(n)
                return batch
            }
            if batch.isEmpty { return }
            do {
                _ = try journal.appendSpanJournal(batch.map(\.request))
                for waiting in batch { waiting.continuation.resume() }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
