import DriftwatchAnalysis
public import DriftwatchStore
public import Logging
public import ServiceLifecycle

/// Keeps rollups and incidents current under `run`: follows the records table, analyses new rows in batches,
/// commits each batch with its checkpoint, then sleeps `interval` once caught up.
///
/// Evaluations are driven by record timestamps, not by this clock, so replayed or delayed logs are analysed
/// as if live; the clock only paces polling.
public struct AnalyzerService<C: Clock>: Service where C.Duration == Duration {
    let store: SQLiteStore
    let configuration: DriftwatchConfiguration.AnalysisSettings
    let clock: C
    let logger: Logger

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration.AnalysisSettings, clock: C, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        guard configuration.enabled else { return }
        let persistence = AnalysisPersistence(store: store, configuration: configuration.engine,
                                              exportDirectory: configuration.exportDirectory)
        var engine = try persistence.load()
        var lastPrune: Int64?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let progress = try step(&engine, persistence: persistence)
                if progress.rows == 0 {
                    if let watermark = engine.watermarkMicros, lastPrune.map({ watermark - $0 > configuration.engine.coarseBucketMicros }) ?? true {
                        try pruneRollups(before: watermark)
                        lastPrune = watermark
                    }
                    try? await sleep(.milliseconds(configuration.intervalMillis))
                }
            } catch {
                logger.error("analysis step failed", metadata: ["error": "\(error)"])
                try? await sleep(.milliseconds(max(configuration.intervalMillis, 1000)))
                engine = (try? persistence.load()) ?? engine
            }
        }
    }

    /// One batch: analyse, commit, log incident events.
    func step(_ engine: inout AnalysisEngine, persistence: AnalysisPersistence) throws -> AnalysisPersistence.Progress {
        let progress = try persistence.catchUp(&engine, batchSize: configuration.batchRecords, maxRows: configuration.batchRecords)
        for (kind, count) in progress.events.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            logger.notice("incident events", metadata: ["kind": "\(kind.rawValue)", "count": "\(count)"])
        }
        if progress.conflicts > 0 {
            logger.warning("another analyzer advanced the checkpoint; reloaded", metadata: ["conflicts": "\(progress.conflicts)"])
        }
        return progress
    }

    private func pruneRollups(before watermark: Int64) throws {
        try store.pruneAnalysisRollups(bucketMicros: configuration.engine.bucketMicros, before: watermark - configuration.fineRetentionMicros)
        try store.pruneAnalysisRollups(bucketMicros: configuration.engine.coarseBucketMicros, before: watermark - configuration.coarseRetentionMicros)
    }

    private func sleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown {
            try await clock.sleep(for: duration)
        }
    }
}
