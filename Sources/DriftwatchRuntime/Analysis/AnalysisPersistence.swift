public import DriftwatchAnalysis
import DriftwatchCore
public import DriftwatchStore
import Foundation

/// Moves analyzer state between an ``AnalysisEngine`` and the store: loads it, follows the `records` table by
/// row id, and commits each step's rollups, timeline, incidents, events and checkpoint in one transaction.
public struct AnalysisPersistence: Sendable {
    public let store: SQLiteStore
    public let configuration: AnalysisConfiguration
    /// Where `targeted_retraining` incidents write their request ID exports; nil disables exports.
    public let exportDirectory: String?
    /// Free-form strings cut and slice values capped before the engine sees a record (issue 18).
    public let bounds = AnalysisBounds()

    public init(store: SQLiteStore, configuration: AnalysisConfiguration, exportDirectory: String? = nil) {
        self.store = store
        self.configuration = configuration
        self.exportDirectory = exportDirectory
    }

    /// An engine in the state last committed: fine rollups within the detection horizon, the timeline, recent
    /// incidents and the checkpoint.
    public func load() throws -> AnalysisEngine {
        var engine = try AnalysisEngine(configuration: configuration)
        let checkpoint = try store.analysisCheckpoint()
        var rows: [RollupTable.Row] = []
        if let watermark = checkpoint.watermarkMicros {
            let from = engine.coarse.bucketStart(watermark - configuration.horizonMicros)
            do {
                for row in try store.analysisRollups(bucketMicros: configuration.bucketMicros, from: from) {
                    rows.append(RollupTable.Row(
                        bucketMicros: row.bucketMicros, startMicros: row.startMicros,
                        scope: ScopeKey(task: row.task, dimension: row.dimension, value: row.value),
                        counters: try MetricCounters(bytes: row.counters)))
                }
            }
        }
        let timeline = try store.analysisVersions().map {
            VersionTimeline.Entry(component: $0.component, version: $0.version, firstSeenMicros: $0.firstSeenMicros,
                                  lastSeenMicros: $0.lastSeenMicros, requests: $0.requests)
        }
        let since = checkpoint.watermarkMicros.map { $0 - configuration.horizonMicros }
        let incidents = try store.incidents(resolvedSince: since ?? .min, members: true).map { try Self.decode($0.document) }
        var state = AnalysisEngine.State(
            rollups: rows, timeline: timeline, incidents: incidents, lastRowID: checkpoint.lastRowID,
            watermarkMicros: checkpoint.watermarkMicros, nextEvaluationMicros: checkpoint.nextEvaluationMicros,
            pending: checkpoint.pending, recordCounts: RecordCounts(named: checkpoint.recordCounts))
        state.recovering = checkpoint.recovering
        bounds.seed(checkpoint.recordCounts)
        if configuration.detectSlices {
            state.shapes = try store.analysisShapes().map { row in
                (id: Int(row.id), task: row.task,
                 predicates: row.predicates.map { ScopeKey(task: row.task, dimension: $0.dimension, value: $0.value) })
            }
            if let watermark = checkpoint.watermarkMicros {
                let from = watermark - configuration.cohortHorizonMicros - configuration.baselineWindowMicros - configuration.coarseBucketMicros
                let stored = try store.analysisShapeBuckets(from: from)
                state.shapeBuckets = stored.buckets.map { ShapeTable.BucketRow(startMicros: $0.startMicros, bytes: $0.counts) }
                state.checkNames = stored.checkNames
            }
        }
        engine.restore(state)
        return engine
    }

    /// Loads the committed state and analyses every record stored since, committing per batch: what
    /// `driftwatch analyze` does before reporting.
    /// Caught up, it only reads the checkpoint and one row id: the engine (rollups, sketches) is loaded only when
    /// there are records to fold in, so the answer time does not grow with stored history.
    @discardableResult
    public func update(batchSize: Int = 20_000, onBatch: ((_ rowsDone: Int) -> Void)? = nil) throws -> Progress {
        let checkpoint = try store.analysisCheckpoint()
        if try store.records(afterID: checkpoint.lastRowID, limit: 1).isEmpty { return Progress() }
        var engine = try load()
        return try catchUp(&engine, batchSize: batchSize, onBatch: onBatch)
    }

    /// What one ``catchUp(_:batchSize:maxRows:)`` did.
    public struct Progress: Sendable, Equatable {
        public var rows = 0
        public var undecodable = 0
        public var events: [IncidentEvent.Kind: Int] = [:]
        /// Another analyzer committed first; the engine was reloaded.
        public var conflicts = 0
        /// Training exports written (one per `targeted_retraining` incident, again only when its cause spreads).
        public var exports = 0
    }

