/// Two-sample chi-squared test of homogeneity for a categorical feature (reference counts against
/// current counts), with sparse categories pooled and an over-dispersion factor: the guard p-value of
/// every categorical drift row.
///
/// Why not Evidently's goodness-of-fit (``ChiSquareDrift``): it takes the reference proportions as
/// exact, so a value the reference never saw (a tool called once in the current hour of one slice)
/// gets expected count 0 and an infinite statistic, p = 0 — the quiet runs' false drift. Here:
/// 1. categories whose expected count in the smaller window is below 5 are pooled into one;
/// 2. if that pool's own expected count is still below 5, it is merged into the regular category
///    with the smallest total (so no cell of the table is expected fewer than 5 times, where the
///    chi-squared approximation holds);
/// 3. the statistic is Pearson's over the 2 × k table (scipy `chi2_contingency(correction=False)`),
///    divided by `dispersion` (quasi-likelihood: requests are not independent draws), with k − 1
///    degrees of freedom.
/// Fewer than two categories left: no test, p = 1.
public enum PooledContingencyChiSquare {
    public struct Result: Sendable, Equatable {
        /// Pearson's statistic before the dispersion is applied.
        public var statistic: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
    }

    /// The pooled 2 × k table's columns as (reference, current) pairs, in input order with the pool last.
    public static func pool(_ reference: [Int], _ current: [Int]) -> [(Int, Int)] {
        precondition(reference.count == current.count, "counts must be aligned by category")
        let nRef = Double(reference.reduce(0, +)), nCur = Double(current.reduce(0, +))
        let total = nRef + nCur
        guard total > 0 else { return [] }
        let smaller = min(nRef, nCur)
        var columns: [(Int, Int)] = []
        var rare = (0, 0)
        for i in reference.indices where reference[i] + current[i] > 0 {
            if smaller * Double(reference[i] + current[i]) / total < 5 {
                rare.0 += reference[i]
                rare.1 += current[i]
            } else {
                columns.append((reference[i], current[i]))
            }
        }
        if rare.0 + rare.1 > 0 {
            if smaller * Double(rare.0 + rare.1) / total < 5, !columns.isEmpty {
                let target = columns.indices.min { columns[$0].0 + columns[$0].1 < columns[$1].0 + columns[$1].1 }!
                columns[target].0 += rare.0
                columns[target].1 += rare.1
            } else {
                columns.append(rare)
            }
        }
        return columns
    }

    public static func test(reference: [Int], current: [Int], dispersion: Double = 1) -> Result {
        let columns = pool(reference, current)
        guard columns.count >= 2 else { return Result(statistic: 0, degreesOfFreedom: 0, pValue: 1) }
        let nRef = Double(columns.reduce(0) { $0 + $1.0 }), nCur = Double(columns.reduce(0) { $0 + $1.1 })
        let total = nRef + nCur
        guard nRef > 0, nCur > 0 else { return Result(statistic: 0, degreesOfFreedom: 0, pValue: 1) }
        var statistic = 0.0
        for (a, b) in columns {
            let column = Double(a + b)
            let expectedRef = nRef * column / total, expectedCur = nCur * column / total
            statistic += (Double(a) - expectedRef) * (Double(a) - expectedRef) / expectedRef
            statistic += (Double(b) - expectedCur) * (Double(b) - expectedCur) / expectedCur
        }
        let df = columns.count - 1
        let p = SpecialFunctions.chiSquaredSF(statistic / max(dispersion, 1), degreesOfFreedom: Double(df))
        return Result(statistic: statistic, degreesOfFreedom: df, pValue: p)
    }
}
