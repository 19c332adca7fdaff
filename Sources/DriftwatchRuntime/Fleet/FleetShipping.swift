public import DriftwatchFleet
import DriftwatchCore
import DriftwatchStore
import Foundation
public import Logging

/// The sidecar's side of the fleet (docs/fleet.md): where the fleet store is, and the one-shot shipment `ingest`
/// makes after it committed.
public enum FleetShipping {
    /// The fleet store's URL, read from the variable `fleet.url_env` names.
    public static func url(_ settings: DriftwatchConfiguration.FleetSettings,
                           environment: [String: String]? = nil) throws -> FleetURL {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let name = settings.urlEnvironmentVariable else {
            throw DriftwatchError(.invalidConfig, "no fleet store is configured: set fleet.url_env to the environment variable holding its postgres:// URL (docs/fleet.md)")
        }
        guard let text = environment[name], !text.isEmpty else {
            throw DriftwatchError(.invalidConfig, "fleet.url_env names the environment variable \(name), which is not set: export \(name)=postgres://user@host:5432/database")
        }
        return try FleetURL(text, source: "the fleet store URL in \(name)")
    }

    /// Analyses what was stored and not analysed yet, then ships everything not shipped yet; throws when the fleet
    /// store could not take it (the next shipment sends it again).
    public static func ship(configuration: DriftwatchConfiguration, logger: Logger,
                            timeout: Duration = .seconds(120)) async throws -> FleetShipper.Outcome {
        let url = try url(configuration.fleet)
        let store = try SQLiteStore(path: configuration.databasePath, access: .existing, logger: logger)
        try StoreCatchUp.run(store: store, configuration: configuration, logger: logger)
        let shipper = FleetShipper(store: store, node: configuration.fleet.node, configuration: configuration.analysis.engine,
                                   retentionMaxAgeMicros: configuration.retention.policy.maxAgeMicros)
        return try await FleetStore.withStore(url: url, logger: logger) { fleet in
            try await withTimeout(timeout, what: "shipping to the fleet store at \(url.endpoint)") {
                try await fleet.migrate()
                return try await shipper.ship(to: fleet)
            }
        }
    }
}
