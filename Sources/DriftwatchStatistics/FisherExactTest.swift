/// Fisher's exact test on a 2×2 table, for rate comparisons where counts are too small for the
/// z-test's normal approximation.
public enum FisherExactTest {
    /// Tests the table [[a, b], [c, d]] (rows: groups; columns: success, failure), identical to
    /// scipy `fisher_exact([[a, b], [c, d]], alternative)`. The statistic is the sample odds ratio
    /// ad/(bc) (infinity when bc = 0, NaN when a row or column is empty, with p-value 1).
    ///
    /// `.less` asks whether the odds ratio is below 1 (the first row's success rate is lower).
    /// Probabilities are summed from PMF ratios relative to the mode, so no factorial is formed and
    /// the cost is linear in the table's smaller margin.
    public static func test(_ a: Int, _ b: Int, _ c: Int, _ d: Int,
                            alternative: TestAlternative = .twoSided) -> TestResult {
        precondition(a >= 0 && b >= 0 && c >= 0 && d >= 0, "Fisher's test needs non-negative counts")
        if a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0 {
            return TestResult(statistic: .nan, pValue: 1)
        }
        let oddsRatio = (c > 0 && b > 0) ? Double(a) * Double(d) / (Double(c) * Double(b)) : .infinity
        let n1 = a + b, n2 = c + d, n = a + c
        let p: Double
        switch alternative {
        case .less:
            p = Hypergeometric(population: n1 + n2, successes: n1, draws: n).cdf(a)
        case .greater:
            p = Hypergeometric(population: n1 + n2, successes: n1, draws: b + d).cdf(b)
        case .twoSided:
            p = Hypergeometric(population: n1 + n2, successes: n1, draws: n).twoSided(a)
        }
        return TestResult(statistic: oddsRatio, pValue: min(p, 1))
    }
}

/// The hypergeometric distribution evaluated through PMF ratios w(k) = pmf(k) / pmf(mode), which are
/// exact to rounding and never overflow; probabilities are ratios of sums of w.
struct Hypergeometric {
    let lower: Int
    let upper: Int
    let mode: Int
    let population: Int
    let successes: Int
    let draws: Int

    init(population: Int, successes: Int, draws: Int) {
        self.population = population
        self.successes = successes
        self.draws = draws
        lower = max(0, draws - (population - successes))
        upper = min(successes, draws)
        let m = Int((Double(draws + 1) * Double(successes + 1)) / Double(population + 2))
        mode = min(max(m, lower), upper)
    }

    /// pmf(k + 1) / pmf(k).
    @inline(__always) func ratioUp(_ k: Int) -> Double {
        Double(successes - k) * Double(draws - k)
            / (Double(k + 1) * Double(population - successes - draws + k + 1))
    }

    /// Calls `body(k, w(k))` for every k in the support, walking out from the mode.
    func forEachWeight(_ body: (Int, Double) -> Void) {
        body(mode, 1)
        var w = 1.0
        var k = mode
        while k < upper {
            w *= ratioUp(k)
            k += 1
            if w == 0 { break }
            body(k, w)
        }
        w = 1
        k = mode
        while k > lower {
            w /= ratioUp(k - 1)
            k -= 1
            if w == 0 { break }
            body(k, w)
        }
    }

    func weight(_ x: Int) -> Double {
        if x < lower || x > upper { return 0 }
        var w = 1.0
        if x >= mode {
            for k in mode..<x { w *= ratioUp(k) }
        } else {
            for k in x..<mode { w /= ratioUp(k) }
        }
        return w
    }

    /// P(X ≤ x).
    func cdf(_ x: Int) -> Double {
        if x < lower { return 0 }
        if x >= upper { return 1 }
        var below = 0.0, total = 0.0
        forEachWeight { k, w in
            total += w
            if k <= x { below += w }
        }
        return below / total
    }

    /// scipy's two-sided p-value: the observed tail plus the far tail of outcomes whose
    /// probability is below the observed one's (with scipy's 1 + 1e-14 tolerance); 1 when the
    /// observation is the mode.
    func twoSided(_ x: Int) -> Double {
        let wx = weight(x)
        if abs(wx - 1) / max(wx, 1) <= 1e-14 { return 1 }
        let gamma = 1 + 1e-14
        var tail = 0.0, total = 0.0
        forEachWeight { k, w in
            total += w
            if x < mode {
                if k <= x || (k > mode && w < wx * gamma) { tail += w }
            } else {
                if k >= x || (k < mode && w < wx * gamma) { tail += w }
            }
        }
        return tail / total
    }
}
