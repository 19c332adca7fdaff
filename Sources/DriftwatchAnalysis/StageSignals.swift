/// Failure signals per pipeline stage, as rates per request, so a drop in success can be traced to the stage
/// whose health fell with it. Along the pipeline (retrieval → tools → wrapper → model → validation), a check
/// failure in a request that also had a tool problem is charged to tools, the earlier stage whose own signal
/// explains it: a tool outage that leaves answers ungrounded is a tool incident, not a retrieval one.
struct StageSignals {
    enum CheckFamily { case wrapper, retrieval, model }

    /// Schema and format checks belong to the wrapper, grounding checks to retrieval, the rest (policy,
    /// safety, correctness) to the model's content.
    static func family(ofCheck name: String) -> CheckFamily {
        let n = name.lowercased()
        for word in ["schema", "format", "json", "parse", "structure", "syntax"] where n.contains(word) { return .wrapper }
        for word in ["ground", "faithful", "citation", "context", "evidence", "relevan"] where n.contains(word) { return .retrieval }
        return .model
    }

    var retrievalChecks: Double
    var emptyRetrieval: Double
    var toolProblems: Double
    var wrapperChecks: Double
    var modelChecks: Double
    var failure: Double
    var hasRetrievalChecks: Bool

    init(_ c: MetricCounters) {
        let n = Double(max(c.requests, 1))
        var retrieval: Int64 = 0, wrapper: Int64 = 0, model: Int64 = 0
        var retrievalSeen = false
        for check in c.checks {
            // The causal chain: a check that failed in a request whose tool call failed is the tool's symptom
            // (the answer lacked the tool's data), counted under tools, not under the check's own stage.
            let own = Self.ownFailures(check)
            switch Self.family(ofCheck: check.name) {
            case .retrieval: retrieval += own; retrievalSeen = true
            case .wrapper: wrapper += own
            case .model: model += own
            }
        }
        retrievalChecks = Double(retrieval) / n
        emptyRetrieval = Double(c.emptyRetrievals) / n
        toolProblems = Double(c.toolProblemRequests) / n
        wrapperChecks = Double(wrapper) / n
        modelChecks = Double(model) / n
        failure = 1 - (c.successRate ?? 1)
        hasRetrievalChecks = retrievalSeen
    }

    /// A check's failures charged to its own stage: those in requests without a tool problem.
    static func ownFailures(_ check: MetricCounters.CheckCount) -> Int64 {
        max(0, check.failed - check.failedOnToolProblem)
    }

    /// Failures of `component`'s own stage in `c` (tool problems, or the failures of its family of checks; empty
    /// retrievals for retrieval without a grounding check), over requests: the signal its incident recovers on.
    static func stageFailures(_ component: String, in c: MetricCounters) -> PassRate {
        var failures: Int64 = 0
        switch component {
        case "tools":
            failures = c.toolProblemRequests
        case "retrieval", "wrapper", "model":
            let family: CheckFamily = component == "retrieval" ? .retrieval : component == "wrapper" ? .wrapper : .model
            var seen = false
            for check in c.checks where Self.family(ofCheck: check.name) == family {
                failures += ownFailures(check)
                seen = true
            }
            if component == "retrieval", !seen { failures = c.emptyRetrievals }
        default:
            return PassRate(passes: 0, trials: 0)
        }
        return PassRate(passes: max(0, c.requests - failures), trials: c.requests)
    }

    /// How much each stage's failure rate rose from `base` to `cur` (never negative).
    static func excess(base: StageSignals, cur: StageSignals) -> [(component: String, value: Double)] {
        let retrieval = cur.hasRetrievalChecks || base.hasRetrievalChecks
            ? cur.retrievalChecks - base.retrievalChecks
            : cur.emptyRetrieval - base.emptyRetrieval
        return [
            ("retrieval", max(0, retrieval)),
            ("tools", max(0, cur.toolProblems - base.toolProblems)),
            ("wrapper", max(0, cur.wrapperChecks - base.wrapperChecks)),
            ("model", max(0, cur.modelChecks - base.modelChecks)),
        ]
    }
}

/// Δrate = Σ(w₁−w₀)·p₀ [mix] + Σw₁·(p₁−p₀) [rate] over the values of one slice key: how much of a change in
/// success rate comes from the traffic mix moving, and how much from the per-value rates themselves.
struct MixRateDecomposition: Equatable {
    struct Part: Equatable {
        var value: String
        var w0: Double, w1: Double, p0: Double, p1: Double
    }

    var key: String
    var mix: Double
    var rate: Double
    /// Binomial standard error of the rate term, Σw₁²·(p₁q₁/n₁ + p₀q₀/n₀) under the square root.
    var rateStandardError: Double
    var parts: [Part]

    /// The decomposition of `metric`'s pass rate (the success rate unless given).
    init(key: String, baseline allBaseline: [String: MetricCounters], current allCurrent: [String: MetricCounters],
         metric: DetectedMetric = .successRate) {
        func rates(_ table: [String: MetricCounters]) -> [String: MetricCounters] {
            guard metric != .successRate else { return table }
            return table.mapValues { c in
                let r = metric.rate(c)
                var x = MetricCounters()
                x.outcomes = r.trials
                x.successes = r.passes
                return x
            }
        }
        let baseline = rates(allBaseline), current = rates(allCurrent)
        self.key = key
        let n0 = Double(baseline.values.reduce(0) { $0 + $1.outcomes })
        let n1 = Double(current.values.reduce(0) { $0 + $1.outcomes })
        var mix = 0.0, rate = 0.0, variance = 0.0
        var parts: [Part] = []
        for value in Set(baseline.keys).union(current.keys).sorted() {
            let b = baseline[value], c = current[value]
            let w0 = n0 > 0 ? Double(b?.outcomes ?? 0) / n0 : 0
            let w1 = n1 > 0 ? Double(c?.outcomes ?? 0) / n1 : 0
            let p1 = c?.successRate ?? b?.successRate ?? 0
            let p0 = b?.successRate ?? p1
            mix += (w1 - w0) * p0
            rate += w1 * (p1 - p0)
            let m1 = Double(c?.outcomes ?? 0), m0 = Double(b?.outcomes ?? 0)
            if m1 > 0, m0 > 0 { variance += w1 * w1 * (p1 * (1 - p1) / m1 + p0 * (1 - p0) / m0) }
            parts.append(Part(value: value, w0: w0, w1: w1, p0: p0, p1: p1))
        }
        self.mix = mix
        self.rate = rate
        self.rateStandardError = variance.squareRoot()
        self.parts = parts
    }

    /// The value whose share grew the most toward a worse rate (largest (w₁−w₀)·(p̄−p₀)).
    var drivingPart: Part? {
        let mean = parts.reduce(0) { $0 + $1.w0 * $1.p0 }
        return parts.max { ($0.w1 - $0.w0) * (mean - $0.p0) < ($1.w1 - $1.w0) * (mean - $1.p0) }
    }
}
