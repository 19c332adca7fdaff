import DriftwatchStore
import Foundation

/// One instance of a rule's condition holding at an evaluation: its identity labels, rendered annotations
/// and, for incident rules, the incident document.
public struct ActiveCondition: Sendable, Equatable {
    public var rule: String
    public var labels: LabelSet
    public var annotations: [String: String]
    public var value: Double?
    public var incidentDocument: String?

    public var fingerprint: String { DriftwatchAlerts.fingerprint(labels) }
}

/// Turns rules and facts into the conditions that hold now. Pure: the same facts give the same answer.
public enum RuleEvaluator {
    public static func evaluate(_ rules: [AlertRule], facts: AlertFacts) -> [ActiveCondition] {
        rules.flatMap { evaluate($0, facts: facts) }
    }

    public static func evaluate(_ rule: AlertRule, facts: AlertFacts) -> [ActiveCondition] {
        func make(_ instance: LabelSet, value: Double?, fields: [String: String] = [:], document: String? = nil) -> ActiveCondition {
            var labels = rule.labels.merging(instance) { _, new in new }
            labels["alertname"] = rule.name
            labels["severity"] = labels["severity"] ?? rule.severity
            var context = fields
            for (key, label) in labels {
                context["labels." + key] = label
                if context[key] == nil { context[key] = label }
            }
            if let value { context["value"] = format(value) }
            let annotations = rule.annotations.mapValues { AlertTemplate.render($0, context: context) }
            return ActiveCondition(rule: rule.name, labels: labels, annotations: annotations, value: value, incidentDocument: document)
        }
        switch rule.condition {
        case .incident(let matchers):
            return facts.incidents.filter { matchers.matches($0.fields) }.map { incident in
                var instance: LabelSet = ["incident_id": incident.id]
                for key in ["task", "component", "action", "metric"] { if let value = incident.fields[key] { instance[key] = value } }
                return make(instance, value: Double(incident.fields["severity"] ?? ""), fields: incident.fields, document: incident.document)
            }
        case .drift(let features, let scopes):
            return facts.drifted.filter { (features.isEmpty || features.contains($0.feature)) && (scopes.isEmpty || scopes.contains($0.scope)) }
                .map { row in
                    make(["feature": row.feature, "scope": row.scope], value: row.value,
                         fields: ["feature": row.feature, "scope": row.scope, "statistic": row.statistic, "threshold": format(row.threshold)])
                }
        case .metric(let metric):
            guard let stats = facts.windows[.init(window: metric.window, task: metric.task)], stats.records >= Int64(metric.minRecords) else { return [] }
            let value: Double?
            switch metric.metric {
            case .successRate: value = stats.outcomes > 0 ? Double(stats.successes) / Double(stats.outcomes) : nil
            case .p95LatencyMillis: value = stats.p95LatencyMillis
            case .costPerRequest: value = stats.costPerRequest
            }
            guard let value, metric.below ? value < metric.threshold : value > metric.threshold else { return [] }
            var instance: LabelSet = ["metric": metric.metric.rawValue]
            if let task = metric.task { instance["task"] = task }
            return [make(instance, value: value, fields: ["threshold": format(metric.threshold), "records": "\(stats.records)",
                                                           "window": DurationText.format(metric.window)])]
        case .noRecords(let quiet):
            let since = facts.newestIngestedAtMicros ?? facts.watchingSinceMicros
            let silentMicros = facts.nowMicros - max(since, facts.watchingSinceMicros)
            guard silentMicros >= quiet.microseconds else { return [] }
            return [make([:], value: Double(facts.nowMicros - since) / 1e6, fields: ["window": DurationText.format(quiet)])]
        case .deadLetterRate(let above, let window):
            guard let stats = facts.windows[.init(window: window, task: nil)], stats.deadLetters > 0 else { return [] }
            let rate = Double(stats.deadLetters) / Double(stats.deadLetters + stats.records)
            guard rate > above else { return [] }
            return [make([:], value: rate, fields: ["threshold": format(above), "window": DurationText.format(window)])]
        case .ingestLag(let above, let window):
            guard let lag = facts.windows[.init(window: window, task: nil)]?.p95IngestLagSeconds, lag > above else { return [] }
            return [make([:], value: lag, fields: ["threshold": format(above), "window": DurationText.format(window)])]
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}
