import DriftwatchStatistics

/// How much a task's success rate varies from hour to hour beyond binomial noise, estimated on the baseline
/// window's hours. Production traffic is overdispersed (hours differ in users, load, upstream latency): on the
/// generated quiet workloads the hourly Pearson dispersion of a busy task is ~1.8, and a one-hour window tested as
/// if its requests were independent of the hour raised false alarms at high rates (two per 30 quiet days at 200
/// requests/min, issue #12). The extra variance is additive — it does not shrink with more requests in the hour —
/// so it matters at high rates and hardly at all at 20 requests/min, where binomial noise dominates.
///
/// The estimate is robust: the median over hours of the squared standardized deviation from the median hour's
/// rate, divided by the median of a χ²₁ (0.4549), so a past incident's hours in the baseline do not inflate it. It is expressed on the logit
/// scale (σ²), which carries over to tests at other rates (segments, other tasks' rates) as (p(1−p))²σ².
public struct HourlyDispersion: Sendable, Equatable {
    /// Between-hour variance of the logit of the rate; 0 when the hours are no more variable than binomial.
    public var logitVariance: Double

    public static let none = HourlyDispersion(logitVariance: 0)
    /// Median of the χ² distribution with one degree of freedom.
    static let chiSquare1Median = 0.454936423119572788
    /// Hours needed for an estimate, each with at least ``minimumTrials`` outcomes.
    public static let minimumHours = 8
    public static let minimumTrials: Int64 = 30

    public init(logitVariance: Double) { self.logitVariance = max(0, logitVariance) }

    /// Estimates from `(trials, passes)` per hour.
    public init(hours: [(trials: Int64, passes: Int64)]) {
        let kept = hours.filter { $0.trials >= Self.minimumTrials }
        guard kept.count >= Self.minimumHours else {
            self = .none
            return
        }
        // Centred on the median hour's rate, not the pooled one: an incident hour would move the pooled rate and
        // with it every hour's deviation.
        let p = Self.median(kept.map { Double($0.passes) / Double($0.trials) })
        guard p > 0, p < 1 else {
            self = .none
            return
        }
        let q = p * (1 - p)
        var ratios: [Double] = []
        var sizes: [Double] = []
        for hour in kept {
            let n = Double(hour.trials)
            let deviation = Double(hour.passes) / n - p
            ratios.append(deviation * deviation / (q / n))
            sizes.append(n)
        }
        let phi = Self.median(ratios) / Self.chiSquare1Median
        // φ = 1 + n·τ²/q for the additive model, at the typical hour's size.
        let tau2 = max(0, phi - 1) * q / Self.median(sizes)
        self.init(logitVariance: tau2 / (q * q))
    }

    /// The extra variance of a rate near `p` measured over one window.
    public func extraVariance(at p: Double) -> Double {
        let q = p * (1 - p)
        return q * q * logitVariance
    }

    /// One-sided p-value that `current` is below `reference`: the pooled two-proportion z-test with the current
    /// window's between-hour variance added (the reference, a whole baseline of hours, averages it out over its
    /// `referenceHours`).
    public func pWorse(current: (passes: Int64, trials: Int64), reference: (passes: Int64, trials: Int64), referenceHours: Double) -> Double {
        guard current.trials > 0, reference.trials > 0 else { return 1 }
        let n1 = Double(current.trials), n2 = Double(reference.trials)
        let pooled = Double(current.passes + reference.passes) / (n1 + n2)
        let diff = Double(current.passes) / n1 - Double(reference.passes) / n2
        let variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2) + extraVariance(at: pooled) * (1 + 1 / max(referenceHours, 1))
        guard variance > 0 else { return diff < 0 ? 0 : 1 }
        let p = SpecialFunctions.normalCDF(diff / variance.squareRoot())
        return p.isNaN ? 1 : p
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
