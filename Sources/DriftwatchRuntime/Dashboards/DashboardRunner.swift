public import DriftwatchDashboards
import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDrift
public import DriftwatchStore
import Foundation
public import Logging

/// Builds a ``DashboardSnapshot`` from the store (coarse rollups, version timeline, incidents, drift state —
/// aggregates only) and writes every page atomically. Shared by `driftwatch dashboards` and ``DashboardService``.
public struct DashboardRunner: Sendable {
    public let store: SQLiteStore
    public let configuration: DriftwatchConfiguration
    public let definitions: [DashboardDefinition]
    let logger: Logger

    /// Loads the definitions from `configuration.dashboards.definitionsDirectory`, or the shipped ones.
    public init(store: SQLiteStore, configuration: DriftwatchConfiguration, logger: Logger) throws {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        let loader = DashboardDefinitionLoader()
        definitions = try configuration.dashboards.definitionsDirectory.map { try loader.loadDirectory($0) } ?? loader.defaults()
    }

    /// What one render did, and how long each part took.
    public struct Outcome: Sendable {
        public var pages: [DashboardRenderer.Page]
        public var rollupRows: Int
        public var snapshotSeconds: Double
        public var renderSeconds: Double
        public var bytes: Int { pages.reduce(0) { $0 + $1.html.utf8.count } }
        public var largestPageBytes: Int { pages.map { $0.html.utf8.count }.max() ?? 0 }
        public var pageCount: Int { pages.count }
    }

    /// Reads the aggregates the definitions need (the longest range of any page).
    public func snapshot(nowMicros: Int64? = nil) throws -> DashboardSnapshot {
        let nowMicros = nowMicros ?? WallClock.nowMicros()
        let checkpoint = try store.analysisCheckpoint()
        let bucket = configuration.analysis.engine.coarseBucketMicros
        let range = definitions.map { $0.rangeMicros ?? configuration.dashboards.rangeMicros }.max() ?? 0
        let through = checkpoint.watermarkMicros
        let from = through.map { $0 - range - 2 * bucket } ?? .min
        let rollups = try store.analysisRollups(bucketMicros: bucket, from: from).map { row in
            RollupTable.Row(bucketMicros: row.bucketMicros, startMicros: row.startMicros,
                            scope: ScopeKey(task: row.task, dimension: row.dimension, value: row.value),
                            counters: try MetricCounters(bytes: row.counters))
        }
        let versions = try store.analysisVersions().map {
            VersionTimeline.Entry(component: $0.component, version: $0.version, firstSeenMicros: $0.firstSeenMicros,
                                  lastSeenMicros: $0.lastSeenMicros, requests: $0.requests)
        }
        // Withdrawn incidents (late records showed no regression) stay listed by `analyze`, not on dashboards.
        let incidents = try store.incidents(resolvedSince: from == .min ? nil : from, limit: 500).compactMap {
            try? AnalysisPersistence.decode($0.document)
        }.filter { !AnalysisEngine.isWithdrawn($0) }
        var drift: DriftReport?
        if let stored = try store.loadDriftState(),
           let engine = try? DriftEngine(configuration: configuration.drift.detector, restoring: stored.state) {
            drift = engine.report(incidents: incidents.map(DriftRunner.summary))
        }
        return DashboardSnapshot(generatedAtMicros: nowMicros, dataThroughMicros: through, bucketMicros: bucket,
                                 rollups: rollups, versions: versions, incidents: incidents, drift: drift)
    }

    /// Renders every page from a fresh snapshot and, with `directory`, writes them (each atomically).
    @discardableResult
    public func render(to directory: String?, nowMicros: Int64? = nil) throws -> Outcome {
        let clock = ContinuousClock()
        let t0 = clock.now
        let snapshot = try snapshot(nowMicros: nowMicros)
        let t1 = clock.now
        let pages = DashboardRenderer(rangeMicros: configuration.dashboards.rangeMicros).renderAll(definitions, snapshot: snapshot)
        let t2 = clock.now
        if let directory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for page in pages {
                try AtomicFileWriter.write(page.html, to: (directory as NSString).appendingPathComponent(page.fileName))
            }
        }
        return Outcome(pages: pages, rollupRows: snapshot.rollups.count, snapshotSeconds: Self.seconds(t1 - t0),
                       renderSeconds: Self.seconds(t2 - t1))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