    /// Feeds every stored record after the engine's checkpoint through it, committing after each batch.
    public func catchUp(_ engine: inout AnalysisEngine, batchSize: Int = 20_000, maxRows: Int = .max,
                        onBatch: ((_ rowsDone: Int) -> Void)? = nil) throws -> Progress {
        var progress = Progress()
        let decoder = RecordDecoder()
        while progress.rows < maxRows {
            let start = engine.lastRowID
            let rows = try store.records(afterID: start, limit: min(batchSize, maxRows - progress.rows))
            if rows.isEmpty { break }
            engine.wallClockMicros = WallClock.nowMicros()
            for row in rows {
                do {
                    var record = try decoder.decode(row.raw)
                    bounds.apply(&record)
                    engine.ingest(record, rowID: row.id)
                } catch {
                    progress.undecodable += 1
                    engine.skip(rowID: row.id)
                }
            }
            progress.rows += rows.count
            var changes = engine.takeChanges()
            progress.exports += try export(&changes, engine: &engine)
            if try commit(changes, expectedLastRowID: start) {
                for event in changes.events { progress.events[event.kind, default: 0] += 1 }
            } else {
                progress.conflicts += 1
                engine = try load()
            }
            onBatch?(progress.rows)
        }
        return progress
    }

    /// Stores one step; false when another analyzer moved the checkpoint first.
    public func commit(_ changes: AnalysisEngine.Changes, expectedLastRowID: Int64) throws -> Bool {
        var commit = AnalysisCommit(
            expectedLastRowID: expectedLastRowID,
            checkpoint: AnalysisCheckpoint(lastRowID: changes.lastRowID, watermarkMicros: changes.watermarkMicros,
                                           nextEvaluationMicros: changes.nextEvaluationMicros, pending: changes.pending,
                                           recordCounts: Dictionary(uniqueKeysWithValues: changes.recordCounts.named.map { ($0.name, $0.value) })
                                               .merging(bounds.named()) { $1 }),
            rollups: changes.rollups.map {
                AnalysisRollupRow(bucketMicros: $0.bucketMicros, startMicros: $0.startMicros, task: $0.scope.task,
                                  dimension: $0.scope.dimension, value: $0.scope.value, requests: $0.counters.requests,
                                  outcomes: $0.counters.outcomes, successes: $0.counters.successes,
                                  counters: $0.counters.serializedBytes())
            },
            versions: changes.timeline.map {
                AnalysisVersionRow(component: $0.component, version: $0.version, firstSeenMicros: $0.firstSeenMicros,
                                   lastSeenMicros: $0.lastSeenMicros, requests: $0.requests)
            },
            incidents: try changes.incidents.map(Self.row),
            events: try changes.events.map {
                StoredIncidentEvent(incidentID: $0.incident.id, kind: $0.kind.rawValue, atMicros: $0.atMicros,
                                    document: try Self.encode($0.incident))
            })
        commit.checkpoint.recovering = changes.recovering
        commit.shapes = changes.shapes.map { shape in
            AnalysisShapeRow(id: Int64(shape.id), task: shape.task, predicates: shape.predicates.map { ($0.dimension, $0.value) })
        }
        commit.shapeBuckets = changes.shapeBuckets.map { AnalysisShapeBucketRow(startMicros: $0.startMicros, counts: $0.bytes) }
        commit.checkNames = changes.checkNames
        return try store.commitAnalysis(commit)
    }

    /// Writes the failing and passing request IDs of each newly opened `targeted_retraining` incident's slice as
    /// JSON Lines and records the path in the incident's details.
    @discardableResult
    func export(_ changes: inout AnalysisEngine.Changes, engine: inout AnalysisEngine) throws -> Int {
        guard let exportDirectory else { return 0 }
        var written = 0
        for event in changes.events where event.kind != .resolved && event.incident.recommendation.action == "targeted_retraining" {
            // The engine's copy carries what earlier exports annotated; an event's copy may predate them (a
            // replay re-raises events from before the annotation), and trusting it re-exported every flush.
            let incident = engine.incidents[event.incident.id] ?? event.incident
            // Written when the incident opens, and again when its cause turns out to hit another task.
            let exported = incident.recommendation.details["export_tasks"]?.split(separator: ",").count ?? 0
            guard incident.recommendation.details["export_path"] == nil || exported < Set((incident.affected ?? []).map(\.task) + [incident.task]).count else { continue }
            let details = try TrainingExport.write(incident: incident, store: store, directory: exportDirectory)
            written += 1
            engine.annotate(incidentID: incident.id, details: details)
            for i in changes.incidents.indices where changes.incidents[i].id == incident.id {
                changes.incidents[i].recommendation.details.merge(details) { $1 }
            }
            for i in changes.events.indices where changes.events[i].incident.id == incident.id {
                changes.events[i].incident.recommendation.details.merge(details) { $1 }
            }
        }
        return written
    }

    static func row(_ incident: Incident) throws -> StoredIncident {
        StoredIncident(
            id: incident.id, task: incident.task, status: incident.status.rawValue, component: incident.component,
            action: incident.recommendation.action, startedAtMicros: incident.startedAtMicros,
            detectedAtMicros: incident.detectedAtMicros, updatedAtMicros: incident.updatedAtMicros,
            resolvedAtMicros: incident.resolvedAtMicros, severity: incident.rankingSeverity, document: try encode(incident),
            parentID: incident.parentID)
    }

    static func encode(_ incident: Incident) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(incident), as: UTF8.self)
    }

    public static func decode(_ document: String) throws -> Incident {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(Incident.self, from: Data(document.utf8))
    }
}
