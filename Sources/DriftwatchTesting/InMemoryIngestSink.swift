public import DriftwatchCore
import Synchronization

/// An ``IngestSink`` in memory with the store's exactly-once semantics: a commit applies records
/// (deduplicated by `request_id`), dead letters and checkpoints together or not at all.
///
/// Tests can make commits fail (a crash before the transaction commits) and observe each commit.
public final class InMemoryIngestSink: IngestSink {
    private struct State {
        var records: [IngestedRecord] = []
        var ids: Set<String> = []
        var deadLetters: [DeadLetter] = []
        var checkpoints: [String: FileCheckpoint] = [:]
        var commits = 0
        var duplicates = 0
        var failingCommits = 0
        var failFromCommit: Int?
        var observers: [@Sendable (IngestBatch, IngestCommitResult) -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    public func checkpoint(fingerprint: String) throws -> FileCheckpoint? {
        state.withLock { $0.checkpoints[fingerprint] }
    }

    public func commit(_ batch: IngestBatch) throws -> IngestCommitResult {
        let (result, observers) = try state.withLock { s throws -> (IngestCommitResult, [@Sendable (IngestBatch, IngestCommitResult) -> Void]) in
            if s.failingCommits > 0 {
                s.failingCommits -= 1
                throw DriftwatchError(.storage, "simulated commit failure")
            }
            if let limit = s.failFromCommit, s.commits >= limit {
                throw DriftwatchError(.storage, "simulated crash before commit \(s.commits + 1)")
            }
            var inserted = 0
            var duplicates = 0
            for record in batch.records {
                if s.ids.insert(record.record.requestID).inserted {
                    s.records.append(record)
                    inserted += 1
                } else {
                    duplicates += 1
                }
            }
            s.deadLetters.append(contentsOf: batch.deadLetters)
            for checkpoint in batch.checkpoints {
                s.checkpoints[checkpoint.fingerprint] = checkpoint
            }
            s.commits += 1
            s.duplicates += duplicates
            return (IngestCommitResult(inserted: inserted, duplicates: duplicates, deadLettered: batch.deadLetters.count), s.observers)
        }
        for observer in observers { observer(batch, result) }
        return result
    }

    /// Makes the next `count` commits throw without changing anything.
    public func failNextCommits(_ count: Int) {
        state.withLock { $0.failingCommits = count }
    }

    /// Lets `successful` more commits through, then fails every one (a crash mid-ingest); nil heals it.
    public func failAfter(successfulCommits successful: Int?) {
        state.withLock { s in s.failFromCommit = successful.map { s.commits + $0 } }
    }

    /// Calls `observer` after every successful commit (outside the lock).
    public func onCommit(_ observer: @escaping @Sendable (IngestBatch, IngestCommitResult) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Stored records in commit order.
    public var records: [IngestedRecord] { state.withLock { $0.records } }
    /// Stored request IDs in commit order.
    public var requestIDs: [String] { state.withLock { $0.records.map(\.record.requestID) } }
    public var deadLetters: [DeadLetter] { state.withLock { $0.deadLetters } }
    public var checkpoints: [String: FileCheckpoint] { state.withLock { $0.checkpoints } }
    public var commitCount: Int { state.withLock { $0.commits } }
    /// Records offered again after being stored (no-ops).
    public var duplicateCount: Int { state.withLock { $0.duplicates } }
}
