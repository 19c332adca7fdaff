public import DriftwatchMetrics
import DriftwatchDrift
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
    let metrics: SidecarMetrics?

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration, clock: C, logger: Logger, metrics: SidecarMetrics? = nil) {
        runner = DriftRunner(store: store, settings: configuration.drift, logger: logger)
        self.metrics = metrics
        interval = .milliseconds(configuration.drift.intervalMillis)
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        var first = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let progress = try runner.catchUp()
                if let metrics, progress.rowsCounted > 0 || first {
                    Self.publish(progress.engine.report(), to: metrics)
                }
                first = false
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

    /// `driftwatch_drift_flags`: 1 for a feature that drifts in any scope; features the report does not test stay as they are.
    static func publish(_ report: DriftReport, to metrics: SidecarMetrics) {
        var flags: [String: Bool] = [:]
        for row in report.features where !row.informational { flags[row.feature, default: false] = flags[row.feature, default: false] || row.drifted }
        for (feature, drifted) in flags { metrics.driftFlags.set(drifted ? 1 : 0, labels: [feature]) }
    }
}
