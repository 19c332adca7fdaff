public import DriftwatchAnalysis
import Foundation
public import DriftwatchStore
public import Logging
import Synchronization

/// A ``StreamingAnalyzer`` fed right after each ingest commit: `driftwatch ingest --analyze`.
///
/// The analyzer runs on its own thread behind a one-batch hand-over, so on a machine with a second
/// core analysis overlaps ingest instead of adding to it; on one core the two simply share it. The
/// hand-over blocks the committing thread while the analyzer is still busy with the previous batch
/// (backpressure: nothing is dropped, and memory stays at one batch of decoded records).
public final class InlineAnalysis: Sendable {
    private let analyzer: Mutex<StreamingAnalyzer>
    private let logger: Logger
    private let handOver = BlockingHandOver<CommittedRecords>(capacity: 1)
    private let finished = DispatchSemaphore(value: 0)
    /// The analysis thread's CPU time, set when it ends.
    private let threadCPU = Mutex<Double?>(nil)

    public init(persistence: AnalysisPersistence, commitEvery: Int = 20_000, logger: Logger) throws {
        analyzer = Mutex(try StreamingAnalyzer(persistence: persistence, commitEvery: commitEvery))
        self.logger = logger
        let thread = Thread { [self] in
            while let batch = handOver.take() { fold(batch) }
            var time = timespec()
            if clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 {
                threadCPU.withLock { $0 = Double(time.tv_sec) + Double(time.tv_nsec) / 1e9 }
            }
            finished.signal()
        }
        thread.name = "driftwatch.analysis"
        thread.start()
    }

    /// A sink storing through `store` and handing every commit to this analyzer.
    public func sink(_ store: SQLiteStore) -> AnalyzingIngestSink {
        AnalyzingIngestSink(store: store) { [self] batch in receive(batch) }
    }

    /// Hands one commit to the analysis thread, waiting while it is still on the previous one.
    public func receive(_ batch: CommittedRecords) {
        handOver.put(batch)
    }

    /// Folds one commit in. A failure drops the uncommitted analysis (the records are stored; the next
    /// hand-over or ``finish()`` catches up from the store) rather than failing ingest.
    private func fold(_ batch: CommittedRecords) {
        analyzer.withLock { a in
            do {
                try a.fold(batch)
            } catch {
                logger.error("analysis of committed records failed; will catch up from the store", metadata: ["error": "\(error)"])
                try? a.reload()
            }
        }
    }

    /// Waits for the analysis thread, commits and catches up with anything stored without a
    /// hand-over; returns what the analyzer did. Call once, after the last commit.
    public func finish() throws -> Summary {
        handOver.close()
        finished.wait()
        return try analyzer.withLock { a in
            try a.catchUp()
            return Summary(streamedRows: a.streamedRows, storeRows: a.storeRows, progress: a.progress, records: a.engine.recordCounts,
                           threadCPUSeconds: threadCPU.withLock { $0 })
        }
    }

    /// What the analyzer did over its life.
    public struct Summary: Sendable {
        public var streamedRows: Int
        public var storeRows: Int
        public var progress: AnalysisPersistence.Progress
        /// The engine's counts by reason (the store's totals).
        public var records: RecordCounts
        /// CPU time of the analysis thread (nil where the system cannot tell).
        public var threadCPUSeconds: Double?
    }
}

/// A bounded queue between two threads: `put` waits while it is full, `take` while it is empty;
/// after `close`, `take` drains what is left and then returns nil.
final class BlockingHandOver<Element: Sendable>: @unchecked Sendable {
    // NSCondition guards every field below.
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func put(_ item: Element) {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        items.append(item)
        condition.broadcast()
    }

    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
