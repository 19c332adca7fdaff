/// Population Stability Index, the drift measure credit-risk teams know: Σ (r − c) ln(r / c) over
/// bins, with r and c the reference and current shares.
public enum PopulationStability {
    /// The ε an empty bin's share is raised to before the logarithm (Evidently uses 0.0001 unless
    /// a non-empty share is itself that small).
    public static let defaultEpsilon = 1e-4

    /// PSI over explicit bins (for example `HistogramBinning.quantileEdges` cut points and
    /// `openBinCounts`), empty shares replaced by `epsilon`. This is the fixed-reference-bin form the
    /// drift detector keeps: the bins never move, so the index is comparable across windows.
    public static func index(referenceCounts: [Int], currentCounts: [Int], epsilon: Double = defaultEpsilon) -> Double {
        precondition(referenceCounts.count == currentCounts.count, "histograms must share their bins")
        let nRef = Double(referenceCounts.reduce(0, +)), nCur = Double(currentCounts.reduce(0, +))
        precondition(nRef > 0 && nCur > 0, "PSI needs non-empty windows")
        var psi = 0.0
        for i in referenceCounts.indices {
            var r = Double(referenceCounts[i]) / nRef
            var c = Double(currentCounts[i]) / nCur
            if r == 0 { r = epsilon }
            if c == 0 { c = epsilon }
            psi += (r - c) * cLog(r / c)
        }
        return psi
    }

    /// Evidently's `psi` on binned counts: shares count/n, and each side's empty shares replaced by
    /// min(non-empty share)/10⁶ when that minimum is ≤ 0.0001, else by 0.0001 (Evidently's
    /// `get_binned_data(feel_zeroes=True)`). Default drift threshold 0.1.
    public static func evidentlyIndex(referenceCounts: [Int], currentCounts: [Int]) -> Double {
        precondition(referenceCounts.count == currentCounts.count, "histograms must share their bins")
        let nRef = Double(referenceCounts.reduce(0, +)), nCur = Double(currentCounts.reduce(0, +))
        precondition(nRef > 0 && nCur > 0, "PSI needs non-empty windows")
        let fillRef = evidentlyFill(referenceCounts, total: nRef)
        let fillCur = evidentlyFill(currentCounts, total: nCur)
        var psi = 0.0
        for i in referenceCounts.indices {
            let r = referenceCounts[i] == 0 ? fillRef : Double(referenceCounts[i]) / nRef
            let c = currentCounts[i] == 0 ? fillCur : Double(currentCounts[i]) / nCur
            psi += (r - c) * cLog(r / c)
        }
        return psi
    }

    /// The share Evidently substitutes for empty bins of one histogram.
    static func evidentlyFill(_ counts: [Int], total: Double) -> Double {
        var smallest = Double.infinity
        for c in counts where c > 0 { smallest = min(smallest, Double(c) / total) }
        return smallest <= 0.0001 ? smallest / 1_000_000 : 0.0001
    }
}
