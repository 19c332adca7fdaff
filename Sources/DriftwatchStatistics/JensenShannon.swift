/// Jensen–Shannon distance, Evidently's default drift measure for categorical features on large
/// references (and for numeric features with few distinct values).
public enum JensenShannon {
    /// scipy `spatial.distance.jensenshannon(p, q, base)`: both weight vectors are normalised to
    /// sum 1, then √((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2. Natural logarithm unless `base` is
    /// given (Evidently passes none, so its values lie in [0, √ln 2]). Empty bins contribute
    /// nothing; no ε is added, matching Evidently, which calls this without filling zeros.
    public static func distance(_ p: [Double], _ q: [Double], base: Double? = nil) -> Double {
        precondition(p.count == q.count, "distributions must share their bins")
        var sumP = 0.0, sumQ = 0.0
        for i in p.indices {
            sumP += p[i]
            sumQ += q[i]
        }
        var left = 0.0, right = 0.0
        for i in p.indices {
            let pi = p[i] / sumP, qi = q[i] / sumQ
            let m = (pi + qi) / 2
            if pi > 0 { left += pi * cLog(pi / m) }
            if qi > 0 { right += qi * cLog(qi / m) }
        }
        var js = left + right
        if let base { js /= cLog(base) }
        return (js / 2).squareRoot()
    }

    /// The distance between two histograms of counts over the same bins or categories.
    public static func distance(referenceCounts: [Int], currentCounts: [Int], base: Double? = nil) -> Double {
        precondition(referenceCounts.count == currentCounts.count, "histograms must share their bins")
        let nRef = Double(referenceCounts.reduce(0, +)), nCur = Double(currentCounts.reduce(0, +))
        // Evidently divides counts by the window size before calling scipy; do the same so the
        // rounding matches.
        return distance(referenceCounts.map { Double($0) / nRef }, currentCounts.map { Double($0) / nCur }, base: base)
    }
}
