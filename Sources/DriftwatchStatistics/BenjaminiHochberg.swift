/// Benjamini–Hochberg false-discovery-rate control, applied across the many slices and metrics the
/// analyzer tests at once so that noise in one of hundreds of slices does not raise an incident.
public enum BenjaminiHochberg {
    /// Adjusted p-values and rejection decisions, in the order of the input.
    public struct Result: Sendable, Hashable {
        public var adjusted: [Double]
        public var rejected: [Bool]
    }

    /// Identical to statsmodels `multipletests(pValues, alpha, method="fdr_bh")`: adjusted
    /// p_(i) = min over j ≥ i of p_(j)·m/j, capped at 1; hypotheses up to the largest i with
    /// p_(i) ≤ α·i/m are rejected. NaN p-values are not allowed.
    public static func adjust(_ pValues: [Double], alpha: Double = 0.05) -> Result {
        let m = pValues.count
        guard m > 0 else { return Result(adjusted: [], rejected: []) }
        precondition(!pValues.contains(where: \.isNaN), "Benjamini–Hochberg needs p-values, not NaN")
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var lastRejected = -1
        for (rank, index) in order.enumerated() where pValues[index] <= Double(rank + 1) / Double(m) * alpha {
            lastRejected = rank
        }
        var adjusted = [Double](repeating: 0, count: m)
        var rejected = [Bool](repeating: false, count: m)
        var running = Double.infinity
        for rank in stride(from: m - 1, through: 0, by: -1) {
            let index = order[rank]
            running = min(running, pValues[index] / (Double(rank + 1) / Double(m)))
            adjusted[index] = min(running, 1)
            rejected[index] = rank <= lastRejected
        }
        return Result(adjusted: adjusted, rejected: rejected)
    }
}
