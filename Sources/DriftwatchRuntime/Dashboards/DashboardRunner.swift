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
        // Every page is also rendered for 24 h and 30 d (see the renderer's `RangeVariant`).
        let range = (definitions.map { $0.rangeMicros ?? configuration.dashboards.rangeMicros } + [30 * 24 * 3_600_000_000]).max()!
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
        var snapshot = DashboardSnapshot(generatedAtMicros: nowMicros, dataThroughMicros: through, bucketMicros: bucket,
                                         rollups: rollups, versions: versions, incidents: incidents, drift: drift)
        snapshot.examples = try examples(incidents)
        snapshot.notifications = try notifications(incidents)
        return snapshot
    }

    /// Example request ids per incident: the first of its training export (failing first), else failing records of
    /// its scope from the store (the page prints the same query as a `driftwatch records` command).
    func examples(_ incidents: [Incident]) throws -> [String: IncidentExamples] {
        var out: [String: IncidentExamples] = [:]
        // A store query costs about 0.2 s per incident in a debug build on the demo store, and pages are rendered
        // every minute: open incidents and the most recently detected get ids, older pages keep the command.
        let recent = incidents.sorted { ($0.status == .open ? 0 : 1, -$0.detectedAtMicros, $0.id) < ($1.status == .open ? 0 : 1, -$1.detectedAtMicros, $1.id) }
        for incident in recent.prefix(Self.incidentsWithExamples) {
            if let path = incident.recommendation.details["export_path"],
               let text = try? String(contentsOfFile: path, encoding: .utf8) {
                var failing: [String] = [], passing: [String] = [], total = 0
                for line in text.split(separator: "\n") {
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                          let id = object["request_id"] as? String else { continue }
                    total += 1
                    if object["label"] as? String == "passing" { passing.append(id) } else { failing.append(id) }
                }
                let shown = Array(failing.prefix(Self.examplesPerIncident)) + passing.prefix(max(0, Self.examplesPerIncident - failing.count))
                out[incident.id] = IncidentExamples(requestIDs: shown, labels: shown.map { failing.contains($0) ? "failing" : "passing" },
                                                    exportPath: path, total: total)
                continue
            }
            let q = ExampleQuery(incident: incident)
            var query = RecordQuery(from: q.fromMicros, to: q.toMicros, task: q.task, modelName: q.modelName, modelVersion: q.modelVersion,
                                    templateVersion: q.templateVersion, indexVersion: q.indexVersion, tool: q.tool, route: q.route,
                                    outcome: q.outcome, limit: q.limit)
            query.slices = q.slices
            let ids = try store.storedRecords(query).map(\.requestID)
            if !ids.isEmpty { out[incident.id] = IncidentExamples(requestIDs: ids, labels: ids.map { _ in "failing" }) }
        }
        return out
    }

    static let incidentsWithExamples = 30, examplesPerIncident = 20

    /// The outbox notifications naming one of `incidents` (every receiver kind's payload carries the incident id,
    /// in its labels, dedup key or text), with whether each announced a firing or a resolution.
    func notifications(_ incidents: [Incident]) throws -> [NotificationSummary] {
        let ids = Set(incidents.map(\.id))
        guard !ids.isEmpty else { return [] }
        var out: [NotificationSummary] = []
        // A store written before alerting existed has no outbox: its incident pages just list no notifications.
        guard let rows = try? store.outbox(limit: 5000) else { return [] }
        for row in rows {
            let named = ids.filter { row.payload.contains($0) || row.groupKey.contains($0) }.sorted()
            guard !named.isEmpty else { continue }
            out.append(NotificationSummary(id: row.id, receiver: row.receiver, kind: row.kind, event: Self.event(row.payload),
                                           incidentIDs: named, createdAtMicros: row.createdAtMicros, status: row.status.rawValue,
                                           attempts: row.attempts, deliveredAtMicros: row.deliveredAtMicros, lastError: row.lastError))
        }
        return out
    }

    /// `firing` or `resolved` from a payload: the webhook bodies' `status`, PagerDuty's `event_action`, the email
    /// subject or the Slack header.
    static func event(_ payload: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return nil }
        if let status = object["status"] as? String { return status }
        if let action = object["event_action"] as? String { return action == "resolve" ? "resolved" : (action == "trigger" ? "firing" : action) }
        if let subject = object["subject"] as? String { return subject.hasPrefix("[RESOLVED") ? "resolved" : (subject.hasPrefix("[FIRING") ? "firing" : nil) }
        if payload.contains("RESOLVED") { return "resolved" }
        if payload.contains("FIRING") { return "firing" }
        return nil
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
            var made: Set<String> = [directory]
            for page in pages {
                let path = (directory as NSString).appendingPathComponent(page.fileName)
                let parent = (path as NSString).deletingLastPathComponent
                if made.insert(parent).inserted {
                    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
                }
                try AtomicFileWriter.write(page.html, to: path)
            }
        }
        return Outcome(pages: pages, rollupRows: snapshot.rollups.count, snapshotSeconds: Self.seconds(t1 - t0),
                       renderSeconds: Self.seconds(t2 - t1))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
