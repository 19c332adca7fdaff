public import DriftwatchAnalysis
import DriftwatchCore
public import DriftwatchFleet
public import DriftwatchStore
import Foundation
public import Logging

/// The central view's analysis (`analyze --fleet`): every node's buckets summed and folded through one engine, bucket
/// by bucket, as one sidecar that saw every record would have analysed them (docs/fleet.md). The result goes into a
/// scratch SQLite store, so the report is the one `analyze` prints for a sidecar.
public enum FleetAnalysis {
    public struct Outcome: Sendable {
        public var report: AnalysisReport
        public var nodes: [FleetNode]
        public var buckets: Int
    }

    public static func report(configuration: DriftwatchConfiguration, logger: Logger, status: String? = nil, limit: Int = 50,
                              id: String? = nil, timeout: Duration = .seconds(300)) async throws -> Outcome {
        let url = try FleetShipping.url(configuration.fleet)
        let engineConfiguration = configuration.analysis.engine
        let merge = try await FleetStore.withStore(url: url, logger: logger) { fleet in
            try await withTimeout(timeout, what: "reading the fleet store at \(url.endpoint)") {
                guard try await fleet.appliedSchemaVersion() > 0 else {
                    throw DriftwatchError(.fleet, "the fleet store at \(url.endpoint) holds nothing yet: no sidecar has shipped to it")
                }
                return try await FleetMerge.read(fleet, configuration: engineConfiguration)
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftwatch-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scratch = try SQLiteStore(path: directory.appendingPathComponent("fleet.sqlite").path, access: .create, logger: logger)
        try fold(merge, into: scratch, configuration: engineConfiguration)
        var report = try AnalysisReport.make(store: scratch, status: status, limit: limit, id: id)
        // Which nodes each incident is on, from the nodes' own rows of its scope (a query per incident).
        let found = report.incidents
        if !found.isEmpty {
            report.incidents = try await FleetStore.withStore(url: url, logger: logger) { fleet in
                try await withTimeout(timeout, what: "reading the incidents' nodes from the fleet store at \(url.endpoint)") {
                    var annotated = found
                    try await FleetIncidentNodes.annotate(&annotated, fleet: fleet, nodes: merge.nodes.map(\.node),
                                                          bucketMicros: engineConfiguration.bucketMicros)
                    return annotated
                }
            }
        }
        var counts: [String: Int64] = [:]
        for node in merge.nodes { counts.merge(node.recordCounts, uniquingKeysWith: +) }
        report.records = RecordCounts(named: counts)
        report.lastRowID = 0
        return Outcome(report: report, nodes: merge.nodes, buckets: merge.buckets.count)
    }

    /// Folds the merged buckets oldest first, committing each hour's changes as the streaming analyzer commits its
    /// batches (which also bounds the engine's memory to its horizon).
    public static func fold(_ merge: FleetMerge, into store: SQLiteStore, configuration: AnalysisConfiguration) throws {
        var engine = try AnalysisEngine(configuration: configuration)
        engine.wallClockMicros = WallClock.nowMicros()
        let persistence = AnalysisPersistence(store: store, configuration: configuration)
        var hour: Int64?
        for bucket in merge.buckets {
            let h = engine.coarse.bucketStart(bucket.startMicros)
            if let hour, hour != h { try commit(&engine, persistence) }
            hour = h
            engine.fold(bucket, timeline: merge.timeline)
        }
        try commit(&engine, persistence)
    }

    private static func commit(_ engine: inout AnalysisEngine, _ persistence: AnalysisPersistence) throws {
        let changes = engine.takeChanges()
        guard try persistence.commit(changes, expectedLastRowID: 0) else {
            throw DriftwatchError(.storage, "the central analysis's scratch store was changed by someone else")
        }
    }
}
