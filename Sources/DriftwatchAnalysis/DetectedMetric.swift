/// A rate the detector tests: the success rate, the pass rate of one validation check (`check:<name>`), or the
/// share of one tool's calls that returned ok (`tool:<name>`; errors and timeouts fail).
///
/// Check pass rates matter on their own when a check's failures rise without failing requests (an advisory
/// validator, a grounding check on answers still returned): the success rate would not move. A tool's call failures
/// are the cause's own signal: they rise from a near-zero baseline long before the requests they spoil move the
/// task's success rate (a tool degrading slowly, or failing on a tool few requests need), and they date the onset
/// sharply.
enum DetectedMetric: Hashable, Sendable, Comparable {
    case successRate
    case check(String)
    case tool(String)

    /// The incident document's `metric`.
    var name: String {
        switch self {
        case .successRate: return "success_rate"
        case .check(let check): return "check:" + check
        case .tool(let tool): return "tool:" + tool
        }
    }

    init(name: String) {
        if name.hasPrefix("check:") {
            self = .check(String(name.dropFirst(6)))
        } else if name.hasPrefix("tool:") {
            self = .tool(String(name.dropFirst(5)))
        } else {
            self = .successRate
        }
    }

    var isTool: Bool {
        if case .tool = self { return true }
        return false
    }

    /// Passes and trials of this metric in `counters`.
    func rate(_ counters: MetricCounters) -> PassRate {
        switch self {
        case .successRate:
            return PassRate(passes: counters.successes, trials: counters.outcomes)
        case .check(let check):
            guard let c = counters.check(check) else { return PassRate(passes: 0, trials: 0) }
            return PassRate(passes: c.passed, trials: c.passed + c.failed)
        case .tool(let tool):
            guard let c = counters.tool(tool) else { return PassRate(passes: 0, trials: 0) }
            return PassRate(passes: c.calls - c.errors - c.timeouts, trials: c.calls)
        }
    }
}

/// Passes out of trials: a success rate or a check's pass rate.
struct PassRate: Sendable, Equatable {
    var passes: Int64
    var trials: Int64

    var value: Double? { trials > 0 ? Double(passes) / Double(trials) : nil }
}
