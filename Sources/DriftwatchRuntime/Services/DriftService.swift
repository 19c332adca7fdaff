public import DriftwatchStore
public import Logging
public import ServiceLifecycle

/// Keeps the drift detector's stored state current under `run`: catches up with new records on an
/// interval until shutdown.
public struct DriftService<C: Clock>: Service where C.Duration == Duration {
    let runner: DriftRunner
    let interval: Duration
    let clock: C
    let logger: Logger

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration, clock: C, logger: Logger) {
        runner = DriftRunner(store: store, settings: configuration.drift, logger: logger)
        interval = .milliseconds(configuration.drift.intervalMillis)
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let progress = try runner.catchUp()
                if progress.rowsCounted > 0 {
                    logger.debug("drift state updated", metadata: [
                        "rows": "\(progress.rowsCounted)", "last_row_id": "\(progress.lastRowID)",
                    ])
                }
            } catch {
                logger.error("drift pass failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown {
                try await clock.sleep(for: interval)
            }
        }
    }
}
