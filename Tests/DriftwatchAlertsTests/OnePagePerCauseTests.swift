@testable import DriftwatchAlerts
import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// Issue 15's acceptance: with the shipped rules and default inhibit rules, each incident is exactly one
/// notification per receiver when it opens and one when it resolves, for webhook, email, Slack and PagerDuty,
/// delivered through the outbox to local receivers; an incident downstream of another (a validation check on the
/// scope of a success-rate incident) is none.
@Suite(.serialized) struct OnePagePerCauseTests {
    @Test func eachIncidentIsOneNotificationPerReceiverOnOpenAndOnResolve() async throws {
        let directory = TemporaryDirectory()
        let hookLog = ReceiverLog(path: directory.file("hook.jsonl"))
        let slackLog = JSONLinesLog(path: directory.file("slack.jsonl"))
        let pagerLog = JSONLinesLog(path: directory.file("pd.jsonl"))
        let hook = try await ScriptServer.start(script: "webhook_receiver.py", portFile: directory.file("hook.port"),
                                                arguments: [hookLog.path, WebhookDeliveryTests.secret, "-"])
        let slack = try await ScriptServer.start(script: "slack_receiver.py", portFile: directory.file("slack.port"), arguments: [slackLog.path, "-"])
        let pager = try await ScriptServer.start(script: "pagerduty_receiver.py", portFile: directory.file("pd.port"),
                                                 arguments: [pagerLog.path, ChatDeliveryTests.routingKey, "-"])
        let (mail, cert) = try await SMTPDeliveryTests.startServer(directory)

        var configuration = AlertsConfiguration()
        configuration.dashboardURL = "https://dash.example/"
        configuration.retry = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(400))
        configuration.receivers = [
            ReceiverConfiguration(name: "hook", webhook: WebhookReceiver(url: "http://127.0.0.1:\(hook.port)/hook",
                                                                         secret: Secret(WebhookDeliveryTests.secret), timeout: .seconds(10))),
            ReceiverConfiguration(name: "mail", email: EmailReceiver(to: ["oncall@example.com"], from: "dw@example.com", host: "localhost", port: mail.port,
                                                                     username: "alerts", password: Secret("s3cret"), caFile: cert, timeout: .seconds(30))),
            ChatDeliveryTests.slack(slack.port),
            ChatDeliveryTests.pagerduty(pager.port),
        ]
        // Every alert to every receiver; grouping, rules and inhibition as shipped.
        configuration.route = Route(receiver: "hook", groupBy: Route.defaultGroupBy, groupWait: .zero, groupInterval: .seconds(60),
                                    routes: configuration.receivers.map { Route(receiver: $0.name, continueMatching: true) })
        let rules = AlertRuleLoader().load(configuration)
        #expect(rules.errors.isEmpty)
        var pipeline = AlertPipeline<ManualClock>(rules: rules.rules, configuration: configuration)
        let store = try SQLiteStore(path: directory.file("db.sqlite"))
        let deliverer = OutboxDeliverer(store: store, configuration: configuration, logger: Logger(label: "test"))
        let clock = ManualClock()
        let start = WallClock.nowMicros()
        var facts = AlertFacts(nowMicros: start, watchingSinceMicros: start)
        facts.incidents = [
            InhibitionTests.incident("tools-1", component: "tools", task: "refund"),
            InhibitionTests.incident("wrap-1", component: "wrapper", task: "summarize"),
            InhibitionTests.incident("ret-1", component: "retrieval", task: "billing"),
            InhibitionTests.incident("check-1", component: "retrieval", task: "billing", metric: "check:grounding"),
        ]
        let roots = ["ret-1", "tools-1", "wrap-1"]
        let tasks = ["billing", "refund", "summarize"]

        // The manual clock runs ahead of the wall clock; as in the service, each pass anchors it to the wall
        // clock anew, so the rows it queues are due now.
        func flush() throws {
            let anchor = InstantAnchor<ManualClock>(instant: clock.now, wallMicros: WallClock.nowMicros())
            try store.commitAlerts(state: pipeline.snapshot(anchor), notifications: pipeline.flush(at: clock.now, silences: [], anchor: anchor))
        }

        func step(_ minutes: Int) async throws {
            for _ in 0..<minutes {
                clock.advance(by: .seconds(60))
                pipeline.evaluate(facts, at: clock.now)
                try flush()
            }
            try await WebhookDeliveryTests.drain(deliverer, store)
        }

        pipeline.evaluate(facts, at: clock.now)
        try flush()
        try await step(3)
        facts.incidents = []
        try await step(12)

        let outbox = try store.outbox()
        #expect(outbox.filter { $0.status == .delivered }.count == 4 * 6, "\(outbox.map { "\($0.receiver) \($0.status) \($0.lastError ?? "")" })")
        // Webhook: one firing and one resolved body per root incident.
        let hookSeen = hookLog.entries.filter { $0.answer == "200" && $0.valid }.flatMap { entry in (entry.incidents ?? []).map { "\(entry.status ?? ""):\($0)" } }
        #expect(hookSeen.sorted() == (roots.map { "firing:" + $0 } + roots.map { "resolved:" + $0 }).sorted())
        // Email: one FIRING and one RESOLVED message per incident, threaded on the incident.
        let mails = try FileManager.default.contentsOfDirectory(atPath: directory.file("mail")).filter { $0.hasSuffix(".eml") }
            .map { try String(contentsOfFile: directory.file("mail/" + $0), encoding: .utf8) }
        let mailSeen = mails.compactMap { text -> String? in
            let status = text.contains("Subject: [FIRING") ? "firing" : "resolved"
            guard let range = text.range(of: "In-Reply-To: <incident-"), let end = text[range.upperBound...].firstIndex(of: "@") else { return nil }
            return status + ":" + String(text[range.upperBound..<end])
        }
        #expect(mailSeen.sorted() == (roots.map { "firing:" + $0 } + roots.map { "resolved:" + $0 }).sorted())
        // Slack: valid Block Kit, one FIRING and one RESOLVED message per incident's task.
        #expect(slackLog.errors.isEmpty, "\(slackLog.errors)")
        let headers = slackLog.entries.compactMap { entry -> String? in
            let blocks = (entry["message"] as? [String: Any])?["blocks"] as? [[String: Any]]
            return ((blocks?.first?["text"] as? [String: Any])?["text"] as? String)?.components(separatedBy: " · ").prefix(2).joined(separator: ":")
        }
        #expect(headers.sorted() == (tasks.map { "FIRING:" + $0 } + tasks.map { "RESOLVED:" + $0 }).sorted())
        // PagerDuty: valid events, one trigger and one resolve per incident's dedup key.
        #expect(pagerLog.errors.isEmpty, "\(pagerLog.errors)")
        let events = pagerLog.entries.compactMap { $0["event"] as? [String: Any] }.map { "\($0["event_action"] ?? ""):\($0["dedup_key"] ?? "")" }
        #expect(events.sorted() == (roots.map { "trigger:driftwatch/" + $0 } + roots.map { "resolve:driftwatch/" + $0 }).sorted())
    }
}
