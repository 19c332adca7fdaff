/// Evidently's `z` drift test, its default for binary categorical features on small references.
public enum EvidentlyZTest {
    /// Two-sided p-value of the pooled two-proportion z-test exactly as Evidently computes it,
    /// 2·(1 − Φ(|z|)) (so it bottoms out at about 1e-16 rather than reaching tiny tail values).
    /// The counts are for the two categories in sorted order, reference and current; the tested
    /// proportion is that of the second category. Both windows holding only the same single
    /// category gives 1, as in Evidently.
    public static func pValue(referenceCounts: [Int], currentCounts: [Int]) -> Double {
        precondition(referenceCounts.count == 2 && currentCounts.count == 2, "the z test is for two categories")
        let n1 = referenceCounts[0] + referenceCounts[1], n2 = currentCounts[0] + currentCounts[1]
        precondition(n1 > 0 && n2 > 0, "the z test needs non-empty windows")
        let refSingle = referenceCounts[0] == 0 || referenceCounts[1] == 0
        let curSingle = currentCounts[0] == 0 || currentCounts[1] == 0
        if refSingle && curSingle && (referenceCounts[0] == 0) == (currentCounts[0] == 0) { return 1 }
        let p1 = Double(referenceCounts[1]) / Double(n1)
        let p2 = Double(currentCounts[1]) / Double(n2)
        let pooled = (p1 * Double(n1) + p2 * Double(n2)) / Double(n1 + n2)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        return 2 * (1 - SpecialFunctions.normalCDF(abs(z)))
    }
}
