@testable import DriftwatchAlerts
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// Alertmanager's inhibition semantics, and the shipped rules with the default inhibit rules: one notification per
/// incident, on open and on resolve.
@Suite struct InhibitionTests {
    static func rule(_ source: [String], _ target: [String], _ equal: [String]) throws -> InhibitRule {
        InhibitRule(sourceMatchers: try source.map { try LabelMatcher(parsing: $0) }, targetMatchers: try target.map { try LabelMatcher(parsing: $0) },
                    equal: equal)
    }

    @Test func aFiringSourceMutesMatchingTargetsWithEqualLabels() throws {
        let rule = try Self.rule(["alertname=Critical"], ["alertname=Warning"], ["task"])
        let inhibitor = Inhibitor(rules: [rule], firing: [["alertname": "Critical", "task": "t1"]])
        #expect(inhibitor.mutes(["alertname": "Warning", "task": "t1"]))
        #expect(!inhibitor.mutes(["alertname": "Warning", "task": "t2"]), "equal labels differ")
        #expect(!inhibitor.mutes(["alertname": "Other", "task": "t1"]), "not a target")
        #expect(!Inhibitor(rules: [rule], firing: []).mutes(["alertname": "Warning", "task": "t1"]), "no firing source")
        // A label missing on both sides counts as equal, as in Alertmanager.
        #expect(Inhibitor(rules: [rule], firing: [["alertname": "Critical"]]).mutes(["alertname": "Warning"]))
    }

    @Test func alertsMatchingBothSidesDoNotMuteEachOtherOrThemselves() throws {
        let rule = try Self.rule(["severity=~\"page|warning\""], ["severity=~\"page|warning\""], [])
        let a: LabelSet = ["alertname": "A", "severity": "page"]
        let b: LabelSet = ["alertname": "B", "severity": "warning"]
        let inhibitor = Inhibitor(rules: [rule], firing: [a, b])
        #expect(!inhibitor.mutes(a) && !inhibitor.mutes(b))
    }

    static func incident(_ id: String, component: String, task: String, metric: String = "success_rate") -> AlertFacts.IncidentFact {
        AlertFacts.IncidentFact(document: #"{"id":"\#(id)","status":"open","component":"\#(component)","metric":"\#(metric)","scope":{"task":"\#(task)"},"baseline":{"value":0.95,"n":1200},"current":{"value":0.61,"n":340},"confidence":0.9,"recommendation":{"action":"tool_fix","summary":"roll back tool search@v9","details":{}},"severity":3.5}"#)
    }

    /// The shipped rules, default inhibit rules and default grouping, one receiver, no waiting.
    static func pipeline() -> AlertPipeline<ManualClock> {
        var configuration = AlertsConfiguration()
        configuration.route = Route(receiver: "ops", groupBy: Route.defaultGroupBy, groupWait: .zero, groupInterval: .seconds(60))
        configuration.receivers = [ReceiverConfiguration(name: "ops", webhook: WebhookReceiver(url: "http://127.0.0.1:1/"))]
        let rules = AlertRuleLoader().builtin()
        #expect(rules.errors.isEmpty, "\(rules.errors)")
        return AlertPipeline<ManualClock>(rules: rules.rules, configuration: configuration)
    }

    static func incidents(_ rows: [OutboxRow]) -> [String] {
        rows.flatMap { row -> [String] in
            let body = try? JSONSerialization.jsonObject(with: Data(row.payload.utf8)) as? [String: Any]
            let alerts = body?["alerts"] as? [[String: Any]] ?? []
            return alerts.compactMap { ($0["labels"] as? [String: String])?["incident_id"] }.map { "\(body?["status"] ?? ""):\($0)" }
        }.sorted()
    }

    @Test func shippedRulesGiveOneNotificationPerIncidentOnOpenAndOnResolve() {
        let clock = ManualClock()
        let anchor = InstantAnchor<ManualClock>(instant: clock.now, wallMicros: 1_700_000_000_000_000)
        var pipeline = Self.pipeline()
        var facts = AlertFacts(nowMicros: anchor.wallMicros, watchingSinceMicros: anchor.wallMicros)
        facts.incidents = [
            Self.incident("tools-1", component: "tools", task: "refund"),        // ToolIncident and IncidentOpened
            Self.incident("wrap-1", component: "wrapper", task: "summarize"),    // IncidentOpened only
            Self.incident("ret-1", component: "retrieval", task: "billing"),     // RetrievalIncident and IncidentOpened
            Self.incident("check-1", component: "retrieval", task: "billing", metric: "check:grounding"), // downstream of ret-1
        ]
        pipeline.evaluate(facts, at: clock.now)
        let opened = pipeline.flush(at: clock.now, silences: [], anchor: anchor)
        #expect(Self.incidents(opened) == ["firing:ret-1", "firing:tools-1", "firing:wrap-1"])
        #expect(opened.count == 3, "one notification each")

        // Re-evaluated while open: nothing new.
        clock.advance(by: .seconds(60))
        pipeline.evaluate(facts, at: clock.now)
        #expect(pipeline.flush(at: clock.now, silences: [], anchor: anchor).isEmpty)

        // The incidents resolve; after keep_firing_for every alert resolves in one evaluation.
        facts.incidents = []
        for _ in 0..<11 {
            clock.advance(by: .seconds(60))
            pipeline.evaluate(facts, at: clock.now)
        }
        clock.advance(by: .seconds(60))
        let resolved = pipeline.flush(at: clock.now, silences: [], anchor: anchor)
        #expect(Self.incidents(resolved) == ["resolved:ret-1", "resolved:tools-1", "resolved:wrap-1"])
        #expect(resolved.count == 3)
    }

    @Test func withoutInhibitRulesEachIncidentPagesTwice() {
        let clock = ManualClock()
        let anchor = InstantAnchor<ManualClock>(instant: clock.now, wallMicros: 1_700_000_000_000_000)
        var pipeline = Self.pipeline()
        pipeline.configuration.inhibitRules = []
        var facts = AlertFacts(nowMicros: anchor.wallMicros, watchingSinceMicros: anchor.wallMicros)
        facts.incidents = [Self.incident("tools-1", component: "tools", task: "refund")]
        pipeline.evaluate(facts, at: clock.now)
        #expect(pipeline.flush(at: clock.now, silences: [], anchor: anchor).count == 2, "IncidentOpened and ToolIncident: the problem inhibition solves")
    }
}
