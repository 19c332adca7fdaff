@testable import DriftwatchAlerts
import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// Slack and PagerDuty through the outbox, against local stand-ins that validate the documented formats and fail
/// on purpose (Scripts/slack_receiver.py, Scripts/pagerduty_receiver.py).
@Suite(.serialized) struct ChatDeliveryTests {
    static let routingKey = "R0UT1NGKEY0123456789abcdefABCDEF"
    static let retry = RetryPolicy(maxAttempts: 6, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(400))

    static func input(_ id: String, resolved: Bool, incident: String = "inc-42") -> NotificationRenderer.Input {
        let now = WallClock.nowMicros()
        let document = #"{"id":"\#(incident)","status":"open","component":"tools","metric":"success_rate","scope":{"task":"refund_question"},"baseline":{"value":0.953,"n":1200},"current":{"value":0.612,"n":340},"confidence":0.92,"recommendation":{"action":"tool_fix","summary":"roll back tool search@v9 <now>","details":{}},"severity":3.5}"#
        let item = NotificationRenderer.Input.Item(
            labels: ["alertname": "ToolIncident", "severity": "page", "incident_id": incident, "task": "refund_question", "component": "tools",
                     "metric": "success_rate", "action": "tool_fix"],
            annotations: ["summary": "tool regression refund_question", "description": String(repeating: "long text ", count: 400)],
            startsAtMicros: now - 60_000_000, endsAtMicros: resolved ? now : nil, value: 3.5, incidentDocument: document)
        return NotificationRenderer.Input(id: id, receiver: "", groupKey: "0:{incident_id=\"\(incident)\"}", groupLabels: ["incident_id": incident],
                                          firing: resolved ? [] : [item], resolved: resolved ? [item] : [], atMicros: now)
    }

    static func configuration(_ receiver: ReceiverConfiguration) -> AlertsConfiguration {
        var configuration = AlertsConfiguration()
        configuration.receivers = [receiver]
        configuration.retry = retry
        configuration.dashboardURL = "https://dash.example/driftwatch/"
        return configuration
    }

    static func enqueue(_ store: SQLiteStore, _ configuration: AlertsConfiguration, _ inputs: [NotificationRenderer.Input]) throws {
        let receiver = configuration.receivers[0]
        let renderer = NotificationRenderer(dashboardURL: configuration.dashboardURL)
        try store.enqueueNotifications(inputs.map { input in
            var input = input
            input.receiver = receiver.name
            return renderer.outboxRow(input, receiver: receiver)
        })
    }

    // MARK: Slack

    static func slack(_ port: Int) -> ReceiverConfiguration {
        ReceiverConfiguration(name: "chat", slack: SlackReceiver(url: Secret("http://127.0.0.1:\(port)/services/T000/B000/XXXX"), timeout: .milliseconds(4_500)))
    }

    @Test func slackGetsValidBlockKitAfter429And500AndResolvedAsANewMessage() async throws {
        let directory = TemporaryDirectory()
        let log = JSONLinesLog(path: directory.file("slack.jsonl"))
        let server = try await ScriptServer.start(script: "slack_receiver.py", portFile: directory.file("port"), arguments: [log.path, "429,500"])
        let store = try SQLiteStore(path: directory.file("db.sqlite"))
        let configuration = Self.configuration(Self.slack(server.port))
        let deliverer = OutboxDeliverer(store: store, configuration: configuration, logger: Logger(label: "test"))
        try Self.enqueue(store, configuration, [Self.input("s-1", resolved: false)])
        try await WebhookDeliveryTests.drain(deliverer, store)
        try Self.enqueue(store, configuration, [Self.input("s-2", resolved: true)])
        try await WebhookDeliveryTests.drain(deliverer, store)

        #expect(log.errors.isEmpty, "Block Kit problems: \(log.errors)")
        #expect(log.answers == ["429", "500", "200", "200"])
        let entries = log.entries
        try #require(entries.count == 4)
        #expect((entries[1]["at"] as? Double ?? 0) - (entries[0]["at"] as? Double ?? 0) >= 0.95, "Retry-After: 1 honoured")
        let firing = try #require(entries[2]["message"] as? [String: Any])
        let blocks = try #require(firing["blocks"] as? [[String: Any]])
        let header = (blocks.first?["text"] as? [String: Any])?["text"] as? String
        #expect(header == "FIRING · refund_question · tools")
        let text = String(decoding: try JSONSerialization.data(withJSONObject: firing, options: [.withoutEscapingSlashes]), as: UTF8.self)
        #expect(text.contains("95.3%") && text.contains("61.2%"), "headline numbers")
        #expect(text.contains("tool_fix") && text.contains("&lt;now&gt;"), "recommendation, escaped for mrkdwn")
        #expect(text.contains("https://dash.example/driftwatch/incidents/inc-42.html"), "link to the incident page")
        let resolved = try #require(entries[3]["message"] as? [String: Any])
        #expect(((resolved["blocks"] as? [[String: Any]])?.first?["text"] as? [String: Any])?["text"] as? String == "RESOLVED · refund_question · tools")
        #expect(try store.outbox(status: .delivered).count == 2)
    }

