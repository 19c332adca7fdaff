import Foundation

extension NotificationRenderer {
    /// Subject like `[FIRING:2] retrieval regression refund_question`; threaded per incident when the group is one
    /// incident, else per alert group.
    func email(_ input: Input) -> EmailMessage {
        let items = input.items
        let status = input.status.uppercased()
        let incidents = Set(items.compactMap { $0.labels["incident_id"] })
        let common = commonLabels(items)
        let summary: String
        if let component = common["component"], let task = common["task"] {
            summary = "\(component) regression \(task)"
        } else if let text = commonAnnotations(items)["summary"] {
            summary = text
        } else {
            summary = ([common["alertname"] ?? "alerts"] + input.groupLabels.sorted { $0.key < $1.key }.map(\.value)
                .filter { $0 != common["alertname"] }).joined(separator: " ")
        }
        let count = input.firing.isEmpty ? input.resolved.count : input.firing.count
        let subject = "[\(status):\(count)] \(summary)"
        let threadKey = incidents.count == 1 ? "incident-" + incidents.first! : "group-" + fingerprint(["group": input.groupKey, "receiver": input.receiver])
        var text = subject + "\n\n"
        var html = "<html><body><h2>\(Self.escape(subject))</h2>\n"
        for (title, list) in [("Firing", input.firing), ("Resolved", input.resolved)] where !list.isEmpty {
            text += "\(title):\n"
            html += "<h3>\(title)</h3>\n<ul>\n"
            for item in list {
                let name = item.labels["alertname"] ?? "alert"
                let summaryLine = item.annotations["summary"] ?? ""
                text += "- \(name): \(summaryLine)\n"
                html += "<li><b>\(Self.escape(name))</b>: \(Self.escape(summaryLine))"
                if let description = item.annotations["description"] {
                    text += "  \(description)\n"
                    html += "<br>\(Self.escape(description))"
                }
                if let link = link(item) {
                    text += "  Dashboard: \(link)\n"
                    html += "<br><a href=\"\(Self.escape(link))\">Dashboard</a>"
                }
                let labels = item.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                text += "  Labels: \(labels)\n"
                html += "<br><small>\(Self.escape(labels))</small></li>\n"
            }
            html += "</ul>\n"
            text += "\n"
        }
        html += "</body></html>"
        return EmailMessage(subject: subject, text: text, html: html, messageID: input.id + "@driftwatch",
                            threadID: threadKey + "@driftwatch")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
