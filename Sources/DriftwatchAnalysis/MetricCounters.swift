public import DriftwatchStatistics
import DriftwatchCore

/// Additive counters of one time bucket and scope: everything regression detection and attribution read,
/// plus a latency sketch. Counters merge by addition, so windows are sums of buckets and nothing rescans records.
public struct MetricCounters: Sendable, Equatable {
    /// Pass/fail counts of one validation check.
    public struct CheckCount: Sendable, Equatable {
        public var name: String
        public var passed: Int64 = 0
        public var failed: Int64 = 0
        /// Failures in requests that also had a tool problem (a required call failed or was skipped): the causal
        /// chain charges these to tools, the earlier stage, not to the check's own family (issue #13).
        public var failedOnToolProblem: Int64 = 0

        public init(name: String, passed: Int64 = 0, failed: Int64 = 0, failedOnToolProblem: Int64 = 0) {
            self.name = name
            self.passed = passed
            self.failed = failed
            self.failedOnToolProblem = failedOnToolProblem
        }
    }

    /// Call counts of one tool (all versions).
    public struct ToolCount: Sendable, Equatable {
        public var name: String
        public var calls: Int64 = 0
        public var errors: Int64 = 0
        public var timeouts: Int64 = 0
    }

    public var requests: Int64 = 0
    /// Requests with an outcome: the trials of the success rate.
    public var outcomes: Int64 = 0
    public var successes: Int64 = 0
    public var failures: Int64 = 0
    public var abstained: Int64 = 0
    public var escalated: Int64 = 0
    public var checks: [CheckCount] = []
    public var feedbackCount: Int64 = 0
    public var feedbackSum: Double = 0
    /// Feedback below 0.5 (a thumbs-down or a poor review).
    public var feedbackNegative: Int64 = 0
    public var tools: [ToolCount] = []
    public var toolRecallHits: Int64 = 0
    public var toolsExpected: Int64 = 0
    public var toolPrecisionHits: Int64 = 0
    public var toolsCalled: Int64 = 0
    public var toolMissingRequests: Int64 = 0
    public var toolProblemRequests: Int64 = 0
    public var retrievalRequests: Int64 = 0
    public var emptyRetrievals: Int64 = 0
    public var topScoreSum: Double = 0
    public var topScoreCount: Int64 = 0
    public var evidenceSum: Int64 = 0
    public var evidenceAgeDaysSum: Double = 0
    public var evidenceAgeCount: Int64 = 0
    public var retriesSum: Int64 = 0
    public var retriedRequests: Int64 = 0
    public var fallbackRequests: Int64 = 0
    public var tokensIn: Int64 = 0
    public var tokensOut: Int64 = 0
    public var costUSD: Double = 0
    public var stageLatencySums: [Double] = [0, 0, 0, 0]
    /// Total latency in milliseconds, relative accuracy 1%.
    public var latency = DDSketch(relativeAccuracy: 0.01)

    public init() {}

    /// Adds one record.
    public mutating func add(_ o: RecordObservation) {
        requests += 1
        if let outcome = o.outcome {
            outcomes += 1
            switch outcome {
            case .success: successes += 1
            case .failure: failures += 1
            case .abstained: abstained += 1
            case .escalated: escalated += 1
            }
        }
        for check in o.checks {
            let i = checkIndex(check.check)
            if check.passed {
                checks[i].passed += 1
            } else {
                checks[i].failed += 1
                if o.toolProblem { checks[i].failedOnToolProblem += 1 }
            }
        }
        if let f = o.feedback, f.isFinite {
            feedbackCount += 1
            feedbackSum += f
            if f < 0.5 { feedbackNegative += 1 }
        }
        for call in o.tools {
            let i = toolIndex(call.name)
            tools[i].calls += 1
            if call.status == .error { tools[i].errors += 1 } else if call.status == .timeout { tools[i].timeouts += 1 }
        }
        toolRecallHits += o.toolRecall.hits
        toolsExpected += o.toolRecall.expected
        toolPrecisionHits += o.toolPrecision.hits
        toolsCalled += o.toolPrecision.called
        if o.toolMissing { toolMissingRequests += 1 }
        if o.toolProblem { toolProblemRequests += 1 }
        if o.hasRetrieval {
            retrievalRequests += 1
            if o.emptyRetrieval { emptyRetrievals += 1 }
            if let s = o.topScore, s.isFinite { topScoreSum += s; topScoreCount += 1 }
            evidenceSum += o.evidenceCount
            if let age = o.evidenceAgeDays, age.isFinite { evidenceAgeDaysSum += age; evidenceAgeCount += 1 }
        }
        retriesSum += o.retries
        if o.retries > 0 { retriedRequests += 1 }
        if o.fallback { fallbackRequests += 1 }
        tokensIn += o.tokensIn
        tokensOut += o.tokensOut
        if o.costUSD.isFinite { costUSD += o.costUSD }
        stageLatencySums[0] += o.stageLatencyMs.retrieval
        stageLatencySums[1] += o.stageLatencyMs.tools
        stageLatencySums[2] += o.stageLatencyMs.generation
        stageLatencySums[3] += o.stageLatencyMs.validation
        if let l = o.latencyMs, l.isFinite { latency.add(l) }
    }

