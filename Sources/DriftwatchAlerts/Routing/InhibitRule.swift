/// Alertmanager's `inhibit_rules`: while an alert matching `sourceMatchers` fires, alerts matching
/// `targetMatchers` that have the same value (or both none) for every label in `equal` are not notified.
public struct InhibitRule: Sendable, Equatable {
    public var sourceMatchers: [LabelMatcher]
    public var targetMatchers: [LabelMatcher]
    public var equal: [String]

    public init(sourceMatchers: [LabelMatcher], targetMatchers: [LabelMatcher], equal: [String] = []) {
        self.sourceMatchers = sourceMatchers
        self.targetMatchers = targetMatchers
        self.equal = equal
    }

    /// Under the built-in rules one incident is one notification: any other alert on an incident mutes the
    /// generic `IncidentOpened` of the same incident, and an incident on the success rate of a task mutes the
    /// alerts of validation-check incidents (`metric: check:<name>`) of that task, which are its downstream effects.
    public static let defaults: [InhibitRule] = [
        InhibitRule(sourceMatchers: [matcher("incident_id", .regex, ".+"), matcher("alertname", .notEqual, "IncidentOpened")],
                    targetMatchers: [matcher("alertname", .equal, "IncidentOpened")], equal: ["incident_id"]),
        InhibitRule(sourceMatchers: [matcher("incident_id", .regex, ".+"), matcher("metric", .equal, "success_rate")],
                    targetMatchers: [matcher("incident_id", .regex, ".+"), matcher("metric", .regex, "check:.+")], equal: ["task"]),
    ]

    private static func matcher(_ name: String, _ op: LabelMatcher.Operator, _ value: String) -> LabelMatcher {
        // Constant, valid patterns.
        try! LabelMatcher(name: name, op: op, value: value)
    }

    /// Whether `source` (a firing alert) mutes `target` under this rule.
    func inhibits(_ target: LabelSet, by source: LabelSet) -> Bool {
        guard targetMatchers.matches(target), sourceMatchers.matches(source) else { return false }
        // As Alertmanager: an alert that matches both sides cannot be muted by one that also does (nor by itself),
        // so two such alerts do not mute each other.
        if sourceMatchers.matches(target), targetMatchers.matches(source) { return false }
        return equal.allSatisfy { (source[$0] ?? "") == (target[$0] ?? "") }
    }
}

/// The inhibit rules applied to the alerts firing at one instant.
public struct Inhibitor: Sendable {
    public var rules: [InhibitRule]
    public var firing: [LabelSet]

    public init(rules: [InhibitRule], firing: [LabelSet]) {
        self.rules = rules
        self.firing = firing
    }

    public func mutes(_ labels: LabelSet) -> Bool {
        rules.contains { rule in firing.contains { rule.inhibits(labels, by: $0) } }
    }
}
