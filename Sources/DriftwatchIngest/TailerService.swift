public import DriftwatchCore
public import Logging
public import ServiceLifecycle

/// The sidecar's tailing loop as a ``Service``: discover, read and commit until caught up, wait,
/// repeat.
///
/// Discovery runs every ``IngestConfiguration/discoveryInterval``; after catching up the loop waits
/// ``IngestConfiguration/pollInterval`` (250 ms by default), so a new line is stored well within a
/// second. On graceful shutdown or cancellation it stops after the batch in progress, commits it with
/// its checkpoints, and returns. File I/O is blocking and happens on the service's own task.
/// Generic over the clock so tests can drive it with a manual one.
public struct TailerService<C: Clock>: Service where C.Duration == Duration {
    public let discovery: FileDiscovery
    public let configuration: IngestConfiguration
    public let stats: IngestStats
    private let sink: any IngestSink
    private let lineDecoder: (any RecordLineDecoder)?
    private let clock: C
    private let logger: Logger

    public init(
        patterns: [String],
        sink: any IngestSink,
        configuration: IngestConfiguration = IngestConfiguration(),
        clock: C,
        logger: Logger = Logger(label: "driftwatch.tailer"),
        stats: IngestStats = IngestStats(),
        lineDecoder: (any RecordLineDecoder)? = nil,
        admission: [String: FileAdmission] = [:]
    ) {
        self.discovery = FileDiscovery(patterns: patterns, admission: admission)
        self.sink = sink
        self.lineDecoder = lineDecoder
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.stats = stats
    }

    /// Pauses after a commit failed for lack of space: doubling from the first to the longest.
    static var firstRetry: Duration { .milliseconds(500) }
    static var maxRetry: Duration { .seconds(30) }

    public func run() async throws {
        let pipeline = IngestPipeline(discovery: discovery, sink: sink, configuration: configuration, logger: logger, stats: stats, lineDecoder: lineDecoder)
        let stopping: () -> Bool = { Task.isCancelled || Task.isShuttingDownGracefully }
        logger.info("tailer started", metadata: ["patterns": "\(discovery.source)"])
        var nextDiscovery = clock.now
        var backoff = Duration.zero
        while !stopping() {
            let now = clock.now
            let discoverNow = now >= nextDiscovery
            if discoverNow { nextDiscovery = now.advanced(by: configuration.discoveryInterval) }
            var interval = configuration.pollInterval
            do {
                try pipeline.pollOnce(discover: discoverNow, shouldStop: stopping)
                if let paused = pipeline.resumed() {
                    logger.info("store writable again; reading resumed", metadata: [
                        "paused_seconds": "\(Double(paused / 1000) / 1000)", "retries": "\(pipeline.snapshot.commitRetries)",
                    ])
                }
                backoff = .zero
            } catch let error as DriftwatchError where error.code.isRetryableStoreFailure {
                // Exiting would need a supervisor to recover, and nothing is gained by reading on: the batch stays
                // in memory (its lines are in the files too) and reading waits until it is stored.
                backoff = backoff == .zero ? Self.firstRetry : min(backoff * 2, Self.maxRetry)
                interval = backoff
                pipeline.commitFailed()
                logger.error("cannot store records; reading paused, retrying", metadata: [
                    "error": "\(error)", "retry_in": "\(backoff)", "retries": "\(pipeline.snapshot.commitRetries)",
                ])
            }
            if stopping() { break }
            let clock = self.clock
            let pause = interval
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: pause) }
            } catch {
                break  // cancelled, by shutdown or by the task
            }
        }
        try pipeline.commit()
        pipeline.closeFiles()
        logger.info("tailer stopped", metadata: ["records": "\(pipeline.snapshot.inserted)"])
    }
}

extension TailerService where C == ContinuousClock {
    public init(
        patterns: [String],
        sink: any IngestSink,
        configuration: IngestConfiguration = IngestConfiguration(),
        logger: Logger = Logger(label: "driftwatch.tailer"),
        stats: IngestStats = IngestStats(),
        lineDecoder: (any RecordLineDecoder)? = nil,
        admission: [String: FileAdmission] = [:]
    ) {
        self.init(patterns: patterns, sink: sink, configuration: configuration, clock: ContinuousClock(), logger: logger,
                  stats: stats, lineDecoder: lineDecoder, admission: admission)
    }
}
