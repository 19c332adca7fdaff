import DriftwatchCore
import DriftwatchFleet
import DriftwatchStore
import Foundation
public import Logging

/// `dashboards --fleet`: the fleet's merged state folded into a scratch store (rollups, version timeline, incidents,
/// as `analyze --fleet` folds them), then the usual dashboards rendered from it. Records stay on the sidecars, so
/// incident pages have no example request ids; drift panels are empty until drift state is shipped (docs/fleet.md).
public enum FleetDashboards {
    public struct Outcome: Sendable {
        public var dashboards: DashboardRunner.Outcome
        public var nodes: Int
        public var buckets: Int
    }

    public static func render(configuration: DriftwatchConfiguration, to directory: String, logger: Logger,
                              timeout: Duration = .seconds(300)) async throws -> Outcome {
        let url = try FleetShipping.url(configuration.fleet)
        let engine = configuration.analysis.engine
        let merge = try await FleetStore.withStore(url: url, logger: logger) { fleet in
            try await withTimeout(timeout, what: "reading the fleet store at \(url.endpoint)") {
                guard try await fleet.appliedSchemaVersion() > 0 else {
                    throw DriftwatchError(.fleet, "the fleet store at \(url.endpoint) holds nothing yet: no sidecar has shipped to it")
                }
                return try await FleetMerge.read(fleet, configuration: engine)
            }
        }
        let scratchDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("driftwatch-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratchDirectory) }
        let scratch = try SQLiteStore(path: scratchDirectory.appendingPathComponent("fleet.sqlite").path, access: .create, logger: logger)
        try FleetAnalysis.fold(merge, into: scratch, configuration: engine)
        let outcome = try DashboardRunner(store: scratch, configuration: configuration, logger: logger).render(to: directory)
        return Outcome(dashboards: outcome, nodes: merge.nodes.count, buckets: merge.buckets.count)
    }
}
