import Foundation

extension NotificationRenderer {
    /// Slack's Block Kit limits (api.slack.com/reference/block-kit): header text, section text, blocks per message.
    static let slackHeaderLimit = 150
    static let slackTextLimit = 3000
    static let slackBlockLimit = 50

    /// A Block Kit message for an incoming webhook: a header with status, scope and component, then per alert its
    /// summary, headline numbers, recommendation and a button to the incident page (when `dashboard_url` is set).
    /// A resolved notification is a new message of the same shape.
    func slackBody(_ input: Input) -> String {
        let items = input.items
        let common = commonLabels(items)
        let status = input.status == "firing" ? "FIRING" : "RESOLVED"
        var headline = [status]
        if let task = common["task"] { headline.append(task) }
        headline.append(common["component"] ?? common["alertname"] ?? "\(items.count) alerts")
        let header = Self.clip(headline.joined(separator: " · "), Self.slackHeaderLimit)
        var blocks: [[String: Any]] = [["type": "header", "text": ["type": "plain_text", "text": header, "emoji": false]]]
        var shown = 0
        for item in items {
            let more = slackBlocks(item)
            guard blocks.count + more.count < Self.slackBlockLimit else { break }
            blocks += more
            shown += 1
        }
        if shown < items.count {
            blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": "\(items.count - shown) more alerts in this group are not shown"]]])
        }
        let fallback = "[\(status)] " + (commonAnnotations(items)["summary"] ?? headline.dropFirst().joined(separator: " "))
        return Self.json(["text": Self.clip(fallback, Self.slackTextLimit), "blocks": blocks])
    }

    private func slackBlocks(_ item: Input.Item) -> [[String: Any]] {
        let name = item.labels["alertname"] ?? "alert"
        let state = item.endsAtMicros == nil ? "firing" : "resolved"
        var text = "*\(Self.slackEscape(item.annotations["summary"] ?? name))*"
        if let description = item.annotations["description"], !description.isEmpty { text += "\n" + Self.slackEscape(description) }
        var blocks: [[String: Any]] = [section(text)]
        let incident = item.incidentDocument.map { AlertFacts.IncidentFact(document: $0).fields } ?? [:]
        var fields: [String] = []
        if let metric = incident["metric"] {
            var numbers = "*\(Self.slackEscape(metric))*\n"
            numbers += "\(Self.rate(incident["baseline.value"])) → \(Self.rate(incident["current.value"]))"
            if let before = incident["baseline.n"], let after = incident["current.n"] { numbers += " (n = \(before) / \(after))" }
            fields.append(numbers)
        } else if let value = item.value {
            fields.append("*value*\n\(RuleEvaluator.format(value))")
        }
        if let confidence = incident["confidence"] { fields.append("*confidence*\n\(confidence)") }
        fields.append("*\(Self.slackEscape(name))*\n\(state), severity \(Self.slackEscape(item.labels["severity"] ?? "none"))")
        blocks.append(["type": "section", "fields": fields.map { ["type": "mrkdwn", "text": Self.clip($0, 2000)] }])
        if let action = incident["recommendation.action"] {
            let summary = incident["recommendation.summary"].map { " — " + Self.slackEscape($0) } ?? ""
            blocks.append(section("*Recommendation:* `\(Self.slackEscape(action))`\(summary)"))
        }
        if let link = link(item) {
            blocks.append(["type": "actions", "elements": [[
                "type": "button", "text": ["type": "plain_text", "text": item.labels["incident_id"] != nil ? "Open incident" : "Open dashboard"],
                "url": link,
            ]]])
        }
        var context = ["started \(Self.rfc3339(item.startsAtMicros))"]
        if let end = item.endsAtMicros { context.append("resolved \(Self.rfc3339(end))") }
        if let id = item.labels["incident_id"] { context.insert("incident \(Self.slackEscape(id))", at: 0) }
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": context.joined(separator: " · ")]]])
        return blocks
    }

    private func section(_ text: String) -> [String: Any] {
        ["type": "section", "text": ["type": "mrkdwn", "text": Self.clip(text, Self.slackTextLimit)]]
    }

    /// A rate such as `0.9412` as `94.1%`; other text as it is.
    static func rate(_ text: String?) -> String {
        guard let text, let value = Double(text) else { return text ?? "?" }
        return (0...1).contains(value) ? String(format: "%.1f%%", value * 100) : text
    }

    /// Slack's mrkdwn needs only these three escaped.
    static func slackEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// At most `limit` characters, with an ellipsis when cut.
    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
