public import DriftwatchStore
import Foundation

/// Everything rules are evaluated against at one instant, gathered from the store by the service so that
/// evaluation itself stays pure.
public struct AlertFacts: Sendable {
    /// An open incident: its document flattened to dotted keys (`component`, `scope.task`,
    /// `recommendation.action`, `current.value`, ...).
    public struct IncidentFact: Sendable, Equatable {
        public var id: String
        public var fields: [String: String]
        /// The document as stored, for webhook bodies.
        public var document: String

        public init(id: String, fields: [String: String], document: String) {
            self.id = id
            self.fields = fields
            self.document = document
        }

        /// Flattens an incident JSON document.
        public init(document: String) {
            var fields: [String: String] = [:]
            if let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) {
                Self.flatten(object, prefix: "", into: &fields)
            }
            if fields["task"] == nil, let task = fields["scope.task"] { fields["task"] = task }
            if fields["action"] == nil, let action = fields["recommendation.action"] { fields["action"] = action }
            self.init(id: fields["id"] ?? "", fields: fields, document: document)
        }

        static func flatten(_ value: Any, prefix: String, into fields: inout [String: String]) {
            switch value {
            case let object as [String: Any]:
                for (key, inner) in object { flatten(inner, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &fields) }
            case let array as [Any]:
                for (index, inner) in array.enumerated() { flatten(inner, prefix: prefix + ".\(index)", into: &fields) }
            case let number as NSNumber:
                if String(cString: number.objCType) == "c" { fields[prefix] = number.boolValue ? "true" : "false" } else {
                    let double = number.doubleValue
                    fields[prefix] = double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : String(format: "%.4g", double)
                }
            case let text as String: fields[prefix] = text
            default: break
            }
        }
    }

    /// One drifted feature row.
    public struct DriftFact: Sendable, Equatable {
        public var feature: String
        public var scope: String
        public var statistic: String
        public var value: Double
        public var threshold: Double

        public init(feature: String, scope: String, statistic: String, value: Double, threshold: Double) {
            self.feature = feature
            self.scope = scope
            self.statistic = statistic
            self.value = value
            self.threshold = threshold
        }
    }

    /// A metric window: its length and optional task filter.
    public struct WindowKey: Sendable, Hashable {
        public var window: Duration
        public var task: String?
        public init(window: Duration, task: String?) {
            self.window = window
            self.task = task
        }
    }

    public var nowMicros: Int64
    public var incidents: [IncidentFact] = []
    public var drifted: [DriftFact] = []
    public var windows: [WindowKey: RecordWindowStats] = [:]
    /// Newest ingestion time in the store; nil when it holds no records.
    public var newestIngestedAtMicros: Int64?
    /// When the dispatcher started watching (so "no records" does not fire at once on an empty store).
    public var watchingSinceMicros: Int64

    public init(nowMicros: Int64, watchingSinceMicros: Int64) {
        self.nowMicros = nowMicros
        self.watchingSinceMicros = watchingSinceMicros
    }

    /// The metric windows a rule set needs.
    public static func windows(for rules: [AlertRule]) -> Set<WindowKey> {
        var keys = Set<WindowKey>()
        for rule in rules {
            switch rule.condition {
            case .metric(let metric): keys.insert(WindowKey(window: metric.window, task: metric.task))
            case .deadLetterRate(_, let window), .ingestLag(_, let window): keys.insert(WindowKey(window: window, task: nil))
            default: break
            }
        }
        return keys
    }
}
