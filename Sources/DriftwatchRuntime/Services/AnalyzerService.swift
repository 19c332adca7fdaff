import DriftwatchAnalysis
public import DriftwatchStore
public import Logging
public import ServiceLifecycle

/// Keeps rollups and incidents current under `run`: folds in the records the tailer hands over after each
/// commit, reads any others (OTLP, a dropped hand-over, a backlog at start) from the records table by row id,
/// commits each step with its checkpoint, then sleeps `interval` once caught up.
///
/// Evaluations are driven by record timestamps, not by this clock, so replayed or delayed logs are analysed
/// as if live; the clock only paces polling.
public struct AnalyzerService<C: Clock>: Service where C.Duration == Duration {
    let store: SQLiteStore
    let configuration: DriftwatchConfiguration.AnalysisSettings
    let clock: C
    let logger: Logger
    let handOver: CommittedRecordQueue?

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration.AnalysisSettings, clock: C, logger: Logger,
                handOver: CommittedRecordQueue? = nil) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.handOver = handOver
    }

    public func run() async throws {
        guard configuration.enabled else {
            // Returning would end the whole service group: idle until shutdown instead.
            try? await gracefulShutdown()
            return
        }
        let persistence = AnalysisPersistence(store: store, configuration: configuration.engine,
                                              exportDirectory: configuration.exportDirectory)
        var analyzer = try StreamingAnalyzer(persistence: persistence, commitEvery: configuration.batchRecords)
        var lastPrune: Int64?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let rows = try step(&analyzer)
                if rows == 0 {
                    if let watermark = analyzer.engine.watermarkMicros,
                       lastPrune.map({ watermark - $0 > configuration.engine.coarseBucketMicros }) ?? true {
                        try pruneRollups(before: watermark)
                        lastPrune = watermark
                    }
                    try? await sleep(.milliseconds(configuration.intervalMillis))
                }
            } catch {
                logger.error("analysis step failed", metadata: ["error": "\(error)"])
                try? await sleep(.milliseconds(max(configuration.intervalMillis, 1000)))
                try? analyzer.reload()
            }
        }
        try? analyzer.flush()
    }

    /// One step: fold the hand-overs, commit, read up to a batch of other rows from the store, log incident
    /// events. Returns the rows analysed.
    func step(_ analyzer: inout StreamingAnalyzer) throws -> Int {
        var rows = 0
        for batch in handOver?.drain() ?? [] {
            let before = analyzer.engine.lastRowID
            try analyzer.fold(batch)
            rows += Int(analyzer.engine.lastRowID - before)
        }
        try analyzer.flush()
        rows += try analyzer.catchUp(batchSize: configuration.batchRecords, maxRows: configuration.batchRecords)
        let progress = analyzer.takeProgress()
        for (kind, count) in progress.events.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            logger.notice("incident events", metadata: ["kind": "\(kind.rawValue)", "count": "\(count)"])
        }
        if progress.conflicts > 0 {
            logger.warning("another analyzer advanced the checkpoint; reloaded", metadata: ["conflicts": "\(progress.conflicts)"])
        }
        return rows
    }

    private func pruneRollups(before watermark: Int64) throws {
        try store.pruneAnalysisRollups(bucketMicros: configuration.engine.bucketMicros, before: watermark - configuration.fineRetentionMicros)
        try store.pruneAnalysisRollups(bucketMicros: configuration.engine.coarseBucketMicros, before: watermark - configuration.coarseRetentionMicros)
        // Shape counts are needed for the cohort horizon plus its baseline (rebuilt on restart), or the rollup retention if longer.
        try store.pruneAnalysisShapeBuckets(before: watermark - max(configuration.fineRetentionMicros,
            configuration.engine.cohortHorizonMicros + configuration.engine.baselineWindowMicros + configuration.engine.coarseBucketMicros))
    }

    private func sleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown {
            try await clock.sleep(for: duration)
        }
    }
}
