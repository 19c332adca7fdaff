/// A rate the detector tests: the success rate, or the pass rate of one validation check (`check:<name>`).
///
/// Check pass rates matter on their own when a check's failures rise without failing requests (an advisory
/// validator, a grounding check on answers still returned): the success rate would not move.
enum DetectedMetric: Hashable, Sendable, Comparable {
    case successRate
    case check(String)

    /// The incident document's `metric`.
    var name: String {
        switch self {
        case .successRate: return "success_rate"
        case .check(let check): return "check:" + check
        }
    }

    init(name: String) {
        self = name.hasPrefix("check:") ? .check(String(name.dropFirst(6))) : .successRate
    }

    /// Passes and trials of this metric in `counters`.
    func rate(_ counters: MetricCounters) -> PassRate {
        switch self {
        case .successRate:
            return PassRate(passes: counters.successes, trials: counters.outcomes)
        case .check(let check):
            guard let c = counters.check(check) else { return PassRate(passes: 0, trials: 0) }
            return PassRate(passes: c.passed, trials: c.passed + c.failed)
        }
    }
}

/// Passes out of trials: a success rate or a check's pass rate.
struct PassRate: Sendable, Equatable {
    var passes: Int64
    var trials: Int64

    var value: Double? { trials > 0 ? Double(passes) / Double(trials) : nil }
}
