@testable import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import Testing

/// Issue #12 item 7, "Every record counts": the same workload fed in order, as hour-long files backfilled
/// newest first, and with a far-future line in the middle must give the same incidents, and the counts must say
/// what was left out.
@Suite("Late and out-of-order records")
struct LateRecordTests {
    static let hour: Int64 = 3_600_000_000
    static let start = WorkloadConfiguration.defaultStartMicros

    /// What a store would hold after a run: the latest version of every incident, and every event.
    struct Outcome {
        var engine: AnalysisEngine
        var events: [IncidentEvent]
        var stored: [String: Incident]

        /// Stored incidents late data did not withdraw.
        var incidents: [Incident] { stored.values.filter { !AnalysisEngine.isWithdrawn($0) }.sorted { $0.id < $1.id } }
        var withdrawn: [Incident] { stored.values.filter(AnalysisEngine.isWithdrawn).sorted { $0.id < $1.id } }
        /// What must not depend on arrival order.
        var signature: [String] {
            incidents.map { i in
                let scope = i.scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                return "\(i.id) \(i.status) \(i.component) \(i.recommendation.action) [\(scope)] started \(i.startedAtMicros) detected \(i.detectedAtMicros)"
                    + " baseline \(i.baseline.value)/\(i.baseline.n) current \(i.current.value)/\(i.current.n) updated \(i.updatedAtMicros)"
            }
        }
    }

    static func records(_ specs: [String], seed: UInt64, hours: Double = 4) throws -> [RequestRecord] {
        var workload = WorkloadConfiguration(seed: seed, length: .duration(micros: Int64(hours * Double(hour))))
        for spec in specs { workload.add(try WorkloadSpecParser.parse(spec)) }
        return Array(try WorkloadGenerator(workload))
    }

    /// Feeds records with the sidecar's clock fixed at `now`, taking changes every `commitEvery` records as the
    /// runtime does.
    static func run(_ records: [RequestRecord], now: Int64, commitEvery: Int = 5_000,
                    configuration: AnalysisConfiguration = AnalysisConfiguration()) throws -> Outcome {
        var engine = try AnalysisEngine(configuration: configuration)
        engine.wallClockMicros = now
        var outcome = Outcome(engine: engine, events: [], stored: [:])
        func take() {
            let changes = engine.takeChanges()
            outcome.events += changes.events
            for incident in changes.incidents { outcome.stored[incident.id] = incident }
        }
        for (i, record) in records.enumerated() {
            engine.ingest(record)
            if (i + 1) % commitEvery == 0 { take() }
        }
        take()
        outcome.engine = engine
        return outcome
    }

    /// Hour-long chunks, newest first, each in order: rotated files backfilled in path order
    /// (`requests.log`, `requests.log.1`, ...).
    static func newestHourFirst(_ records: [RequestRecord]) -> [RequestRecord] {
        let chunks = Dictionary(grouping: records) { ($0.timestampMicros - start) / hour }
        return chunks.keys.sorted(by: >).flatMap { chunks[$0]! }
    }

    static func withLine(dated t: Int64, in records: [RequestRecord]) -> [RequestRecord] {
        var line = records[records.count / 2]
        line.requestID = "future-\(t)"
        line.timestampMicros = t
        var out = records
        out.insert(line, at: records.count / 2)
        return out
    }

    /// 9999-12-31T23:59:59Z.
    static let endOfTime: Int64 = 253_402_300_799_000_000

