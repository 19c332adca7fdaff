import DriftwatchStatistics

extension Incident {
    /// Where a fleet incident's regression is (the central view's report only; nil on a sidecar): which nodes show it,
    /// with each node's numbers. "All replicas" and "replica-c only" point at different causes (a release against a
    /// bad host or a stale index on one node), so the split is evidence in itself (docs/fleet.md).
    public struct Nodes: Sendable, Equatable, Codable {
        public enum Spread: String, Sendable, Codable {
            /// Every node shows the regression.
            case all
            /// These nodes show it and every other node clearly does not.
            case some
            /// These nodes show it; for some others there are too few requests to tell.
            case unclear
            /// No node shows it on its own beyond doubt, though their sum does: spread thinly over the fleet.
            case noneAlone = "none_alone"
        }

        /// One node's numbers: the incident's metric on its primary scope over the opening test's two windows.
        public struct Node: Sendable, Equatable, Codable {
            public var node: String
            public var baseline: Measurement
            public var current: Measurement
            /// One-sided p-value of the node's current rate below its own baseline; nil when undefined (no requests,
            /// or no failure and no success in either window).
            public var pValue: Double?
            /// true: the node shows the regression; false: it clearly does not (its current rate is above the
            /// regressed nodes' beyond doubt, or it has no requests in the scope now); nil: too few requests to tell.
            public var regressed: Bool?

            enum CodingKeys: String, CodingKey {
                case node, baseline, current, regressed
                case pValue = "p_value"
            }
        }

        public var spread: Spread
        /// "all 4 nodes", "replica-c only", "replica-a and replica-c; can't tell for replica-d (too few requests)".
        public var summary: String
        /// The nodes that show it, by name.
        public var regressed: [String]
        /// Every node that shipped, by name.
        public var perNode: [Node]

        enum CodingKeys: String, CodingKey {
            case spread, summary, regressed
            case perNode = "per_node"
        }
    }
}

/// Which nodes of a fleet show an incident's regression, from each node's own counters on the incident's scope.
///
/// A node *shows* it when its current rate is below its own baseline with one-sided p < ``alpha`` (its own baseline:
/// nodes may differ in traffic and health, and a node's own change is the question). A node that does not is *clear*
/// when its current rate is above the pooled current rate of the nodes that show it, again with p < ``alpha``, or
/// when it serves no requests in the scope now; otherwise it is left undecided ("can't tell"), never counted as
/// healthy for lack of data. ``alpha`` is 0.01 per node, strict because a fleet has several nodes and a false "only
/// replica-c" sends someone to the wrong host.
public enum NodeSpread {
    public static let alpha = 0.01

    /// `nodes` in the order they are to be listed; each with its summed counters of the incident's primary scope over
    /// the baseline and the current window.
    public static func classify(metric: String, nodes: [(node: String, baseline: MetricCounters, current: MetricCounters)]) -> Incident.Nodes {
        let m = DetectedMetric(name: metric)
        var rows: [Incident.Nodes.Node] = []
        var shows: [Bool] = []
        for n in nodes {
            let b = m.rate(n.baseline), c = m.rate(n.current)
            let p = pBelow(c, b)
            let regressed = p.map { $0 < alpha } ?? false
            shows.append(regressed)
            rows.append(Incident.Nodes.Node(node: n.node, baseline: AnalysisEngine.measurement(b), current: AnalysisEngine.measurement(c),
                                            pValue: p, regressed: regressed ? true : nil))
        }
        // The regressed nodes' current rate, pooled: what a clear node's rate must be above.
        var pooled = PassRate(passes: 0, trials: 0)
        for (i, n) in nodes.enumerated() where shows[i] {
            let c = m.rate(n.current)
            pooled.passes += c.passes
            pooled.trials += c.trials
        }
        for (i, n) in nodes.enumerated() where !shows[i] {
            let c = m.rate(n.current)
            if c.trials == 0 {
                rows[i].regressed = false
            } else if pooled.trials > 0, let p = pBelow(pooled, c), p < alpha {
                rows[i].regressed = false
            }
        }
        let regressed = rows.filter { $0.regressed == true }.map(\.node)
        let undecided = rows.filter { $0.regressed == nil }.map(\.node)
        let spread: Incident.Nodes.Spread
        let summary: String
        if regressed.isEmpty {
            spread = .noneAlone
            summary = "no node on its own: spread over \(rows.count == 1 ? "the only node" : "\(rows.count) nodes")"
        } else if regressed.count == rows.count {
            spread = .all
            summary = rows.count == 1 ? "the only node, \(regressed[0])" : "all \(rows.count) nodes"
        } else if undecided.isEmpty {
            spread = .some
            summary = list(regressed) + " only"
        } else {
            spread = .unclear
            summary = list(regressed) + "; can't tell for " + list(undecided) + " (too few requests)"
        }
        return Incident.Nodes(spread: spread, summary: summary, regressed: regressed, perNode: rows)
    }

    /// One-sided p-value of `current` below `baseline` (pooled two-proportion z-test); nil when undefined.
    static func pBelow(_ current: PassRate, _ baseline: PassRate) -> Double? {
        guard current.trials > 0, baseline.trials > 0 else { return nil }
        let r = Proportions.twoProportionZTest(successes1: Int(current.passes), trials1: Int(current.trials),
                                               successes2: Int(baseline.passes), trials2: Int(baseline.trials), alternative: .less)
        return r.pValue.isFinite ? r.pValue : nil
    }

    static func list(_ names: [String]) -> String {
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
        }
    }
}
