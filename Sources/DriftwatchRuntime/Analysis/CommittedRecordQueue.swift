import Synchronization

/// Hands committed records from the tailer's task to the analyzer's under `run`, bounded so a stalled analyzer
/// never holds the backlog in memory: a hand-over that does not fit is dropped, and the analyzer, seeing the
/// gap in row ids, reads those rows back from the store instead.
public final class CommittedRecordQueue: Sendable {
    private struct State {
        var batches: [CommittedRecords] = []
        var records = 0
        var dropped = 0
    }

    private let state = Mutex(State())
    /// Most records held at once. 40,000 (two full ingest batches): at 200,000 the queue alone held ~150 MiB of
    /// decoded records under `run` at 20,000 lines/s (RSS 385 MiB → 227 MiB after 60 s, Benchmarks/run_rss.py);
    /// what does not fit is read back from the store.
    public let capacity: Int

    public init(capacity: Int = 40_000) {
        self.capacity = capacity
    }

    /// Queues a hand-over; false (and dropped) when it would exceed the capacity.
    @discardableResult
    public func push(_ batch: CommittedRecords) -> Bool {
        state.withLock { s in
            guard s.records + batch.count <= capacity else {
                s.dropped += 1
                return false
            }
            s.batches.append(batch)
            s.records += batch.count
            return true
        }
    }

    /// Everything queued, oldest first.
    public func drain() -> [CommittedRecords] {
        state.withLock { s in
            let out = s.batches
            s.batches = []
            s.records = 0
            return out
        }
    }

    /// Hand-overs dropped because the queue was full.
    public var dropped: Int { state.withLock { $0.dropped } }
}
