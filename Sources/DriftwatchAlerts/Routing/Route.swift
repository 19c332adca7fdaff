/// Alertmanager's routing tree: an alert walks down from the root to the first matching child (or every
/// matching child with `continue`), and the deepest matching routes decide the receiver and grouping.
/// Children inherit unset settings from their parent.
public struct Route: Sendable, Equatable {
    public var receiver: String?
    public var matchers: [LabelMatcher]
    /// Labels that split alerts into notification groups; `["..."]` groups by all labels.
    public var groupBy: [String]?
    public var groupWait: Duration?
    public var groupInterval: Duration?
    public var repeatInterval: Duration?
    public var continueMatching: Bool
    public var routes: [Route]

    public init(receiver: String? = nil, matchers: [LabelMatcher] = [], groupBy: [String]? = nil, groupWait: Duration? = nil,
                groupInterval: Duration? = nil, repeatInterval: Duration? = nil, continueMatching: Bool = false, routes: [Route] = []) {
        self.receiver = receiver
        self.matchers = matchers
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.continueMatching = continueMatching
        self.routes = routes
    }

    /// A route resolved for one alert, with every setting filled in.
    public struct Match: Sendable, Equatable {
        /// Position in the tree (`0.1.0`), part of the group key so two routes to one receiver stay apart.
        public var id: String
        public var receiver: String
        public var groupBy: [String]
        public var groupWait: Duration
        public var groupInterval: Duration
        public var repeatInterval: Duration
    }

    /// Alertmanager defaults: group_wait 30s, group_interval 5m, repeat_interval 4h, group_by alertname... none
    /// (everything in one group per route) unless configured.
    public static let defaultGroupWait: Duration = .seconds(30)
    public static let defaultGroupInterval: Duration = .seconds(300)
    public static let defaultRepeatInterval: Duration = .seconds(4 * 3600)
    /// The root's grouping when none is configured: incident alerts are grouped per incident (one notification per
    /// cause), other alerts per rule and task.
    public static let defaultGroupBy = ["alertname", "task", "incident_id"]

    /// The routes an alert with these labels goes to (the root's receiver when no child matches).
    public func matches(_ labels: LabelSet) -> [Match] {
        let root = Match(id: "0", receiver: receiver ?? "", groupBy: groupBy ?? [], groupWait: groupWait ?? Self.defaultGroupWait,
                         groupInterval: groupInterval ?? Self.defaultGroupInterval, repeatInterval: repeatInterval ?? Self.defaultRepeatInterval)
        return walk(labels, inherited: root)
    }

    private func walk(_ labels: LabelSet, inherited: Match) -> [Match] {
        var results: [Match] = []
        for (index, child) in routes.enumerated() where child.matchers.matches(labels) {
            let resolved = Match(id: inherited.id + ".\(index)", receiver: child.receiver ?? inherited.receiver,
                                 groupBy: child.groupBy ?? inherited.groupBy, groupWait: child.groupWait ?? inherited.groupWait,
                                 groupInterval: child.groupInterval ?? inherited.groupInterval,
                                 repeatInterval: child.repeatInterval ?? inherited.repeatInterval)
            results += child.walk(labels, inherited: resolved)
            if !child.continueMatching { break }
        }
        return results.isEmpty ? [inherited] : results
    }

    /// Every receiver name the tree uses.
    public var receiverNames: Set<String> {
        var names = Set(receiver.map { [$0] } ?? [])
        for child in routes { names.formUnion(child.receiverNames) }
        return names
    }
}