    @Test func slack400IsUndeliverableWithItsReason() async throws {
        let directory = TemporaryDirectory()
        let log = JSONLinesLog(path: directory.file("slack.jsonl"))
        let server = try await ScriptServer.start(script: "slack_receiver.py", portFile: directory.file("port"), arguments: [log.path, "400"])
        let store = try SQLiteStore(path: directory.file("db.sqlite"))
        let configuration = Self.configuration(Self.slack(server.port))
        try Self.enqueue(store, configuration, [Self.input("s-400", resolved: false)])
        try await WebhookDeliveryTests.drain(OutboxDeliverer(store: store, configuration: configuration, logger: Logger(label: "test")), store)
        #expect(log.answers == ["400"])
        let dead = try #require(try store.outbox(status: .undeliverable).first)
        #expect(dead.attempts == 1)
        #expect(dead.lastError == "receiver \"chat\" (slack 127.0.0.1:\(server.port)): HTTP 400: invalid_payload")
        #expect(dead.lastError?.contains("XXXX") == false, "the webhook URL is a secret")
    }

    // MARK: PagerDuty

    static func pagerduty(_ port: Int) -> ReceiverConfiguration {
        ReceiverConfiguration(name: "pager", pagerduty: PagerDutyReceiver(routingKey: Secret(routingKey), url: "http://127.0.0.1:\(port)/v2/enqueue",
                                                                         timeout: .milliseconds(4_500)))
    }

    @Test func pagerDutyTriggersThenResolvesOneDedupKeyAfter429And500() async throws {
        let directory = TemporaryDirectory()
        let log = JSONLinesLog(path: directory.file("pd.jsonl"))
        let server = try await ScriptServer.start(script: "pagerduty_receiver.py", portFile: directory.file("port"),
                                                  arguments: [log.path, Self.routingKey, "429,500"])
        let store = try SQLiteStore(path: directory.file("db.sqlite"))
        let configuration = Self.configuration(Self.pagerduty(server.port))
        let deliverer = OutboxDeliverer(store: store, configuration: configuration, logger: Logger(label: "test"))
        try Self.enqueue(store, configuration, [Self.input("p-1", resolved: false)])
        try await WebhookDeliveryTests.drain(deliverer, store)
        try Self.enqueue(store, configuration, [Self.input("p-2", resolved: true)])
        try await WebhookDeliveryTests.drain(deliverer, store)

        #expect(log.errors.isEmpty, "Events API v2 problems: \(log.errors)")
        #expect(log.answers == ["429", "500", "202", "202"])
        let events = log.entries.compactMap { $0["event"] as? [String: Any] }
        try #require(events.count == 4)
        #expect(events.map { $0["event_action"] as? String } == ["trigger", "trigger", "trigger", "resolve"])
        #expect(Set(events.compactMap { $0["dedup_key"] as? String }) == ["driftwatch/inc-42"], "one dedup key per incident")
        let payload = try #require(events[2]["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "critical")
        #expect(payload["component"] as? String == "tools")
        #expect(payload["group"] as? String == "refund_question")
        #expect(payload["class"] as? String == "success_rate")
        #expect((payload["custom_details"] as? [String: Any])?["recommendation.action"] as? String == "tool_fix")
        #expect(try store.outbox().allSatisfy { !$0.payload.contains(Self.routingKey) }, "the routing key is never stored")
    }

