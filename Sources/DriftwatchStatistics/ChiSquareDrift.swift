/// Evidently's `chisquare` drift test for categorical features: a goodness-of-fit test of the
/// current counts against the reference proportions.
public enum ChiSquareDrift {
    /// Identical to Evidently's `_chi_stat_test`, i.e. scipy `chisquare(f_obs, f_exp)` with
    /// f_obs the current counts and f_exp the reference counts scaled by n_current / n_reference,
    /// over the union of categories (aligned arrays). A category absent from the reference but
    /// present in current makes the statistic infinite and the p-value 0. With a single category
    /// there are no degrees of freedom and the p-value is NaN (scipy's answer; Evidently then
    /// reports no drift).
    public static func test(referenceCounts: [Int], currentCounts: [Int]) -> TestResult {
        precondition(referenceCounts.count == currentCounts.count, "counts must be aligned by category")
        let nRef = referenceCounts.reduce(0, +), nCur = currentCounts.reduce(0, +)
        precondition(nRef > 0 && nCur > 0, "chi-squared needs non-empty windows")
        let kNorm = Double(nCur) / Double(nRef)
        var statistic = 0.0
        var categories = 0
        for i in referenceCounts.indices where referenceCounts[i] > 0 || currentCounts[i] > 0 {
            categories += 1
            let expected = Double(referenceCounts[i]) * kNorm
            let diff = Double(currentCounts[i]) - expected
            statistic += diff * diff / expected
        }
        let p = SpecialFunctions.chiSquaredSF(statistic, degreesOfFreedom: Double(categories - 1))
        return TestResult(statistic: statistic, pValue: statistic.isInfinite ? 0 : p)
    }
}
