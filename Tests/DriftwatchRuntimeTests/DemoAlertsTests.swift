import DriftwatchAlerts
import DriftwatchCore
@testable import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// Issue 15's acceptance on the demo: the `mixed` preset's incidents, as the analyzer opened, updated and resolved
/// them, replayed minute by minute through the built-in rules, default inhibit rules and default grouping to a
/// webhook, an email, a Slack and a PagerDuty receiver. Each incident is exactly one notification per receiver
/// when it opens and one when it resolves (the delivery of such rows to real receivers is OnePagePerCauseTests').
@Suite(.serialized) struct DemoAlertsTests {
    @Test func eachDemoIncidentIsOneNotificationPerReceiverAndOneResolved() async throws {
        let directory = TemporaryDirectory()
        var configuration = DriftwatchConfiguration()
        configuration.databasePath = directory.file("db.sqlite")
        let logger = Logger(label: "test")
        var demo = DemoRunner()
        demo.outputDirectory = directory.file("logs")
        demo.requestsPerMinute = 60
        let settings = configuration
        let runner = demo
        let (store, events, roots) = try await offPool { () throws -> (SQLiteStore, [StoredIncidentEvent], [StoredIncident]) in
            _ = try runner.generateAndIngest(configuration: settings, logger: logger, showProgress: false)
            let store = try SQLiteStore(path: settings.databasePath, logger: logger)
            try StoreCatchUp.run(store: store, configuration: settings, logger: logger)
            return (store, try store.incidentEvents(limit: 100_000), try store.incidents())
        }
        _ = store
        let rootIDs = Set(roots.map(\.id))
        let timeline = events.filter { rootIDs.contains($0.incidentID) }.sorted { ($0.atMicros, $0.id) < ($1.atMicros, $1.id) }
        try #require(roots.count >= 3, "the mixed preset opens several incidents: \(roots.map { "\($0.task) \($0.component)" })")

        var alerts = AlertsConfiguration()
        alerts.dashboardURL = "https://dash.example/"
        alerts.receivers = [
            ReceiverConfiguration(name: "hook", webhook: WebhookReceiver(url: "http://127.0.0.1:1/hook")),
            ReceiverConfiguration(name: "mail", email: EmailReceiver(to: ["oncall@example.com"], from: "dw@example.com", host: "localhost")),
            ReceiverConfiguration(name: "chat", slack: SlackReceiver(url: Secret("http://127.0.0.1:1/slack"))),
            ReceiverConfiguration(name: "pager", pagerduty: PagerDutyReceiver(routingKey: Secret("k"))),
        ]
        // Default grouping and timing; the repeat interval is out of the way, since a reminder of an incident open
        // for hours is not a second page for its cause.
        alerts.route = Route(receiver: "hook", groupBy: Route.defaultGroupBy, repeatInterval: .seconds(48 * 3600),
                             routes: alerts.receivers.map { Route(receiver: $0.name, continueMatching: true) })
        let rules = AlertRuleLoader().load(alerts)
        #expect(rules.errors.isEmpty)
        var pipeline = AlertPipeline<ManualClock>(rules: rules.rules, configuration: alerts)
        let clock = ManualClock()
        let start = try #require(timeline.first?.atMicros)
        let end = try #require(timeline.last?.atMicros) + 30 * 60_000_000
        let anchor = InstantAnchor<ManualClock>(instant: clock.now, wallMicros: start)
        var open: [String: String] = [:]
        var next = 0
        var rows: [OutboxRow] = []
        var wall = start
        while wall <= end {
            while next < timeline.count, timeline[next].atMicros <= wall {
                let event = timeline[next]
                open[event.incidentID] = event.kind == "resolved" ? nil : event.document
                next += 1
            }
            var facts = AlertFacts(nowMicros: wall, watchingSinceMicros: start)
            facts.newestIngestedAtMicros = wall
            facts.incidents = open.keys.sorted().map { AlertFacts.IncidentFact(document: open[$0]!) }
            pipeline.evaluate(facts, at: clock.now)
            rows += pipeline.flush(at: clock.now, silences: [], anchor: anchor)
            clock.advance(by: .seconds(60))
            wall += 60_000_000
        }

        let resolvedIDs = Set(roots.filter { $0.status == "resolved" }.map(\.id))
        var expected: [String] = []
        for root in roots.map(\.id).sorted() {
            expected.append("firing:" + root)
            if resolvedIDs.contains(root) { expected.append("resolved:" + root) }
        }
        for receiver in alerts.receivers.map(\.name) {
            let seen = rows.filter { $0.receiver == receiver }.map { Self.describe($0) }.sorted()
            #expect(seen == expected.sorted(), "\(receiver): \(seen)")
        }
        print("demo alerts: \(roots.count) incidents (\(roots.map { "\($0.task)/\($0.component)" }.joined(separator: ", "))), "
            + "\(rows.count) notifications over \(alerts.receivers.count) receivers")
    }

    /// `status:incident id` of one outbox row, read the way each receiver would.
    static func describe(_ row: OutboxRow) -> String {
        let body = (try? JSONSerialization.jsonObject(with: Data(row.payload.utf8))) as? [String: Any] ?? [:]
        switch row.kind {
        case "webhook":
            let ids = (body["alerts"] as? [[String: Any]] ?? []).compactMap { ($0["labels"] as? [String: String])?["incident_id"] }
            return "\(body["status"] as? String ?? ""):\(Set(ids).sorted().joined(separator: "+"))"
        case "email":
            let thread = body["thread_id"] as? String ?? ""
            let id = thread.hasPrefix("incident-") ? String(thread.dropFirst(9).prefix { $0 != "@" }) : thread
            return ((body["subject"] as? String ?? "").hasPrefix("[FIRING") ? "firing:" : "resolved:") + id
        case "slack":
            let blocks = body["blocks"] as? [[String: Any]] ?? []
            let header = (blocks.first?["text"] as? [String: Any])?["text"] as? String ?? ""
            let context = blocks.compactMap { ($0["elements"] as? [[String: Any]])?.first?["text"] as? String }.first { $0.hasPrefix("incident ") } ?? ""
            let id = context.dropFirst(9).prefix { $0 != " " }
            return (header.hasPrefix("FIRING") ? "firing:" : "resolved:") + id
        default:
            let key = (body["dedup_key"] as? String ?? "").replacingOccurrences(of: "driftwatch/", with: "")
            return (body["event_action"] as? String == "trigger" ? "firing:" : "resolved:") + key
        }
    }
}
