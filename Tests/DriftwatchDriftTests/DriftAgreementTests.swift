import DriftwatchDemo
@testable import DriftwatchDrift
import Testing

/// Issue #13 point 7: drift on a rolling reference stays quiet on quiet data, and agrees with the
/// analyzer: a drift recommendation links the incidents of its scope and window and names their action.
@Suite struct DriftAgreementTests {
    static let hour: Int64 = 3_600_000_000

    /// A quiet day (noise, no cause) at 20 requests/minute with the default rolling 24 h reference:
    /// no recommendation and no detector alarm. The 30-day rates are measured by `drift-quiet`
    /// (docs/analysis.md); this is the fast guard against a regression.
    @Test(arguments: [UInt64(21)])
    func aQuietDayRaisesNoRecommendationAndNoAlarm(seed: UInt64) throws {
        var engine = DriftEngine()
        for record in try DriftScenario.generator([], seed: seed, hours: 26, requestsPerMinute: 20) { engine.ingest(record) }
        let report = engine.report()
        #expect(report.recommendations.isEmpty, "\(DriftScenario.summary(report))")
        #expect(DriftScenario.driftedTags(report).isEmpty, "\(DriftScenario.summary(report))")
        for d in report.detectors { #expect(d.adwinDetections + d.pageHinkleyDetections == 0, "\(d.name)") }
        // The reference is the day before the current window, in whole hours.
        let baseline = try #require(report.baseline), current = try #require(report.current)
        #expect(baseline.toMicros == current.fromMicros)
        #expect(current.fromMicros - baseline.fromMicros >= 24 * Self.hour && current.fromMicros - baseline.fromMicros <= 25 * Self.hour)
        let documents = try #require(report.row("retrieval.documents"))
        #expect(documents.statistic == "new_documents" && documents.pValue != nil)

        // An incident open since hour 12 takes its hours out of the reference.
        let start = try #require(engine.newestMicros) - 26 * Self.hour
        let open = IncidentSummary(id: "inc-1", component: "retrieval", scope: "all", action: "retrieval_fix", fromMicros: start + 12 * Self.hour)
        let cut = engine.report(incidents: [open])
        #expect(cut.excludedReferenceBuckets >= 13)
        #expect(try #require(cut.baseline).toMicros <= start + 13 * Self.hour)
    }

    @Test func aDriftRecommendationTakesTheActionOfTheIncidentOfItsScopeAndWindow() throws {
        let generator = try DriftScenario.generator(["reindex_lower_scores@1h30m"])
        let start = try #require(generator.groundTruth.first?.startMicros)
        var engine = DriftEngine(configuration: DriftScenario.firstHour)
        for record in generator { engine.ingest(record) }

        // Alone, drift points at retrieval but only says watch.
        let alone = engine.report()
        let watch = try #require(DriftScenario.suggested(alone, "retrieval_fix").first, "\(DriftScenario.summary(alone))")
        #expect(watch.action == "watch" && watch.incidents.isEmpty)

        // The analyzer attributed the same window to the tools: drift links it and says the same.
        let incident = IncidentSummary(id: "inc-42", component: "tools", scope: "task=order_status", action: "tool_fix", fromMicros: start)
        let joined = engine.report(incidents: [incident])
        #expect(!joined.recommendations.isEmpty)
        for rec in joined.recommendations {
            #expect(rec.action == "tool_fix", "\(DriftScenario.summary(joined))")
            #expect(rec.incidents.map(\.id) == ["inc-42"])
            #expect(rec.suggestedAction == nil)
        }
        #expect(joined.recommendations.contains { $0.reason.contains("inc-42") && $0.reason.contains("drift alone pointed at retrieval_fix") })

        // An incident resolved before the current window is another window: not linked.
        let earlier = IncidentSummary(id: "inc-1", component: "tools", scope: "all", action: "tool_fix",
                                      fromMicros: start - 80 * 60_000_000, toMicros: start - 70 * 60_000_000)
        let old = engine.report(incidents: [earlier])
        #expect(old.recommendations.allSatisfy { $0.action == "watch" && $0.incidents.isEmpty })
    }

    @Test func incidentsJoinOnTaskAndSliceScopes() {
        let task = IncidentSummary(component: "model", scope: "task=refund_question", slices: ["language=de"], action: "targeted_retraining")
        func rec(_ scope: String, slice: String? = nil) -> DriftRecommendation {
            DriftRecommendation(action: "watch", component: "model", scope: scope, features: [], slice: slice, reason: "")
        }
        #expect(DriftRecommender.scopesMeet(rec("all"), task))
        #expect(DriftRecommender.scopesMeet(rec("task=refund_question"), task))
        #expect(DriftRecommender.scopesMeet(rec("language=de"), task))
        #expect(DriftRecommender.scopesMeet(rec("all", slice: "language=de"), task))
        #expect(!DriftRecommender.scopesMeet(rec("task=order_status"), task))
        #expect(!DriftRecommender.scopesMeet(rec("language=fr"), task))
    }
}