    /// Adds another bucket's counters; the sketch only when `sketch` is true (detection does not need it).
    public mutating func merge(_ other: MetricCounters, sketch: Bool = true) {
        withUnsafePointer(to: other) { merge(from: $0, sketch: sketch) }
    }

    /// ``merge(_:sketch:)`` reading `other` in place: window sums merge thousands of counters per
    /// evaluation, and passing one by value from an array makes the compiler copy it (a retain per array in it).
    mutating func merge(from other: UnsafePointer<MetricCounters>, sketch: Bool = true) {
        requests += other.pointee.requests
        outcomes += other.pointee.outcomes
        successes += other.pointee.successes
        failures += other.pointee.failures
        abstained += other.pointee.abstained
        escalated += other.pointee.escalated
        if checks.isEmpty {
            checks = other.pointee.checks  // shared until changed: no growth one name at a time
        } else {
            for c in other.pointee.checks {
                let i = checkIndex(c.name)
                checks[i].passed += c.passed
                checks[i].failed += c.failed
                checks[i].failedOnToolProblem += c.failedOnToolProblem
            }
        }
        feedbackCount += other.pointee.feedbackCount
        feedbackSum += other.pointee.feedbackSum
        feedbackNegative += other.pointee.feedbackNegative
        if tools.isEmpty {
            tools = other.pointee.tools
        } else {
            for t in other.pointee.tools {
                let i = toolIndex(t.name)
                tools[i].calls += t.calls
                tools[i].errors += t.errors
                tools[i].timeouts += t.timeouts
            }
        }
        toolRecallHits += other.pointee.toolRecallHits
        toolsExpected += other.pointee.toolsExpected
        toolPrecisionHits += other.pointee.toolPrecisionHits
        toolsCalled += other.pointee.toolsCalled
        toolMissingRequests += other.pointee.toolMissingRequests
        toolProblemRequests += other.pointee.toolProblemRequests
        retrievalRequests += other.pointee.retrievalRequests
        emptyRetrievals += other.pointee.emptyRetrievals
        topScoreSum += other.pointee.topScoreSum
        topScoreCount += other.pointee.topScoreCount
        evidenceSum += other.pointee.evidenceSum
        evidenceAgeDaysSum += other.pointee.evidenceAgeDaysSum
        evidenceAgeCount += other.pointee.evidenceAgeCount
        retriesSum += other.pointee.retriesSum
        retriedRequests += other.pointee.retriedRequests
        fallbackRequests += other.pointee.fallbackRequests
        tokensIn += other.pointee.tokensIn
        tokensOut += other.pointee.tokensOut
        costUSD += other.pointee.costUSD
        for i in 0..<4 { stageLatencySums[i] += other.pointee.stageLatencySums[i] }
        if sketch { try? latency.merge(other.pointee.latency) }
    }

