import DriftwatchCore
import Foundation

extension NotificationRenderer {
    /// A PagerDuty Events API v2 event without its routing key (added at send time): `trigger` while anything in
    /// the group fires, `resolve` once all of it resolved. The dedup key is stable per incident (per group for
    /// other alerts), so the resolve closes the page the trigger opened and a retried trigger is one page.
    func pagerDutyEvent(_ input: Input) -> String {
        let key = Self.pagerDutyDedupKey(input)
        guard input.status == "firing" else { return Self.json(["event_action": "resolve", "dedup_key": key]) }
        let items = input.firing
        let common = commonLabels(items)
        let first = items.first
        let incident = first?.incidentDocument.map { AlertFacts.IncidentFact(document: $0).fields } ?? [:]
        var summary = commonAnnotations(items)["summary"] ?? first?.annotations["summary"] ?? common["alertname"] ?? "driftwatch alert"
        if items.count > 1 { summary += " (+\(items.count - 1) more)" }
        var details: [String: Any] = ["labels": common, "alerts": items.map { item -> [String: Any] in
            var alert: [String: Any] = ["labels": item.labels, "annotations": item.annotations, "starts_at": Self.rfc3339(item.startsAtMicros)]
            if let value = item.value { alert["value"] = value }
            return alert
        }]
        for key in ["metric", "baseline.value", "baseline.n", "current.value", "current.n", "confidence", "recommendation.action",
                    "recommendation.summary"] {
            if let value = incident[key] { details[key] = value }
        }
        var payload: [String: Any] = [
            "summary": Self.clip(summary, 1024),
            "source": Self.clip("driftwatch" + (common["task"].map { "/" + $0 } ?? ""), 255),
            "severity": Self.pagerDutySeverity(common["severity"] ?? first?.labels["severity"]),
            "timestamp": Self.rfc3339(first?.startsAtMicros ?? input.atMicros),
            "custom_details": details,
        ]
        if let component = common["component"] { payload["component"] = component }
        if let task = common["task"] { payload["group"] = task }
        payload["class"] = common["metric"] ?? common["alertname"] ?? "alert"
        var event: [String: Any] = ["event_action": "trigger", "dedup_key": key, "payload": payload, "client": "Driftwatch"]
        if let dashboardURL { event["client_url"] = dashboardURL }
        if let first, let link = link(first) { event["links"] = [["href": link, "text": first.labels["incident_id"] != nil ? "Incident" : "Dashboard"]] }
        return Self.json(event)
    }

    /// `driftwatch/<incident id>` when the group is one incident, else a hash of receiver and group (≤ 255 characters).
    static func pagerDutyDedupKey(_ input: Input) -> String {
        let incidents = Set(input.items.compactMap { $0.labels["incident_id"] })
        if incidents.count == 1, let id = incidents.first, id.utf8.count <= 240 { return "driftwatch/" + id }
        return "driftwatch/group-" + fingerprint(["group": input.groupKey, "receiver": input.receiver])
    }

    /// PagerDuty's four severities; Driftwatch's `page` is `critical`, unknown ones `warning`.
    static func pagerDutySeverity(_ severity: String?) -> String {
        switch severity?.lowercased() {
        case "page", "critical": return "critical"
        case "error": return "error"
        case "info": return "info"
        default: return "warning"
        }
    }
}
