import DriftwatchAnalysis
public import DriftwatchStore
public import Logging

/// Brings the stored aggregates up to date with the records table before a one-shot command reports from them:
/// analysis always, drift when asked. What `analyze`, `dashboards` and `demo --run` share, so the catch-up
/// logic lives in one place rather than in each command.
public enum StoreCatchUp {
    /// What one catch-up did.
    public struct Outcome: Sendable {
        public var analysis: AnalysisPersistence.Progress
        /// Rows the drift detector counted (nil when drift was not asked for).
        public var driftRows: Int?
    }

    @discardableResult
    /// `showProgress`: a progress line on standard error while catching up, when it is a terminal (see ``CatchUpProgress``).
    public static func run(store: SQLiteStore, configuration: DriftwatchConfiguration, logger: Logger,
                           drift: Bool = false, showProgress: Bool = false) throws -> Outcome {
        let meter = showProgress
            ? TerminalProgress.make(label: "analysis", total: try store.countRecords(afterRowID: try store.analysisCheckpoint().lastRowID))
            : nil
        let analysis = try AnalysisPersistence(store: store, configuration: configuration.analysis.engine,
                                               exportDirectory: configuration.analysis.exportDirectory)
            .update(batchSize: configuration.analysis.batchRecords, onBatch: meter.map { meter in { meter.update(done: $0) } })
        meter?.finish(done: analysis.rows)
        var driftRows: Int?
        if drift {
            let runner = DriftRunner(store: store, settings: configuration.drift, logger: logger)
            driftRows = try (showProgress ? runner.catchUpShowingProgress() : runner.catchUp()).rowsCounted
        }
        return Outcome(analysis: analysis, driftRows: driftRows)
    }
}
