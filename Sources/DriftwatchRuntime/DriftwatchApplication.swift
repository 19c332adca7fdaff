import DriftwatchCore
public import DriftwatchIngest
public import DriftwatchStore
public import Logging
public import ServiceLifecycle
import UnixSignals

/// Builds what `driftwatch run` runs: one ``ServiceGroup`` with the tailer and the retention pass
/// over one store, shut down gracefully on SIGTERM or SIGINT (the tailer finishes and commits the
/// batch in progress). Kept out of the executable so tests can build and drive it.
public struct DriftwatchApplication: Sendable {
    public let configuration: DriftwatchConfiguration
    public let store: SQLiteStore
    public let ingestStats: IngestStats
    let logger: Logger

    public init(configuration: DriftwatchConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.store = try SQLiteStore(path: configuration.databasePath, logger: logger)
        self.ingestStats = IngestStats()
    }

    /// The glob patterns of every configured source.
    public var patterns: [String] { configuration.sources.flatMap(\.paths) }

    public func makeServiceGroup() throws -> ServiceGroup {
        guard !patterns.isEmpty else {
            throw DriftwatchError(.invalidConfig, "no log sources to tail: add `sources:` with `paths:` globs to the configuration, or pass --path GLOB")
        }
        let services: [any Service] = [
            TailerService(patterns: patterns, sink: store, configuration: configuration.ingest, logger: logger, stats: ingestStats),
            RetentionService(
                store: store, policy: configuration.retention.policy,
                interval: .milliseconds(configuration.retention.intervalMillis), clock: ContinuousClock(), logger: logger),
        ]
        return ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
    }

    /// Runs the service group until a shutdown signal; returns after every service has stopped.
    public func run() async throws {
        try await makeServiceGroup().run()
    }
}
