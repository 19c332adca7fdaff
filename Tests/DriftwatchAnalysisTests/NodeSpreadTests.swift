import DriftwatchAnalysis
import Testing

/// The decision behind a fleet incident's nodes (`NodeSpread`): which nodes show a regression, which clearly do not,
/// and when it cannot be told.
@Suite("Fleet incidents: which nodes show a regression")
struct NodeSpreadTests {
    static func counters(_ successes: Int64, of outcomes: Int64) -> MetricCounters {
        var c = MetricCounters()
        c.outcomes = outcomes
        c.successes = successes
        return c
    }

    @Test("one node down from 95% to 70% among three steady ones: that node only")
    func oneNode() {
        let nodes = NodeSpread.classify(metric: "success_rate", nodes: [
            ("a", Self.counters(950, of: 1000), Self.counters(285, of: 300)),
            ("b", Self.counters(948, of: 1000), Self.counters(286, of: 300)),
            ("c", Self.counters(951, of: 1000), Self.counters(210, of: 300)),
        ])
        #expect(nodes.spread == .some)
        #expect(nodes.regressed == ["c"])
        #expect(nodes.summary == "c only")
        #expect(nodes.perNode.map(\.regressed) == [false, false, true])
        #expect(nodes.perNode[2].current.n == 300 && abs(nodes.perNode[2].current.value - 0.7) < 1e-12)
    }

    @Test("every node down: all nodes")
    func allNodes() {
        let nodes = NodeSpread.classify(metric: "success_rate", nodes: [
            ("a", Self.counters(950, of: 1000), Self.counters(210, of: 300)),
            ("b", Self.counters(948, of: 1000), Self.counters(205, of: 300)),
        ])
        #expect(nodes.spread == .all && nodes.summary == "all 2 nodes" && nodes.regressed == ["a", "b"])
    }

    @Test("a node with a handful of requests is not called healthy: can't tell")
    func tooFewToTell() {
        let nodes = NodeSpread.classify(metric: "success_rate", nodes: [
            ("a", Self.counters(950, of: 1000), Self.counters(285, of: 300)),
            ("b", Self.counters(19, of: 20), Self.counters(3, of: 4)),
            ("c", Self.counters(951, of: 1000), Self.counters(210, of: 300)),
        ])
        #expect(nodes.spread == .unclear)
        #expect(nodes.perNode.map(\.regressed) == [false, nil, true])
        #expect(nodes.summary == "c; can't tell for b (too few requests)")
    }

    @Test("a small drop on each of eight nodes, none significant alone: no node on its own")
    func spreadThinly() {
        let nodes = NodeSpread.classify(metric: "success_rate", nodes: (0..<8).map {
            (node: "n\($0)", baseline: Self.counters(190, of: 200), current: Self.counters(44, of: 50))
        })
        #expect(nodes.spread == .noneAlone && nodes.regressed.isEmpty)
        #expect(nodes.perNode.allSatisfy { $0.regressed == nil })
    }

    @Test("a node that serves nothing in the scope now does not show it; a check metric is read from its counts")
    func noRequestsAndChecks() {
        var down = MetricCounters(), up = MetricCounters()
        down.checks = [MetricCounters.CheckCount(name: "grounded", passed: 60, failed: 40)]
        up.checks = [MetricCounters.CheckCount(name: "grounded", passed: 95, failed: 5)]
        let nodes = NodeSpread.classify(metric: "check:grounded", nodes: [("a", up, down), ("b", up, MetricCounters())])
        #expect(nodes.spread == .some && nodes.regressed == ["a"])
        #expect(nodes.perNode[0].current.n == 100 && nodes.perNode[1].current.n == 0)
    }
}
