public import DriftwatchStore
public import Logging
public import ServiceLifecycle

/// Re-renders the dashboards under `run` every `interval`, each page written to a temporary file and renamed
/// over the old one, so a web server serving the directory never sends half a page.
public struct DashboardService<C: Clock>: Service where C.Duration == Duration {
    let store: SQLiteStore
    let configuration: DriftwatchConfiguration
    let clock: C
    let logger: Logger

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration, clock: C, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        guard let directory = configuration.dashboards.outputDirectory else { return }
        let runner = try DashboardRunner(store: store, configuration: configuration, logger: logger)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let outcome = try runner.render(to: directory)
                logger.debug("dashboards rendered", metadata: [
                    "pages": "\(outcome.pages.count)", "bytes": "\(outcome.bytes)",
                    "seconds": "\(outcome.snapshotSeconds + outcome.renderSeconds)",
                ])
            } catch {
                logger.error("rendering dashboards failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown {
                try await clock.sleep(for: .milliseconds(configuration.dashboards.intervalMillis))
            }
        }
    }
}
