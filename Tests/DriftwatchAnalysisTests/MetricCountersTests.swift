@testable import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchStatistics
import Testing

@Suite("Per-record metrics and counters")
struct MetricCountersTests {
    @Test("a record's derived metrics: tool precision and recall, evidence age, empty retrieval, fallback")
    func observation() {
        let o = RecordObservation(sampleRecord(success: false, route: "fallback"))
        #expect(o.success == false)
        #expect(o.toolRecall.hits == 2 && o.toolRecall.expected == 2)
        #expect(o.toolPrecision.hits == 2 && o.toolPrecision.called == 3)
        #expect(o.toolProblem)  // refund_api never returned ok
        #expect(!o.toolMissing)
        #expect(o.topScore == 0.9)
        #expect(abs((o.evidenceAgeDays ?? 0) - 3) < 1e-9)
        #expect(!o.emptyRetrieval && o.evidenceCount == 2)
        #expect(o.fallback)
        var c = MetricCounters()
        c.add(o)
        #expect(c.requests == 1 && c.outcomes == 1 && c.failures == 1 && c.successes == 0)
        #expect(c.check("grounded")?.failed == 1 && c.check("schema")?.passed == 1)
        // The grounded failure came with a tool problem: the causal chain charges it to tools, not retrieval.
        #expect(c.check("grounded")?.failedOnToolProblem == 1)
        #expect(StageSignals(c).retrievalChecks == 0 && StageSignals(c).toolProblems == 1)
        #expect(StageSignals.stageFailures("retrieval", in: c).passes == 1)
        #expect(c.tools.map(\.name) == ["order_api", "crm", "refund_api"])
        #expect(c.toolFailures == 2 && c.feedbackNegative == 1 && c.retriedRequests == 1 && c.fallbackRequests == 1)
        #expect(c.tokensIn == 1000 && c.tokensOut == 200 && c.stageLatencySums == [50, 300, 400, 20])
    }

    @Test("scopes: the task, one per dimension value, one per tool, one per slice; never cross products")
    func scopes() {
        let scopes = sampleRecord().analysisScopes()
        let names = scopes.map { $0.dimension + "=" + $0.value }
        #expect(names == ["=", "model_version=copilot-ft@ckpt-1", "tuned=true", "template_version=refund_answer@7",
                          "index_version=kb-1", "route=primary", "release.dataset=sft-1", "tool=order_api@2", "tool=crm@5",
                          "tool=refund_api@1", "language=en", "long_context=false"])
        #expect(Set(scopes.map(\.task)) == ["refund_question"])
    }

    @Test("merging buckets equals counting all records in one; bytes round-trip exactly")
    func mergeAndBytes() throws {
        var all = MetricCounters(), a = MetricCounters(), b = MetricCounters()
        for i in 0..<50 {
            let o = RecordObservation(sampleRecord(id: "r\(i)", success: i % 3 != 0, latency: Double(100 + i * 37)))
            all.add(o)
            if i < 20 { a.add(o) } else { b.add(o) }
        }
        a.merge(b)
        // Sums of doubles depend on the order of addition; everything else is exact.
        expectSame(a, all)
        let restored = try MetricCounters(bytes: all.serializedBytes())
        #expect(restored == all)
        #expect(restored.latencyQuantile(0.5) == all.latencyQuantile(0.5))
        #expect(throws: AnalysisError.self) { try MetricCounters(bytes: Array(all.serializedBytes().prefix(20))) }
        #expect(throws: AnalysisError.self) { try MetricCounters(bytes: [9, 1, 2]) }
        #expect(all.checks.contains { $0.failedOnToolProblem > 0 })
    }

    /// Stores written before the causal-chain counter (format 1) still load, with it at 0.
    @Test("format-1 counters (no failures on tool problems) read with that count at 0")
    func formatOneBytes() throws {
        var c = MetricCounters()
        for i in 0..<10 { c.add(RecordObservation(sampleRecord(id: "v\(i)", success: i % 2 == 0))) }
        var w = ByteWriter()
        w.bytes.append(1)
        for v in [c.requests, c.outcomes, c.successes, c.failures, c.abstained, c.escalated, c.feedbackCount, c.feedbackNegative,
                  c.toolRecallHits, c.toolsExpected, c.toolPrecisionHits, c.toolsCalled, c.toolMissingRequests, c.toolProblemRequests,
                  c.retrievalRequests, c.emptyRetrievals, c.topScoreCount, c.evidenceSum, c.evidenceAgeCount, c.retriesSum,
                  c.retriedRequests, c.fallbackRequests, c.tokensIn, c.tokensOut] { w.int(v) }
        for v in [c.feedbackSum, c.topScoreSum, c.evidenceAgeDaysSum, c.costUSD] + c.stageLatencySums { w.double(v) }
        w.varint(UInt64(c.checks.count))
        for k in c.checks { w.string(k.name); w.int(k.passed); w.int(k.failed) }
        w.varint(UInt64(c.tools.count))
        for t in c.tools { w.string(t.name); w.int(t.calls); w.int(t.errors); w.int(t.timeouts) }
        w.blob(c.latency.serializedBytes())
        let restored = try MetricCounters(bytes: w.bytes)
        var expected = c
        for i in expected.checks.indices { expected.checks[i].failedOnToolProblem = 0 }
        #expect(restored == expected)
        #expect(c.checks.contains { $0.failedOnToolProblem > 0 })
    }

    @Test("latency quantiles from the bucket sketch are within 1% of the exact order statistic")
    func latencyQuantiles() {
        var c = MetricCounters()
        var values: [Double] = []
        for i in 0..<2000 {
            let v = 200 + Double((i * 7919) % 2000) * 1.7
            values.append(v)
            c.add(RecordObservation(sampleRecord(id: "q\(i)", latency: v)))
        }
        values.sort()
        for q in [0.5, 0.95, 0.99] {
            let exact = values[Int(q * Double(values.count - 1))]
            let estimate = c.latencyQuantile(q) ?? 0
            #expect(abs(estimate - exact) <= 0.01 * exact + 1e-9)
        }
    }
}

/// Equal counts and check/tool tables, equal latency bins, sums equal up to rounding.
func expectSame(_ a: MetricCounters, _ b: MetricCounters, sourceLocation: SourceLocation = #_sourceLocation) {
    var x = a, y = b
    for c in [\MetricCounters.feedbackSum, \.topScoreSum, \.evidenceAgeDaysSum, \.costUSD] {
        #expect(abs(x[keyPath: c] - y[keyPath: c]) <= 1e-9 * max(1, abs(y[keyPath: c])), sourceLocation: sourceLocation)
        x[keyPath: c] = 0
        y[keyPath: c] = 0
    }
    #expect(zip(x.stageLatencySums, y.stageLatencySums).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) }, sourceLocation: sourceLocation)
    x.stageLatencySums = y.stageLatencySums
    for q in [0.0, 0.5, 0.9, 0.99, 1] { #expect(x.latencyQuantile(q) == y.latencyQuantile(q), sourceLocation: sourceLocation) }
    #expect(x.latencyCount == y.latencyCount, sourceLocation: sourceLocation)
    x.latency = y.latency
    #expect(x == y, sourceLocation: sourceLocation)
}
