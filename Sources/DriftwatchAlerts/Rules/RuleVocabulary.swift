import Foundation

/// The fields and values rules can refer to, so a typo in a condition or template is an error at load time
/// rather than a rule that never fires or a notification with a blank where the task should be.
/// The incident fields follow the analyzer's incident document (`Incident` in DriftwatchAnalysis), flattened to
/// dotted keys as ``AlertFacts/IncidentFact`` does; `*` stands for any one key segment, `**` for any rest.
public enum RuleVocabulary {
    public static let components = ["retrieval", "tools", "wrapper", "model", "traffic"]
    public static let actions = ["retrieval_fix", "tool_fix", "wrapper_fix", "routing_change", "targeted_retraining"]
    public static let statuses = ["open", "resolved"]

    static let measurement = ["value", "n", "ci_lower", "ci_upper"]
    static let window = ["from", "to", "from_us", "to_us"]

    /// Every incident field, as patterns.
    public static let incidentFields: [String] = {
        var fields = ["id", "status", "metric", "component", "confidence", "severity", "task", "action", "started_at", "detected_at",
                      "updated_at", "resolved_at", "p_value", "adjusted_p_value", "started_at_us", "detected_at_us", "updated_at_us",
                      "resolved_at_us", "primary_dimension", "primary_value", "latest_p_value", "onset_lower_us", "onset_upper_us",
                      "parent_id", "tested_scope", "total_severity", "scope.*", "conjunction.*", "evidence.*.signal",
                      "evidence.*.baseline", "evidence.*.current", "evidence.*.note", "recommendation.action",
                      "recommendation.summary", "recommendation.details.*", "affected_scopes.**"]
        for name in ["baseline", "current", "latest", "stage_baseline"] { fields += measurement.map { name + "." + $0 } }
        for name in ["baseline_window", "current_window"] { fields += window.map { name + "." + $0 } }
        return fields
    }()

    /// Labels every incident alert carries besides the rule's own.
    static let incidentLabels = ["incident_id", "task", "component", "action", "metric"]

    /// The template variables of a condition's alerts beyond labels (`alertname`, `severity`, the rule's labels,
    /// `labels.<name>`) and `value`.
    static func templateFields(_ condition: AlertCondition) -> [String] {
        switch condition {
        case .incident: return incidentFields + incidentLabels
        case .drift: return ["feature", "scope", "statistic", "threshold"]
        case .metric: return ["metric", "task", "threshold", "records", "window"]
        case .noRecords: return ["window"]
        case .deadLetterRate, .ingestLag: return ["threshold", "window"]
        }
    }

    /// Whether a dotted key matches one of the patterns.
    static func matches(_ key: String, _ patterns: [String]) -> Bool {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        return patterns.contains { pattern in
            let pieces = pattern.split(separator: ".")
            for (index, piece) in pieces.enumerated() {
                if piece == "**" { return parts.count > index }
                guard index < parts.count, piece == "*" ? !parts[index].isEmpty : piece == parts[index] else { return false }
            }
            return parts.count == pieces.count
        }
    }

    /// Patterns for a message: the plain names first, `<key>` for wildcards.
    static func describe(_ patterns: [String]) -> String {
        var seen = Set<String>()
        return patterns.map { $0.replacingOccurrences(of: "**", with: "<key>").replacingOccurrences(of: "*", with: "<key>") }
            .filter { seen.insert($0).inserted }.joined(separator: ", ")
    }

    /// nil when `value` is a known value of incident field `field`, else the problem.
    static func checkIncidentValue(_ field: String, _ value: String) -> String? {
        let known: [String]
        switch field {
        case "component": known = components
        case "action", "recommendation.action": known = actions
        case "status": known = statuses
        case "metric":
            if value == "success_rate" || (value.hasPrefix("check:") && value.count > 6) { return nil }
            return "unknown value \"\(value)\" for metric; expected success_rate or check:<check name>"
        default: return nil
        }
        return known.contains(value) ? nil : "unknown value \"\(value)\" for \(field); expected one of \(known.joined(separator: ", "))"
    }
}