    /// Takes away counters earlier merged in with ``merge(from:sketch:)`` (`sketch: false`): a running window sum
    /// drops the bucket leaving it. Check and tool entries left at zero are removed, so the sum names only what
    /// its buckets saw, as one summed from scratch does. (Floating-point sums may differ from a fresh sum in their
    /// last bits; the owner rebuilds them from the buckets periodically.)
    mutating func subtract(from other: UnsafePointer<MetricCounters>) {
        requests -= other.pointee.requests
        outcomes -= other.pointee.outcomes
        successes -= other.pointee.successes
        failures -= other.pointee.failures
        abstained -= other.pointee.abstained
        escalated -= other.pointee.escalated
        if !other.pointee.checks.isEmpty {
            for c in other.pointee.checks {
                let i = checkIndex(c.name)
                checks[i].passed -= c.passed
                checks[i].failed -= c.failed
                checks[i].failedOnToolProblem -= c.failedOnToolProblem
            }
            checks.removeAll { $0.passed == 0 && $0.failed == 0 }
        }
        feedbackCount -= other.pointee.feedbackCount
        feedbackSum -= other.pointee.feedbackSum
        feedbackNegative -= other.pointee.feedbackNegative
        if !other.pointee.tools.isEmpty {
            for t in other.pointee.tools {
                let i = toolIndex(t.name)
                tools[i].calls -= t.calls
                tools[i].errors -= t.errors
                tools[i].timeouts -= t.timeouts
            }
            tools.removeAll { $0.calls == 0 && $0.errors == 0 && $0.timeouts == 0 }
        }
        toolRecallHits -= other.pointee.toolRecallHits
        toolsExpected -= other.pointee.toolsExpected
        toolPrecisionHits -= other.pointee.toolPrecisionHits
        toolsCalled -= other.pointee.toolsCalled
        toolMissingRequests -= other.pointee.toolMissingRequests
        toolProblemRequests -= other.pointee.toolProblemRequests
        retrievalRequests -= other.pointee.retrievalRequests
        emptyRetrievals -= other.pointee.emptyRetrievals
        topScoreSum -= other.pointee.topScoreSum
        topScoreCount -= other.pointee.topScoreCount
        evidenceSum -= other.pointee.evidenceSum
        evidenceAgeDaysSum -= other.pointee.evidenceAgeDaysSum
        evidenceAgeCount -= other.pointee.evidenceAgeCount
        retriesSum -= other.pointee.retriesSum
        retriedRequests -= other.pointee.retriedRequests
        fallbackRequests -= other.pointee.fallbackRequests
        tokensIn -= other.pointee.tokensIn
        tokensOut -= other.pointee.tokensOut
        costUSD -= other.pointee.costUSD
        for i in 0..<4 { stageLatencySums[i] -= other.pointee.stageLatencySums[i] }
    }

    private mutating func checkIndex(_ name: String) -> Int {
        var i = 0
        while i < checks.count {
            if checks[i].name == name { return i }
            i += 1
        }
        checks.append(CheckCount(name: name))
        return checks.count - 1
    }

    private mutating func toolIndex(_ name: String) -> Int {
        var i = 0
        while i < tools.count {
            if tools[i].name == name { return i }
            i += 1
        }
        tools.append(ToolCount(name: name))
        return tools.count - 1
    }
}

extension MetricCounters {
    /// Total latency at quantile `q` (p50 = 0.5, p95 = 0.95, p99 = 0.99), within 1% of the true order statistic.
    public func latencyQuantile(_ q: Double) -> Double? { latency.quantile(q) }

    /// Requests with a total latency.
    public var latencyCount: UInt64 { latency.count }

    /// Successes over requests with an outcome; nil without any.
    public var successRate: Double? { outcomes > 0 ? Double(successes) / Double(outcomes) : nil }

    /// Failures of the checks whose names match `predicate`, per request with an outcome.
    func checkFailures(where predicate: (String) -> Bool) -> Int64 {
        checks.reduce(0) { predicate($1.name) ? $0 + $1.failed : $0 }
    }

    func check(_ name: String) -> CheckCount? { checks.first { $0.name == name } }

    func tool(_ name: String) -> ToolCount? { tools.first { $0.name == name } }

    /// Tool calls that errored or timed out.
    var toolFailures: Int64 { tools.reduce(0) { $0 + $1.errors + $1.timeouts } }
    var toolCalls: Int64 { tools.reduce(0) { $0 + $1.calls } }

    var meanTopScore: Double? { topScoreCount > 0 ? topScoreSum / Double(topScoreCount) : nil }
    var meanEvidenceAgeDays: Double? { evidenceAgeCount > 0 ? evidenceAgeDaysSum / Double(evidenceAgeCount) : nil }

    /// `part / requests`, 0 without requests.
    func rate(_ part: Int64) -> Double { requests > 0 ? Double(part) / Double(requests) : 0 }
}