    @Test func pagerDuty400IsUndeliverableWithTheStartOfItsBody() async throws {
        let directory = TemporaryDirectory()
        let log = JSONLinesLog(path: directory.file("pd.jsonl"))
        let server = try await ScriptServer.start(script: "pagerduty_receiver.py", portFile: directory.file("port"),
                                                  arguments: [log.path, Self.routingKey, "400"])
        let store = try SQLiteStore(path: directory.file("db.sqlite"))
        let configuration = Self.configuration(Self.pagerduty(server.port))
        try Self.enqueue(store, configuration, [Self.input("p-400", resolved: false)])
        try await WebhookDeliveryTests.drain(OutboxDeliverer(store: store, configuration: configuration, logger: Logger(label: "test")), store)
        #expect(log.answers == ["400"])
        let dead = try #require(try store.outbox(status: .undeliverable).first)
        #expect(dead.attempts == 1)
        let reason = try #require(dead.lastError)
        #expect(reason.hasPrefix("receiver \"pager\" (pagerduty 127.0.0.1:\(server.port)): HTTP 400: {"), "\(reason)")
        #expect(reason.contains("Event object is invalid"))
        #expect(!reason.contains("\n"))
    }

    @Test func alertsWithoutAnIncidentNameTheirRuleAndKeepOneDedupKeyPerGroup() throws {
        let item = NotificationRenderer.Input.Item(labels: ["alertname": "SuccessRateLow", "severity": "page", "metric": "success_rate", "task": "refund"],
                                                   annotations: ["summary": "success rate 0.7 below 0.85 over 10m"], startsAtMicros: 1_000_000,
                                                   endsAtMicros: nil, value: 0.7, incidentDocument: nil)
        let firing = NotificationRenderer.Input(id: "m-1", receiver: "pager", groupKey: "0:{alertname=\"SuccessRateLow\"}", groupLabels: [:],
                                                firing: [item], resolved: [], atMicros: 2_000_000)
        var ended = item
        ended.endsAtMicros = 3_000_000
        var resolved = firing
        resolved.firing = []
        resolved.resolved = [ended]
        let renderer = NotificationRenderer()
        let slack = try #require(try JSONSerialization.jsonObject(with: Data(renderer.slackBody(firing).utf8)) as? [String: Any])
        let header = ((slack["blocks"] as? [[String: Any]])?.first?["text"] as? [String: Any])?["text"] as? String
        #expect(header == "FIRING · refund · SuccessRateLow")
        let trigger = try #require(try JSONSerialization.jsonObject(with: Data(renderer.pagerDutyEvent(firing).utf8)) as? [String: Any])
        let resolve = try #require(try JSONSerialization.jsonObject(with: Data(renderer.pagerDutyEvent(resolved).utf8)) as? [String: Any])
        #expect(trigger["event_action"] as? String == "trigger" && resolve["event_action"] as? String == "resolve")
        #expect((trigger["dedup_key"] as? String)?.hasPrefix("driftwatch/group-") == true)
        #expect(trigger["dedup_key"] as? String == resolve["dedup_key"] as? String)
        #expect((trigger["payload"] as? [String: Any])?["class"] as? String == "success_rate")
    }

    @Test func longSummariesAndKeysStayWithinTheDocumentedLimits() throws {
        var input = Self.input("p-long", resolved: false, incident: String(repeating: "x", count: 300))
        input.firing[0].annotations["summary"] = String(repeating: "s", count: 5000)
        let renderer = NotificationRenderer()
        let event = try #require(try JSONSerialization.jsonObject(with: Data(renderer.pagerDutyEvent(input).utf8)) as? [String: Any])
        #expect((event["dedup_key"] as? String)?.count ?? 0 <= 255)
        #expect(((event["payload"] as? [String: Any])?["summary"] as? String)?.count == 1024)
        let slack = try #require(try JSONSerialization.jsonObject(with: Data(renderer.slackBody(input).utf8)) as? [String: Any])
        for block in slack["blocks"] as? [[String: Any]] ?? [] {
            if let text = (block["text"] as? [String: Any])?["text"] as? String { #expect(text.count <= 3000) }
        }
    }
}
