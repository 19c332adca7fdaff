/// Tests and intervals on success proportions, the building blocks of regression detection on
/// rates (success rate, check pass rate, tool error rate).
public enum Proportions {
    /// A two-sided confidence interval for a proportion.
    public struct Interval: Sendable, Hashable {
        public var lower: Double
        public var upper: Double

        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// Wilson score interval for `successes` out of `trials`, identical to statsmodels
    /// `proportion_confint(successes, trials, alpha, method="wilson")`. Unlike the Wald interval it
    /// stays inside [0, 1] and keeps its coverage for small counts and rates near 0 or 1, which is
    /// why regression detection uses it. NaN bounds for zero trials.
    public static func wilsonInterval(successes: Int, trials: Int, alpha: Double = 0.05) -> Interval {
        guard trials > 0 else { return Interval(lower: .nan, upper: .nan) }
        let n = Double(trials)
        let q = Double(successes) / n
        let crit = -SpecialFunctions.normalQuantile(alpha / 2)
        let crit2 = crit * crit
        let denom = 1 + crit2 / n
        let center = (q + crit2 / (2 * n)) / denom
        var dist = crit * (q * (1 - q) / n + crit2 / (4 * n * n)).squareRoot()
        dist /= denom
        return Interval(lower: center - dist, upper: center + dist)
    }

    /// Pooled two-proportion z-test of sample 1 against sample 2, identical to statsmodels
    /// `proportions_ztest([s1, s2], [n1, n2], alternative=...)` (`.less` = "smaller", `.greater` =
    /// "larger"). The statistic is (p1 − p2) / sqrt(p(1 − p)(1/n1 + 1/n2)) with p the pooled rate.
    /// When both samples are all successes or all failures the variance is zero and, as in
    /// statsmodels, the statistic and p-value are NaN.
    public static func twoProportionZTest(
        successes1: Int, trials1: Int, successes2: Int, trials2: Int,
        alternative: TestAlternative = .twoSided
    ) -> TestResult {
        guard trials1 > 0, trials2 > 0 else { return TestResult(statistic: .nan, pValue: .nan) }
        let n1 = Double(trials1), n2 = Double(trials2)
        let diff = Double(successes1) / n1 - Double(successes2) / n2
        let pooled = Double(successes1 + successes2) / (n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
        let z = diff / variance.squareRoot()
        if z.isNaN { return TestResult(statistic: .nan, pValue: .nan) }
        let p: Double
        switch alternative {
        case .twoSided: p = 2 * SpecialFunctions.normalSF(abs(z))
        case .greater: p = SpecialFunctions.normalSF(z)
        case .less: p = SpecialFunctions.normalCDF(z)
        }
        return TestResult(statistic: z, pValue: p)
    }
}
