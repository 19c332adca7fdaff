/// The two-sample Kolmogorov–Smirnov test, identical to scipy `ks_2samp(a, b, method="auto")`
/// (two-sided): exact p-values while both samples have at most 10 000 values, the distribution of
/// the one-sample statistic at the effective size n₁n₂/(n₁+n₂) beyond that.
public enum KolmogorovSmirnov {
    /// How the p-value was obtained.
    public enum Method: String, Sendable, Hashable {
        case exact
        case asymptotic
    }

    /// D, its p-value and the method used.
    public struct Result: Sendable, Hashable {
        /// sup |F₁ − F₂| over all values.
        public var statistic: Double
        public var pValue: Double
        public var method: Method
    }

    /// Largest sample size for which scipy's `auto` mode computes the exact p-value.
    public static let maxExactSampleSize = 10_000

    /// Two-sample test on raw values. Ties are handled as scipy does: both empirical CDFs are
    /// evaluated just after each distinct value. Neither sample may be empty or contain NaN.
    public static func test(_ sample1: [Double], _ sample2: [Double]) -> Result {
        precondition(!sample1.isEmpty && !sample2.isEmpty, "ks_2samp needs two non-empty samples")
        let a = sample1.sorted(), b = sample2.sorted()
        let n1 = a.count, n2 = b.count
        var i = 0, j = 0
        var maxDiff = 0.0, minDiff = 0.0
        while i < n1 || j < n2 {
            let value: Double
            if j >= n2 || (i < n1 && a[i] <= b[j]) { value = a[i] } else { value = b[j] }
            while i < n1 && a[i] <= value { i += 1 }
            while j < n2 && b[j] <= value { j += 1 }
            let diff = Double(i) / Double(n1) - Double(j) / Double(n2)
            maxDiff = max(maxDiff, diff)
            minDiff = min(minDiff, diff)
        }
        return finish(maxDiff: maxDiff, minDiff: minDiff, n1: n1, n2: n2)
    }

    /// Two-sample test on histograms over the same ordered bins (counts per bin, lowest bin first).
    /// Equal to `ks_2samp` on samples where every value is replaced by its bin index, which is what
    /// a stored histogram can answer; for bins that each hold one distinct value it is exact.
    public static func test(counts1: [Int], counts2: [Int]) -> Result {
        precondition(counts1.count == counts2.count, "histograms must share their bins")
        let n1 = counts1.reduce(0, +), n2 = counts2.reduce(0, +)
        precondition(n1 > 0 && n2 > 0, "ks_2samp needs two non-empty samples")
        var c1 = 0, c2 = 0
        var maxDiff = 0.0, minDiff = 0.0
        for bin in counts1.indices where counts1[bin] > 0 || counts2[bin] > 0 {
            c1 += counts1[bin]
            c2 += counts2[bin]
            let diff = Double(c1) / Double(n1) - Double(c2) / Double(n2)
            maxDiff = max(maxDiff, diff)
            minDiff = min(minDiff, diff)
        }
        return finish(maxDiff: maxDiff, minDiff: minDiff, n1: n1, n2: n2)
    }

    static func finish(maxDiff: Double, minDiff: Double, n1: Int, n2: Int) -> Result {
        let minS = min(max(-minDiff, 0), 1)
        var d = minS > maxDiff ? minS : maxDiff
        if max(n1, n2) <= maxExactSampleSize {
            let g = gcd(n1, n2)
            let lcm = (n1 / g) * n2
            let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
            d = Double(h) / Double(lcm)
            if h == 0 { return Result(statistic: d, pValue: 1, method: .exact) }
            let p = n1 == n2 ? probabilityOutsideSquare(n: n1, h: h)
                : outerProbabilityInside(m: n1, n: n2, g: g, h: h)
            if p.isFinite && p >= 0 && p <= 1 {
                return Result(statistic: d, pValue: p, method: .exact)
            }
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = (m * n / (m + n)).rounded(.toNearestOrEven)
        let p = KolmogorovDistribution.twoSidedSF(n: Int(en), x: d)
        return Result(statistic: d, pValue: min(max(p, 0), 1), method: .asymptotic)
    }

    /// The two-sided p-value the asymptotic branch uses, exposed for callers that compute D
    /// themselves: P(D ≥ d) for the one-sample statistic at `n` (scipy `kstwo.sf(d, n)`).
    public static func kolmogorovSF(_ d: Double, n: Int) -> Double {
        KolmogorovDistribution.twoSidedSF(n: n, x: d)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = a, y = b
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// P(D_{n,n} ≥ h/n) by the alternating series in Horner form (scipy `_compute_prob_outside_square`).
    static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// Proportion of lattice paths from (0, 0) to (m, n) leaving the band |x/m − y/n| < h/lcm,
    /// by Viehmann's stable recursion (scipy `_compute_outer_prob_inside_method`).
    static func outerProbabilityInside(m mIn: Int, n nIn: Int, g: Int, h: Int) -> Double {
        let m = max(mIn, nIn), n = min(mIn, nIn)
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = min(ceilDiv(h, mg), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: lenA)
        for index in minj..<maxj { a[index] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = max(floorDiv(ng * i - h, mg) + 1, 0)
            minj = min(minj, n)
            maxj = min(ceilDiv(ng * i + h, mg), n + 1)
            if maxj <= minj { return 1 }
            var value = minj == 0 ? 0.0 : 1.0
            let di = Double(i)
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                value = (a[jj + minj - lastminj] * di + value * Double(j)) / (di + Double(j))
                a[jj] = value
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for index in (maxj - minj)..<(maxj - minj + lastlen - curlen) { a[index] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }

    @inline(__always) static func floorDiv(_ p: Int, _ q: Int) -> Int {
        let r = p / q
        return (p % q != 0 && (p < 0) != (q < 0)) ? r - 1 : r
    }

    @inline(__always) static func ceilDiv(_ p: Int, _ q: Int) -> Int {
        -floorDiv(-p, q)
    }
}
