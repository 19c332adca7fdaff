/// Evidently's binning of numeric features (`get_binned_data`), so distances on raw samples match
/// Evidently's numbers: more than 20 distinct reference values → Sturges bins over reference and
/// current combined; otherwise one bin per distinct value seen in either window.
public enum EvidentlyBinning {
    /// Aligned reference and current counts as Evidently bins them. Values must not be NaN.
    public static func counts(reference: [Double], current: [Double]) -> (reference: [Int], current: [Int]) {
        precondition(!reference.isEmpty && !current.isEmpty, "binning needs non-empty windows")
        if distinctCount(reference) > 20 {
            var lower = Double.infinity, upper = -Double.infinity
            for v in reference { lower = min(lower, v); upper = max(upper, v) }
            for v in current { lower = min(lower, v); upper = max(upper, v) }
            let edges = HistogramBinning.sturgesEdges(min: lower, max: upper, count: reference.count + current.count)
            return (HistogramBinning.histogram(reference, edges: edges), HistogramBinning.histogram(current, edges: edges))
        }
        let table = CategoricalCounts(reference: reference, current: current)
        return (table.reference, table.current)
    }

    /// Evidently's `jensenshannon` on raw numeric samples.
    public static func jensenShannon(reference: [Double], current: [Double]) -> Double {
        let binned = counts(reference: reference, current: current)
        return JensenShannon.distance(referenceCounts: binned.reference, currentCounts: binned.current)
    }

    /// Evidently's `psi` on raw numeric samples.
    public static func psi(reference: [Double], current: [Double]) -> Double {
        let binned = counts(reference: reference, current: current)
        return PopulationStability.evidentlyIndex(referenceCounts: binned.reference, currentCounts: binned.current)
    }

    static func distinctCount(_ values: [Double]) -> Int {
        let sorted = values.sorted()
        var count = 0
        var previous: Double?
        for v in sorted where v != previous {
            count += 1
            previous = v
        }
        return count
    }
}
