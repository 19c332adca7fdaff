import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import Testing

/// Issue 13: one cause is one incident, whose headline is the test that opened it. A reindex, a traffic shift and a
/// tuned checkpoint each hit several tasks of the generated service; each must come out as one incident listing the
/// tasks it hit, with no events of its own for the scopes listed under it; a quiet run with the same benign deploys
/// raises nothing.
@Suite("One incident per cause")
struct IncidentGroupingTests {
    static let hour: Int64 = 3_600_000_000
    static let benign = ["benign_model@1h:model=general", "benign_index@3h:index=claims"]

    @Test("a cause that hits several tasks is one incident listing them", arguments: [
        ("retrieval_index_change@2h:effect=0.3,for=3h", "retrieval", UInt64(11), 200.0),
        ("retrieval_index_change@2h:effect=0.25", "retrieval", UInt64(12), 120.0),
        ("traffic_shift@2h:share=0.5,slice=language=de", "traffic", UInt64(13), 200.0),
        ("checkpoint_regression@2h:effect=0.25,slice=language=de,for=3h", "model", UInt64(14), 200.0),
    ])
    func oneIncident(spec: String, component: String, seed: UInt64, rate: Double) throws {
        let run = try ScenarioRun.run(specs: Self.benign + [spec], seed: seed, hours: 7, requestsPerMinute: rate)
        let opened = run.opened
        print("grouping \(spec) seed \(seed): \(opened.map(\.debugLine)); affected \(opened.map { $0.affected?.map(\.task) ?? [$0.task] })")
        #expect(opened.count == 1, "\(opened.map(\.debugLine))")
        let incident = try #require(opened.first)
        #expect(incident.component == component)
        let final = try #require(run.engine.incidents[incident.id])
        let tasks = Set((final.affected ?? []).map(\.task))
        #expect(tasks.count >= 2, "the cause hit several tasks: \(tasks)")
        #expect(final.affected?.first?.incidentID == final.id)
        // Every scope listed is a finding of its own, on the same cause, that raised no event of its own.
        let members = run.engine.incidents.values.filter { $0.parentID == final.id }
        #expect(members.count + 1 == final.affected?.count)
        let eventIDs = Set(run.events.map(\.incident.id))
        #expect(eventIDs == [final.id], "events only for the incident: \(eventIDs)")
        #expect(!run.engine.rankedIncidents.contains { $0.parentID != nil })
        #expect(final.totalSeverity != nil)
    }

    @Test("the quiet control raises nothing", arguments: [(UInt64(11), 200.0), (15, 120.0)])
    func quiet(seed: UInt64, rate: Double) throws {
        let run = try ScenarioRun.run(specs: Self.benign, seed: seed, hours: 7, requestsPerMinute: rate)
        #expect(run.opened.isEmpty, "false alarms: \(run.opened.map(\.debugLine))")
    }

    /// The headline numbers are those of the opening test: its p-value passed the opening rule (Benjamini–Hochberg at
    /// `false_discovery_rate` for the window detector, the Bonferroni-adjusted always-valid p under `slice_alpha` for
    /// the lattice), its windows end where it was detected, and re-measurements are kept apart.
    @Test("every incident's headline is the test that opened it", arguments: [
        ("tool_outage@2h:tool=refund_api,rate=0.6,for=2h", UInt64(21)),
        ("traffic_shift@2h:share=0.5,slice=language=de", UInt64(22)),
        ("template_canary@2h:effect=0.4,share=0.3,for=2h", UInt64(23)),
        ("checkpoint_regression@2h:effect=0.25,slice=language=de,for=3h", UInt64(24)),
    ])
    func headline(spec: String, seed: UInt64) throws {
        let configuration = AnalysisConfiguration()
        let run = try ScenarioRun.run(specs: Self.benign + [spec], seed: seed, hours: 6, requestsPerMinute: 200,
                                      configuration: configuration)
        let all = run.events.filter { $0.kind == .opened }.map(\.incident)
            + run.engine.incidents.values.filter { $0.parentID != nil }
        #expect(!all.isEmpty)
        for incident in all {
            let threshold = incident.conjunction == nil ? configuration.falseDiscoveryRate : configuration.sliceAlpha
            #expect(incident.pValue <= incident.adjustedPValue + 1e-15, "\(incident.debugLine)")
            #expect(incident.adjustedPValue <= threshold, "headline adjusted p \(incident.adjustedPValue) of \(incident.debugLine)")
            #expect(incident.baseline.n > 0 && incident.current.n > 0)
            let current = try #require(incident.currentWindow)
            let baseline = try #require(incident.baselineWindow)
            #expect(current.toMicros == incident.detectedAtMicros)
            #expect(current.fromMicros < current.toMicros && baseline.fromMicros < baseline.toMicros)
            if incident.component == "traffic" {
                // Opened by the shift in the slice's share: the headline is that share, not the task's success rate.
                #expect(incident.metric.hasPrefix("share:"))
                #expect(incident.current.value > incident.baseline.value)
            } else {
                #expect(incident.current.value < incident.baseline.value)
            }
        }
    }
}
