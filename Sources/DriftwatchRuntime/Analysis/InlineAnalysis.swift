import DriftwatchAnalysis
public import DriftwatchStore
public import Logging
import Synchronization

/// A ``StreamingAnalyzer`` fed on the committing thread, right after each ingest commit: `driftwatch ingest
/// --analyze`, where ingest and analysis share one thread and no hand-over queue is needed.
public final class InlineAnalysis: Sendable {
    private let analyzer: Mutex<StreamingAnalyzer>
    private let logger: Logger

    public init(persistence: AnalysisPersistence, commitEvery: Int = 20_000, logger: Logger) throws {
        analyzer = Mutex(try StreamingAnalyzer(persistence: persistence, commitEvery: commitEvery))
        self.logger = logger
    }

    /// A sink storing through `store` and folding every commit into this analyzer.
    public func sink(_ store: SQLiteStore) -> AnalyzingIngestSink {
        AnalyzingIngestSink(store: store) { [self] batch in receive(batch) }
    }

    /// Folds one commit in. A failure drops the uncommitted analysis (the records are stored; the next
    /// hand-over or ``finish()`` catches up from the store) rather than failing ingest.
    public func receive(_ batch: CommittedRecords) {
        analyzer.withLock { a in
            do {
                try a.fold(batch)
            } catch {
                logger.error("analysis of committed records failed; will catch up from the store", metadata: ["error": "\(error)"])
                try? a.reload()
            }
        }
    }

    /// Commits and catches up with anything stored without a hand-over; returns what the analyzer did.
    public func finish() throws -> Summary {
        try analyzer.withLock { a in
            try a.catchUp()
            return Summary(streamedRows: a.streamedRows, storeRows: a.storeRows, progress: a.progress)
        }
    }

    /// What the analyzer did over its life.
    public struct Summary: Sendable {
        public var streamedRows: Int
        public var storeRows: Int
        public var progress: AnalysisPersistence.Progress
    }
}