    @Test("a tool outage gives the same incidents in order, newest hour first, and with a future-dated line",
          arguments: [UInt64(1), 2])
    func sameIncidentsWhateverTheOrder(seed: UInt64) throws {
        let records = try Self.records(["tool_outage@2h:tool=refund_api,rate=0.6"], seed: seed)
        let now = Self.start + 4 * Self.hour
        let inOrder = try Self.run(records, now: now)
        #expect(!inOrder.incidents.isEmpty, "the outage must open an incident")
        #expect(inOrder.incidents.contains { $0.component == "tools" && $0.recommendation.action == "tool_fix" })
        #expect(inOrder.engine.recordCounts == RecordCounts(analysed: Int64(records.count)))

        let reversed = try Self.run(Self.newestHourFirst(records), now: now)
        print("seed \(seed): in order \(inOrder.signature); newest hour first: \(reversed.signature), withdrawn \(reversed.withdrawn.count), replays \(reversed.engine.replays)")
        #expect(reversed.signature == inOrder.signature)
        #expect(reversed.engine.recordCounts.analysed == Int64(records.count))
        #expect(reversed.engine.recordCounts.late >= Int64(records.count / 2), "three of the four hours arrive after later ones")
        #expect(reversed.engine.recordCounts.skipped == 0)
        #expect(reversed.engine.replays.count > 0)
        // Re-opening is idempotent: a replay that reproduces an incident sends no second `opened`. An incident
        // opened on partial data, withdrawn by a later replay and reproduced by the next is opened again, so per
        // id `opened` and withdrawals alternate, starting with `opened`.
        for incident in reversed.incidents {
            let sequence = reversed.events.filter { $0.incident.id == incident.id }.compactMap { event -> String? in
                if event.kind == .opened { return "opened" }
                return AnalysisEngine.isWithdrawn(event.incident) ? "withdrawn" : nil
            }
            #expect(sequence.first == "opened")
            #expect(zip(sequence, sequence.dropFirst()).allSatisfy { $0 != $1 }, "\(incident.id): \(sequence)")
        }
        // Rollups are the same, bucket for bucket.
        #expect(reversed.engine.fine.starts == inOrder.engine.fine.starts)

        for (name, t) in [("9999-12-31", Self.endOfTime), ("two days ahead", now + 48 * Self.hour)] {
            let withFuture = try Self.run(Self.withLine(dated: t, in: records), now: now)
            print("seed \(seed), \(name): \(withFuture.signature)")
            #expect(withFuture.signature == inOrder.signature, "\(name)")
            #expect(withFuture.engine.recordCounts == RecordCounts(analysed: Int64(records.count), future: 1), "\(name)")
            #expect(withFuture.engine.watermarkMicros == inOrder.engine.watermarkMicros, "\(name)")

            let both = try Self.run(Self.newestHourFirst(Self.withLine(dated: t, in: records)), now: now)
            #expect(both.signature == inOrder.signature, "\(name), newest hour first")
            #expect(both.engine.recordCounts.future == 1 && both.engine.recordCounts.analysed == Int64(records.count))
        }
    }

    @Test("the mixed preset (five incidents, four rolled back, benign deploys) gives the same incidents newest hour first")
    func mixedPresetReversed() throws {
        let preset = try WorkloadPreset.named("mixed")
        let records = Array(try WorkloadGenerator(try preset.configuration(seed: 1)))
        let now = Self.start + preset.durationMicros
        let inOrder = try Self.run(records, now: now)
        let reversed = try Self.run(Self.newestHourFirst(records), now: now)
        print("mixed: in order \(inOrder.signature.count) incidents, newest hour first \(reversed.signature.count), withdrawn \(reversed.withdrawn.count), replays \(reversed.engine.replays)")
        for line in Set(inOrder.signature).symmetricDifference(reversed.signature).sorted() { print("mixed differs: \(line)") }
        #expect(inOrder.incidents.count >= 5)
        #expect(inOrder.incidents.contains { $0.status == .resolved })
        #expect(reversed.signature == inOrder.signature)
    }

    @Test("without a clock bound one future line would stall analysis: the old failure, for contrast")
    func futureLineWithoutClock() throws {
        let records = try Self.records(["tool_outage@2h:tool=refund_api,rate=0.6"], seed: 1)
        var configuration = AnalysisConfiguration()
        configuration.latenessMicros = Self.hour
        // No wall clock: the line moves the watermark, and every later record is beyond the lateness horizon.
        var engine = try AnalysisEngine(configuration: configuration)
        for r in Self.withLine(dated: Self.endOfTime, in: records) { engine.ingest(r) }
        #expect(engine.recordCounts.beyondLateness == Int64(records.count - records.count / 2))
        #expect(engine.recordCounts.future == 0)
    }

