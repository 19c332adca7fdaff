@testable import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import Testing

@Suite("Engine: rollups, timeline, persistence state")
struct AnalysisEngineTests {
    static let t0: Int64 = 1_736_121_600_000_000
    static let minute: Int64 = 60_000_000

    @Test("records roll up per task and per dimension value into 5-minute and 1-hour buckets")
    func rollups() throws {
        var engine = try AnalysisEngine()
        for i in 0..<30 {
            engine.ingest(sampleRecord(id: "a\(i)", ts: Self.t0 + Int64(i) * Self.minute, success: i % 5 != 0,
                                       language: i % 2 == 0 ? "en" : "de"))
        }
        let changes = engine.takeChanges()
        let fine = changes.rollups.filter { $0.bucketMicros == 5 * Self.minute }
        let coarse = changes.rollups.filter { $0.bucketMicros == 60 * Self.minute }
        let taskFine = fine.filter { $0.scope.isTask }.sorted { $0.startMicros < $1.startMicros }
        #expect(taskFine.count == 6)
        #expect(taskFine.allSatisfy { $0.counters.requests == 5 && $0.counters.successes == 4 })
        let taskCoarse = try #require(coarse.first { $0.scope.isTask })
        #expect(taskCoarse.counters.requests == 30 && taskCoarse.counters.successes == 24)
        var summed = MetricCounters()
        for row in taskFine { summed.merge(row.counters) }
        expectSame(summed, taskCoarse.counters)
        let de = coarse.first { $0.scope == ScopeKey(task: "refund_question", dimension: "language", value: "de") }
        #expect(de?.counters.requests == 15)
        // One scope per value, none for combinations.
        #expect(Set(coarse.map(\.scope)).count == 13)
        // Nothing changed, nothing to store.
        #expect(engine.takeChanges().rollups.isEmpty)
    }

    @Test("the version timeline records first and last sightings")
    func timeline() throws {
        var engine = try AnalysisEngine()
        engine.ingest(sampleRecord(id: "1", ts: Self.t0, modelVersion: "ckpt-1"))
        engine.ingest(sampleRecord(id: "2", ts: Self.t0 + 10 * Self.minute, modelVersion: "ckpt-2"))
        engine.ingest(sampleRecord(id: "3", ts: Self.t0 + 20 * Self.minute, modelVersion: "ckpt-1"))
        let old = try #require(engine.timeline.entry(component: "model:copilot-ft", version: "ckpt-1"))
        #expect(old.firstSeenMicros == Self.t0 && old.lastSeenMicros == Self.t0 + 20 * Self.minute && old.requests == 2)
        let new = try #require(engine.timeline.entry(component: "model:copilot-ft", version: "ckpt-2"))
        #expect(new.firstSeenMicros == Self.t0 + 10 * Self.minute)
        #expect(engine.timeline.entry(component: "tool:refund_api", version: "1")?.requests == 3)
        #expect(engine.takeChanges().timeline.count == engine.timeline.all.count)
    }

    @Test("records older than the lateness horizon are counted, not rolled up over stored buckets")
    func lateRecords() throws {
        var engine = try AnalysisEngine()
        engine.ingest(sampleRecord(id: "new", ts: Self.t0 + 30 * 60 * Self.minute))
        _ = engine.takeChanges()
        engine.ingest(sampleRecord(id: "old", ts: Self.t0))
        #expect(engine.recordCounts.beyondLateness == 1)
        #expect(engine.takeChanges().rollups.isEmpty)
    }

