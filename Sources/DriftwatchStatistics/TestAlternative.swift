/// The alternative hypothesis of a test, named as scipy does. statsmodels calls `.less` "smaller"
/// and `.greater` "larger".
public enum TestAlternative: String, Sendable, Hashable, CaseIterable {
    /// The two groups differ in either direction.
    case twoSided = "two-sided"
    /// The first group's parameter is below the second's.
    case less
    /// The first group's parameter is above the second's.
    case greater
}

/// A test statistic with its p-value.
public struct TestResult: Sendable, Hashable {
    /// The statistic (z, chi-squared, D, or the odds ratio for Fisher's test).
    public var statistic: Double
    /// The p-value; NaN where the reference implementation returns NaN (documented per test).
    public var pValue: Double

    public init(statistic: Double, pValue: Double) {
        self.statistic = statistic
        self.pValue = pValue
    }
}