    @Test("quiet workloads stay quiet when their hours arrive newest first", arguments: [UInt64(2), 3])
    func quietReversed(seed: UInt64) throws {
        let records = try Self.records(["benign_template@1h:task=policy_lookup", "benign_model@2h:model=tuned"], seed: seed)
        let now = Self.start + 4 * Self.hour
        let reversed = try Self.run(Self.newestHourFirst(Self.withLine(dated: Self.endOfTime, in: records)), now: now)
        let opened = reversed.events.filter { $0.kind == .opened }.map(\.incident)
        print("quiet seed \(seed) newest hour first: opened \(opened.map(\.debugLine)), withdrawn \(reversed.withdrawn.count)")
        #expect(reversed.incidents.isEmpty)
        #expect(opened.isEmpty, "no incident opens even for a while")
        #expect(reversed.engine.recordCounts.future == 1)
    }

    @Test("an incident late records do not reproduce is withdrawn: stored resolved with a reason, and an event")
    func withdrawnByLateData() throws {
        let records = try Self.records([], seed: 2)
        let now = Self.start + 4 * Self.hour
        // The successes of one task over the last 40 minutes arrive after everything else: until then the task
        // looks broken.
        let heldBack = { (r: RequestRecord) in
            r.task == "refund_question" && r.outcome == .success && r.timestampMicros >= now - 40 * 60_000_000
        }
        var engine = try AnalysisEngine()
        engine.wallClockMicros = now
        var events: [IncidentEvent] = []
        var stored: [String: Incident] = [:]
        for r in records where !heldBack(r) { engine.ingest(r) }
        var changes = engine.takeChanges()
        events += changes.events
        for i in changes.incidents { stored[i.id] = i }
        let opened = events.filter { $0.kind == .opened }.map(\.incident)
        #expect(opened.contains { $0.task == "refund_question" }, "the partial data must look like a regression")
        #expect(opened.allSatisfy { $0.status == .open })

        // Late: those in buckets already evaluated (the last bucket's evaluation is still to come).
        let evaluatedThrough = try #require(engine.nextEvaluationMicros) - engine.configuration.bucketMicros
        let expectedLate = records.filter { heldBack($0) && $0.timestampMicros < evaluatedThrough }.count
        #expect(expectedLate > 1000)
        for r in records where heldBack(r) { engine.ingest(r) }
        changes = engine.takeChanges()
        for i in changes.incidents { stored[i.id] = i }
        #expect(engine.recordCounts.late == Int64(expectedLate))
        #expect(engine.recordCounts.analysed == Int64(records.count))
        for incident in opened {
            let resolved = changes.events.first { $0.kind == .resolved && $0.incident.id == incident.id }
            #expect(resolved?.incident.recommendation.details["withdrawn"] == AnalysisEngine.withdrawnByLateData)
            #expect(stored[incident.id].map(AnalysisEngine.isWithdrawn) == true)
            #expect(stored[incident.id]?.status == .resolved)
            #expect(engine.incidents[incident.id] == nil)
        }
        #expect(!changes.events.contains { $0.kind == .opened }, "the complete data shows nothing")

        // A withdrawn incident is not loaded back.
        var restored = try AnalysisEngine()
        restored.restore(AnalysisEngine.State(rollups: [], timeline: [], incidents: Array(stored.values), lastRowID: 0,
                                              watermarkMicros: engine.watermarkMicros, nextEvaluationMicros: engine.nextEvaluationMicros,
                                              recordCounts: engine.recordCounts))
        #expect(restored.incidents.isEmpty)
        #expect(restored.recordCounts == engine.recordCounts)
    }