    @Test("incidents do not depend on how the stream is batched, and a restore from stored changes resumes exactly")
    func batchingAndRestore() throws {
        var workload = WorkloadConfiguration(seed: 5, length: .duration(micros: 4 * 3_600_000_000))
        workload.add(try WorkloadSpecParser.parse("template_canary@2h:share=0.3"))
        let records = Array(try WorkloadGenerator(workload))

        var whole = try AnalysisEngine()
        var wholeEvents: [IncidentEvent] = []
        for r in records { whole.ingest(r) }
        wholeEvents += whole.takeChanges().events

        // Persist changes as a store would (latest row per key), "crash" half way, restore, continue.
        var stored = StoredState()
        var first = try AnalysisEngine()
        var events: [IncidentEvent] = []
        let half = records.count / 2
        for (i, r) in records[..<half].enumerated() {
            first.ingest(r, rowID: Int64(i + 1))
            if i % 3000 == 0 { let c = first.takeChanges(); events += c.events; stored.apply(c) }
        }
        let c = first.takeChanges()
        events += c.events
        stored.apply(c)
        var second = try AnalysisEngine()
        second.restore(stored.state)
        #expect(second.lastRowID == Int64(half))
        for (i, r) in records[half...].enumerated() { second.ingest(r, rowID: Int64(half + i + 1)) }
        events += second.takeChanges().events

        #expect(!wholeEvents.isEmpty)
        #expect(events.map(\.incident.id) == wholeEvents.map(\.incident.id))
        #expect(events.map(\.kind) == wholeEvents.map(\.kind))
        let restored = second.rankedIncidents, reference = whole.rankedIncidents
        #expect(restored.count == reference.count)
        for (r, w) in zip(restored, reference) {
            #expect(r.id == w.id && r.status == w.status && r.startedAtMicros == w.startedAtMicros && r.scope == w.scope)
            #expect(r.component == w.component && r.recommendation == w.recommendation && r.baseline == w.baseline)
            #expect(r.current == w.current && r.updatedAtMicros == w.updatedAtMicros)
        }
    }

    /// What a store keeps: the latest version of each row.
    struct StoredState {
        var rollups: [String: RollupTable.Row] = [:]
        var timeline: [String: VersionTimeline.Entry] = [:]
        var incidents: [String: Incident] = [:]
        var changes: AnalysisEngine.Changes?
        var shapes: [Int: (id: Int, task: String, predicates: [ScopeKey])] = [:]
        var shapeBuckets: [Int64: ShapeTable.BucketRow] = [:]

        mutating func apply(_ c: AnalysisEngine.Changes) {
            for shape in c.shapes { shapes[shape.id] = shape }
            for row in c.shapeBuckets { shapeBuckets[row.startMicros] = row }
            for r in c.rollups { rollups["\(r.bucketMicros)|\(r.startMicros)|\(r.scope)"] = r }
            for e in c.timeline { timeline[e.component + "|" + e.version] = e }
            for i in c.incidents { incidents[i.id] = i }
            changes = c
        }

        var state: AnalysisEngine.State {
            _ = AnalysisEngine.State(rollups: Array(rollups.values), timeline: Array(timeline.values), incidents: Array(incidents.values),
                                 lastRowID: changes?.lastRowID ?? 0, watermarkMicros: changes?.watermarkMicros,
                                 nextEvaluationMicros: changes?.nextEvaluationMicros, pending: changes?.pending ?? [:])
            var state = AnalysisEngine.State(rollups: Array(rollups.values), timeline: Array(timeline.values), incidents: Array(incidents.values),
                                             lastRowID: changes?.lastRowID ?? 0, watermarkMicros: changes?.watermarkMicros,
                                             nextEvaluationMicros: changes?.nextEvaluationMicros, pending: changes?.pending ?? [:],
                                             recordCounts: changes?.recordCounts ?? RecordCounts())
            state.recovering = changes?.recovering ?? [:]
            state.shapes = shapes.values.sorted { $0.id < $1.id }
            state.shapeBuckets = shapeBuckets.values.sorted { $0.startMicros < $1.startMicros }
            state.checkNames = changes?.checkNames ?? []
            return state
        }
    }

    @Test("an invalid configuration is refused with a message")
    func invalidConfiguration() {
        var c = AnalysisConfiguration()
        c.currentWindowMicros = 7 * Self.minute
        #expect(throws: AnalysisError.self) { try AnalysisEngine(configuration: c) }
    }
}
