public import DriftwatchAnalysis
import DriftwatchStatistics

/// A number a panel can plot, computed from merged rollup counters. Names are what definitions write.
public enum DashboardMetric: String, Sendable, CaseIterable, Codable {
    case requests
    case successRate = "success_rate"
    case failureRate = "failure_rate"
    case escalationRate = "escalation_rate"
    case abstainRate = "abstain_rate"
    /// One series per validation check rather than per dimension value.
    case checkPassRate = "check_pass_rate"
    case latencyP50 = "latency_p50"
    case latencyP95 = "latency_p95"
    case latencyP99 = "latency_p99"
    case costPerRequest = "cost_per_request"
    case tokensPerRequest = "tokens_per_request"
    case fallbackRate = "fallback_rate"
    case retryRate = "retry_rate"
    case toolErrorRate = "tool_error_rate"
    case toolTimeoutRate = "tool_timeout_rate"
    case toolPrecision = "tool_precision"
    case toolRecall = "tool_recall"
    case toolLatency = "tool_latency"
    case emptyRetrievalRate = "empty_retrieval_rate"
    case retrievalTopScore = "retrieval_top_score"
    case evidenceAgeDays = "evidence_age_days"
    case evidencePerRequest = "evidence_per_request"
    case retrievalLatency = "retrieval_latency"
    case feedbackMean = "feedback_mean"

    /// Axis label unit.
    public var unit: String {
        switch self {
        case .requests: return "requests"
        case .latencyP50, .latencyP95, .latencyP99, .toolLatency, .retrievalLatency: return "ms"
        case .costPerRequest: return "USD"
        case .tokensPerRequest: return "tokens"
        case .retrievalTopScore, .feedbackMean: return "score"
        case .evidenceAgeDays: return "days"
        case .evidencePerRequest: return "documents"
        default: return "%"
        }
    }

    /// Rates are stored as fractions and shown as percentages.
    public var isPercentage: Bool { unit == "%" }

    /// Metrics that can be split per tool (``ToolStats``) with `dimension: tool`.
    var isPerTool: Bool { self == .toolErrorRate || self == .toolTimeoutRate || self == .toolLatency }

    /// A readable name for legends and tables.
    public var label: String {
        switch self {
        case .requests: return "Requests"
        case .successRate: return "Success rate"
        case .failureRate: return "Failure rate"
        case .escalationRate: return "Escalation rate"
        case .abstainRate: return "Abstain rate"
        case .checkPassRate: return "Validation pass rate"
        case .latencyP50: return "Latency p50"
        case .latencyP95: return "Latency p95"
        case .latencyP99: return "Latency p99"
        case .costPerRequest: return "Cost per request"
        case .tokensPerRequest: return "Tokens per request"
        case .fallbackRate: return "Fallback rate"
        case .retryRate: return "Retry rate"
        case .toolErrorRate: return "Tool error rate"
        case .toolTimeoutRate: return "Tool timeout rate"
        case .toolPrecision: return "Tool invocation precision"
        case .toolRecall: return "Tool invocation recall"
        case .toolLatency: return "Tool stage latency (mean)"
        case .emptyRetrievalRate: return "Empty retrieval rate"
        case .retrievalTopScore: return "Top retrieval score (mean)"
        case .evidenceAgeDays: return "Evidence age (mean)"
        case .evidencePerRequest: return "Evidence documents per request"
        case .retrievalLatency: return "Retrieval stage latency (mean)"
        case .feedbackMean: return "User feedback (mean)"
        }
    }

    /// Whether the metric needs the latency sketches merged (the only costly merge).
    var needsSketch: Bool { self == .latencyP50 || self == .latencyP95 || self == .latencyP99 }

    /// The value for merged counters; nil when the counters hold nothing it can be computed from.
    public func value(_ c: MetricCounters) -> Double? {
        func ratio(_ a: Int64, _ b: Int64) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
        func mean(_ a: Double, _ b: Int64) -> Double? { b > 0 ? a / Double(b) : nil }
        switch self {
        case .requests: return Double(c.requests)
        case .successRate: return ratio(c.successes, c.outcomes)
        case .failureRate: return ratio(c.failures, c.outcomes)
        case .escalationRate: return ratio(c.escalated, c.outcomes)
        case .abstainRate: return ratio(c.abstained, c.outcomes)
        case .checkPassRate:
            let passed = c.checks.reduce(Int64(0)) { $0 + $1.passed }
            return ratio(passed, c.checks.reduce(Int64(0)) { $0 + $1.passed + $1.failed })
        case .latencyP50: return c.latency.quantile(0.5)
        case .latencyP95: return c.latency.quantile(0.95)
        case .latencyP99: return c.latency.quantile(0.99)
        case .costPerRequest: return mean(c.costUSD, c.requests)
        case .tokensPerRequest: return mean(Double(c.tokensIn + c.tokensOut), c.requests)
        case .fallbackRate: return ratio(c.fallbackRequests, c.requests)
        case .retryRate: return ratio(c.retriedRequests, c.requests)
        case .toolErrorRate: return ratio(c.tools.reduce(0) { $0 + $1.errors }, c.tools.reduce(0) { $0 + $1.calls })
        case .toolTimeoutRate: return ratio(c.tools.reduce(0) { $0 + $1.timeouts }, c.tools.reduce(0) { $0 + $1.calls })
        // A task that expects no tools has no precision: every call would count as a miss.
        case .toolPrecision: return c.toolsExpected > 0 ? ratio(c.toolPrecisionHits, c.toolsCalled) : nil
        case .toolRecall: return ratio(c.toolRecallHits, c.toolsExpected)
        case .toolLatency: return mean(c.stageLatencySums[1], c.requests)
        case .emptyRetrievalRate: return ratio(c.emptyRetrievals, c.retrievalRequests)
        case .retrievalTopScore: return mean(c.topScoreSum, c.topScoreCount)
        case .evidenceAgeDays: return mean(c.evidenceAgeDaysSum, c.evidenceAgeCount)
        case .evidencePerRequest: return mean(Double(c.evidenceSum), c.retrievalRequests)
        case .retrievalLatency: return mean(c.stageLatencySums[0], c.retrievalRequests)
        case .feedbackMean: return mean(c.feedbackSum, c.feedbackCount)
        }
    }

    /// The value formatted with its unit for tables and tooltips.
    public func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return Self.format(value, unit: unit)
    }

    static func format(_ value: Double, unit: String) -> String {
        switch unit {
        case "%": return Format.fixed(value * 100, digits: 1) + "%"
        case "requests": return Format.integer(value)
        case "ms": return Format.fixed(value, digits: value < 10 ? 1 : 0) + " ms"
        case "USD": return "$" + Format.fixed(value, digits: value < 0.01 ? 5 : 4)
        case "days": return Format.fixed(value, digits: 1) + " d"
        default: return Format.fixed(value, digits: value.magnitude < 10 ? 2 : 1)
        }
    }
}

/// Locale-free number formatting (a page must read the same wherever it is rendered).
enum Format {
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded()
        var whole = String(Int64(scaled / scale))
        let fraction = Int64(scaled.truncatingRemainder(dividingBy: scale))
        if digits > 0 {
            var f = String(fraction)
            while f.count < digits { f = "0" + f }
            whole += "." + f
        }
        return (value < 0 && scaled != 0 ? "-" : "") + whole
    }

    static func integer(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let digits = String(Int64(value.magnitude.rounded()))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    static func integer(_ value: Int64) -> String { integer(Double(value)) }

    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return fixed(value * 100, digits: 1) + "%"
    }
}