    @Test("future and too-late records are counted, never rolled up, and never move the watermark")
    func countsByReason() throws {
        let t0 = Self.start, minute: Int64 = 60_000_000
        var engine = try AnalysisEngine()
        engine.wallClockMicros = t0 + 10 * minute
        engine.ingest(sampleRecord(id: "a", ts: t0))
        engine.ingest(sampleRecord(id: "skewed", ts: t0 + 14 * minute))
        engine.ingest(sampleRecord(id: "ahead", ts: t0 + 16 * minute))
        engine.ingest(sampleRecord(id: "micros-as-millis", ts: Self.endOfTime))
        #expect(engine.watermarkMicros == t0 + 14 * minute)
        #expect(engine.recordCounts == RecordCounts(analysed: 2, future: 2))
        _ = engine.takeChanges()

        engine.ingest(sampleRecord(id: "b", ts: t0 + 30 * Self.hour), now: t0 + 31 * Self.hour)
        engine.ingest(sampleRecord(id: "too-late", ts: t0 + 5 * Self.hour))
        #expect(engine.recordCounts.beyondLateness == 1)
        #expect(engine.watermarkMicros == t0 + 30 * Self.hour)
        let changes = engine.takeChanges()
        #expect(!changes.rollups.contains { $0.startMicros < t0 + 6 * Self.hour && $0.startMicros > t0 + Self.hour })
        #expect(changes.recordCounts == engine.recordCounts)

        let evaluations = engine.evaluations
        engine.ingest(sampleRecord(id: "late", ts: t0 + 10 * Self.hour))
        #expect(engine.recordCounts.late == 1 && engine.recordCounts.analysed == 4)
        let folded = engine.takeChanges()
        #expect(folded.rollups.contains { $0.startMicros == t0 + 10 * Self.hour && $0.scope.isTask && $0.counters.requests == 1 })
        // Replayed from the late record's bucket to the last evaluated boundary, once.
        #expect(engine.evaluations - evaluations == (20 * Self.hour - 5 * minute) / (5 * minute) + 1)
        #expect(engine.replays.count == 1)
    }

    @Test("after a restore, late records before the first new evaluation are rolled up but not replayed; later ones are")
    func restoreKeepsNoSnapshots() throws {
        let t0 = Self.start, minute: Int64 = 60_000_000
        var first = try AnalysisEngine()
        for i in 0..<24 { first.ingest(sampleRecord(id: "a\(i)", ts: t0 + Int64(i) * 5 * minute)) }
        let changes = first.takeChanges()
        var engine = try AnalysisEngine()
        engine.restore(AnalysisEngine.State(rollups: changes.rollups, timeline: changes.timeline, incidents: changes.incidents,
                                            lastRowID: 0, watermarkMicros: changes.watermarkMicros,
                                            nextEvaluationMicros: changes.nextEvaluationMicros, recordCounts: changes.recordCounts))
        #expect(engine.recordCounts.analysed == 24)
        // Before the restart's first evaluation: no snapshot to rewind to, so nothing is replayed.
        engine.ingest(sampleRecord(id: "late-1", ts: t0 + 30 * minute))
        _ = engine.takeChanges()
        #expect(engine.recordCounts.late == 1)
        #expect(engine.replays.count == 0)
        // Evaluations after the restart are replayed from their own snapshots.
        engine.ingest(sampleRecord(id: "b", ts: t0 + 150 * minute))
        let evaluations = engine.evaluations
        engine.ingest(sampleRecord(id: "late-2", ts: t0 + 30 * minute))
        let folded = engine.takeChanges()
        #expect(engine.recordCounts.late == 2 && engine.recordCounts.analysed == 27)
        #expect(engine.replays.count == 1)
        // From the restart's first boundary (2h) to the last evaluated one (2h30m).
        #expect(engine.evaluations - evaluations == 7)
        #expect(folded.rollups.contains { $0.startMicros == t0 + 30 * minute && $0.scope.isTask && $0.counters.requests == 3 })
    }

    @Test("the in-memory horizon covers the lateness horizon plus what its oldest evaluation reads")
    func horizonGrowsWithLateness() throws {
        var configuration = AnalysisConfiguration()
        #expect(configuration.latenessMicros == configuration.baselineWindowMicros)
        configuration.baselineWindowMicros = 48 * Self.hour
        #expect(configuration.latenessMicros == 48 * Self.hour, "the default follows the baseline window")
        configuration.latenessMicros = 2 * Self.hour
        #expect(configuration.horizonMicros == 2 * Self.hour + configuration.currentWindowMicros + 48 * Self.hour + configuration.coarseBucketMicros)
        configuration.maxClockSkewMicros = -1
        #expect(throws: AnalysisError.self) { try configuration.validate() }
    }
}
