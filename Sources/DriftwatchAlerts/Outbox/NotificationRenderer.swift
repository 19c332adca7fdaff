public import DriftwatchStore
import Foundation

/// Renders a dispatcher notification into the outbox payload for its receiver: the webhook body (Driftwatch's
/// or Alertmanager's version "4"), a Slack Block Kit message, a PagerDuty event or the email (subject, plain text, HTML, threading headers). Rendering at
/// enqueue time fixes the bytes, so every retry sends exactly the same notification.
public struct NotificationRenderer: Sendable {
    public var dashboardURL: String?

    public init(dashboardURL: String? = nil) { self.dashboardURL = dashboardURL }

    /// A notification with its instants already converted to wall-clock microseconds.
    public struct Input: Sendable {
        public struct Item: Sendable {
            public var labels: LabelSet
            public var annotations: [String: String]
            public var startsAtMicros: Int64
            public var endsAtMicros: Int64?
            public var value: Double?
            public var incidentDocument: String?
            public var fingerprint: String { DriftwatchAlerts.fingerprint(labels) }

            public init(labels: LabelSet, annotations: [String: String], startsAtMicros: Int64, endsAtMicros: Int64?, value: Double?,
                        incidentDocument: String?) {
                self.labels = labels
                self.annotations = annotations
                self.startsAtMicros = startsAtMicros
                self.endsAtMicros = endsAtMicros
                self.value = value
                self.incidentDocument = incidentDocument
            }
        }

        public init(id: String, receiver: String, groupKey: String, groupLabels: LabelSet, firing: [Item], resolved: [Item], atMicros: Int64) {
            self.id = id
            self.receiver = receiver
            self.groupKey = groupKey
            self.groupLabels = groupLabels
            self.firing = firing
            self.resolved = resolved
            self.atMicros = atMicros
        }

        public var id: String
        public var receiver: String
        public var groupKey: String
        public var groupLabels: LabelSet
        public var firing: [Item]
        public var resolved: [Item]
        public var atMicros: Int64
        public var status: String { firing.isEmpty ? "resolved" : "firing" }
        public var items: [Item] { firing + resolved }
    }

    public static func input<C: Clock>(_ notification: Notification<C.Instant>, id: String, anchor: InstantAnchor<C>) -> Input
    where C.Duration == Duration {
        func item(_ alert: Alert<C.Instant>) -> Input.Item {
            Input.Item(labels: alert.labels, annotations: alert.annotations, startsAtMicros: anchor.micros(alert.startsAt),
                       endsAtMicros: alert.endsAt.map(anchor.micros), value: alert.value, incidentDocument: alert.incidentDocument)
        }
        return Input(id: id, receiver: notification.receiver, groupKey: notification.groupKey, groupLabels: notification.groupLabels,
                     firing: notification.firing.map(item), resolved: notification.resolved.map(item), atMicros: anchor.micros(notification.at))
    }

    public func outboxRow(_ input: Input, receiver: ReceiverConfiguration) -> OutboxRow {
        let payload: String
        if let webhook = receiver.webhook {
            payload = webhook.format == .alertmanager ? alertmanagerBody(input) : driftwatchBody(input)
        } else if receiver.slack != nil {
            payload = slackBody(input)
        } else if receiver.pagerduty != nil {
            payload = pagerDutyEvent(input)
        } else {
            payload = email(input).json
        }
        return OutboxRow(id: input.id, receiver: receiver.name, kind: receiver.kind, groupKey: input.groupKey, payload: payload,
                         createdAtMicros: input.atMicros, nextAttemptAtMicros: input.atMicros)
    }

    // MARK: webhook bodies

    func commonLabels(_ items: [Input.Item]) -> LabelSet {
        guard var common = items.first?.labels else { return [:] }
        for item in items.dropFirst() { common = common.filter { item.labels[$0.key] == $0.value } }
        return common
    }

    func commonAnnotations(_ items: [Input.Item]) -> [String: String] {
        guard var common = items.first?.annotations else { return [:] }
        for item in items.dropFirst() { common = common.filter { item.annotations[$0.key] == $0.value } }
        return common
    }

    func link(_ item: Input.Item) -> String? {
        guard let base = dashboardURL?.trimmingCharacters(in: CharacterSet(charactersIn: "/")) else { return nil }
        if let incident = item.labels["incident_id"] { return base + "/incidents/" + incident + ".html" }
        return base + "/"
    }

    func driftwatchBody(_ input: Input) -> String {
        let alerts: [[String: Any]] = input.items.map { item in
            var alert: [String: Any] = [
                "status": item.endsAtMicros == nil ? "firing" : "resolved", "labels": item.labels, "annotations": item.annotations,
                "starts_at": Self.rfc3339(item.startsAtMicros), "fingerprint": item.fingerprint,
            ]
            if let end = item.endsAtMicros { alert["ends_at"] = Self.rfc3339(end) }
            if let value = item.value { alert["value"] = value }
            if let link = link(item) { alert["dashboard_url"] = link }
            if let document = item.incidentDocument,
               let incident = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] {
                alert["incident"] = incident
                var attribution: [String: Any] = [:]
                for key in ["component", "confidence", "evidence"] { if let value = incident[key] { attribution[key] = value } }
                alert["attribution"] = attribution
                if let recommendation = incident["recommendation"] { alert["recommendation"] = recommendation }
            }
            return alert
        }
        var body: [String: Any] = [
            "version": "1", "id": input.id, "receiver": input.receiver, "status": input.status, "group_key": input.groupKey,
            "group_labels": input.groupLabels, "common_labels": commonLabels(input.items),
            "common_annotations": commonAnnotations(input.items), "alerts": alerts,
        ]
        if let dashboardURL { body["dashboard_url"] = dashboardURL }
        return Self.json(body)
    }

    func alertmanagerBody(_ input: Input) -> String {
        let alerts: [[String: Any]] = input.items.map { item in
            [
                "status": item.endsAtMicros == nil ? "firing" : "resolved", "labels": item.labels, "annotations": item.annotations,
                "startsAt": Self.rfc3339(item.startsAtMicros), "endsAt": item.endsAtMicros.map(Self.rfc3339) ?? "0001-01-01T00:00:00Z",
                "generatorURL": link(item) ?? "", "fingerprint": item.fingerprint,
            ]
        }
        return Self.json([
            "version": "4", "groupKey": input.groupKey, "truncatedAlerts": 0, "status": input.status, "receiver": input.receiver,
            "groupLabels": input.groupLabels, "commonLabels": commonLabels(input.items),
            "commonAnnotations": commonAnnotations(input.items), "externalURL": dashboardURL ?? "", "alerts": alerts,
        ])
    }

    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func rfc3339(_ micros: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(micros) / 1e6))
    }
}
