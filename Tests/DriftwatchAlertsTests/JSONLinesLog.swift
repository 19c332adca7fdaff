import Foundation

/// What a Slack or PagerDuty test receiver logged: one JSON object per request.
struct JSONLinesLog {
    let path: String

    var entries: [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    var answers: [String] { entries.map { $0["answer"] as? String ?? "" } }

    /// Validation problems the receiver found, over all requests.
    var errors: [String] { entries.flatMap { $0["errors"] as? [String] ?? [] } }
}
