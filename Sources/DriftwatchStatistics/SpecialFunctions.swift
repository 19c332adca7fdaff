/// Special functions the statistical tests are built on, written out here so the module needs no
/// Foundation and every p-value traces back to code we can read.
///
/// Accuracy goal: about 1e-14 relative in the ranges the tests use (checked against scipy in the
/// test fixtures). Absolute accuracy only where the true value is near zero (for example
/// `logGamma` near 1 and 2).
public enum SpecialFunctions {
    static let sqrt2 = 1.4142135623730950488
    static let sqrt1_2 = 0.70710678118654752440
    static let logSqrt2Pi = 0.91893853320467274178
    static let log2Pi = 1.8378770664093454836
    static let sqrt2Pi = 2.5066282746310005024

    // MARK: Normal distribution

    /// Standard normal CDF Φ(x), computed as cephes `ndtr` does so results agree with scipy's `norm.cdf`.
    public static func normalCDF(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let t = x * sqrt1_2
        let z = abs(t)
        if z < sqrt1_2 { return 0.5 + 0.5 * cErf(t) }
        let y = 0.5 * cErfc(z)
        return t > 0 ? 1 - y : y
    }

    /// Standard normal survival 1 − Φ(x), accurate in the upper tail (no cancellation).
    public static func normalSF(_ x: Double) -> Double {
        normalCDF(-x)
    }

    /// Inverse of the standard normal CDF (scipy `norm.ppf`): Acklam's rational start refined by two
    /// Halley steps against `erfc`, which brings it to full double precision.
    public static func normalQuantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        // Work in the lower half so Φ(x) is never computed with cancellation.
        if p > 0.5 { return -normalQuantile(1 - p) }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * cLog(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        }
        for _ in 0..<2 {
            let e = 0.5 * cErfc(-x * sqrt1_2) - p
            let u = e * sqrt2Pi * cExp(x * x / 2)
            x -= u / (1 + x * u / 2)
        }
        return x
    }

    // MARK: Gamma family

    /// ln Γ(x) for x > 0. Stirling's series for x ≥ 15, the recurrence Γ(x+1) = xΓ(x) below that.
    public static func logGamma(_ x: Double) -> Double {
        if x.isNaN || x <= 0 { return .nan }
        if x.isInfinite { return .infinity }
        if x == x.rounded(), x <= 257 { return logFactorial(Int(x) - 1) }
        if x >= 15 {
            return (x - 0.5) * cLog(x) - x + logSqrt2Pi + stirlingCorrection(x)
        }
        var shifted = x
        var product = 1.0
        while shifted < 15 {
            product *= shifted
            shifted += 1
        }
        return (shifted - 0.5) * cLog(shifted) - shifted + logSqrt2Pi + stirlingCorrection(shifted) - cLog(product)
    }

    /// ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], the tail of Stirling's series; valid for x ≥ 10.
    static func stirlingCorrection(_ x: Double) -> Double {
        let r = 1 / x
        let r2 = r * r
        // Bernoulli terms B_2k / (2k (2k − 1)), k = 1...8.
        var s = -3617.0 / 122400.0
        s = s * r2 + 1.0 / 156.0
        s = s * r2 - 691.0 / 360360.0
        s = s * r2 + 1.0 / 1188.0
        s = s * r2 - 1.0 / 1680.0
        s = s * r2 + 1.0 / 1260.0
        s = s * r2 - 1.0 / 360.0
        s = s * r2 + 1.0 / 12.0
        return s * r
    }

    /// Table of ln n! for small n, summed from exact logarithms (error below 1e-15 relative).
    static let logFactorialTable: [Double] = {
        var table = [Double](repeating: 0, count: 257)
        var sum = 0.0
        for n in 2..<257 {
            sum += cLog(Double(n))
            table[n] = sum
        }
        return table
    }()

    /// ln n! (exact table to 256, Stirling beyond).
    public static func logFactorial(_ n: Int) -> Double {
        precondition(n >= 0, "logFactorial of a negative number")
        if n < logFactorialTable.count { return logFactorialTable[n] }
        let x = Double(n) + 1
        return (x - 0.5) * cLog(x) - x + logSqrt2Pi + stirlingCorrection(x)
    }

    /// ln C(n, k).
    public static func logBinomial(_ n: Int, _ k: Int) -> Double {
        precondition(k >= 0 && k <= n, "logBinomial needs 0 <= k <= n")
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k)
    }

    /// Hypergeometric PMF: the probability of `k` successes in `draws` draws without replacement
    /// from a `population` holding `successes` successes (scipy `hypergeom.pmf(k, M, n, N)`).
    /// Summed from PMF ratios while the support is below a million values (accurate to rounding),
    /// from log-factorials beyond (about 1e-10 relative).
    public static func hypergeometricPMF(_ k: Int, population: Int, successes: Int, draws: Int) -> Double {
        let lower = max(0, draws - (population - successes))
        let upper = min(successes, draws)
        if k < lower || k > upper { return 0 }
        if upper - lower < 1_000_000 {
            let distribution = Hypergeometric(population: population, successes: successes, draws: draws)
            var total = 0.0
            distribution.forEachWeight { _, w in total += w }
            return distribution.weight(k) / total
        }
        return cExp(logBinomial(successes, k) + logBinomial(population - successes, draws - k)
            - logBinomial(population, draws))
    }

    /// ln(1 + t) − t without cancellation for small t.
    static func log1pmx(_ t: Double) -> Double {
        if abs(t) > 0.1 { return cLog1p(t) - t }
        // −t²/2 + t³/3 − t⁴/4 + …
        var term = -t * t
        var sum = 0.0
        var k = 2.0
        while k < 60 {
            let contribution = term / k
            sum += contribution
            if abs(contribution) <= 1e-17 * abs(sum) { break }
            term *= -t
            k += 1
        }
        return sum
    }

    /// x^a e^(−x) / Γ(a), the common factor of both incomplete gamma expansions, computed through
    /// Stirling's form for large a so the exponent does not lose digits to cancellation.
    static func gammaPrefactor(_ a: Double, _ x: Double) -> Double {
        if a < 10 {
            return cExp(a * cLog(x) - x - logGamma(a))
        }
        let t = (x - a) / a
        return cExp(a * log1pmx(t) + 0.5 * cLog(a / (2 * Double.pi)) - stirlingCorrection(a))
    }

    /// Regularized lower incomplete gamma P(a, x).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || a <= 0 || x < 0 { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 { return gammaSeries(a, x) }
        return 1 - gammaContinuedFraction(a, x)
    }

    /// Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || a <= 0 || x < 0 { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    /// P(a, x) by its power series; converges quickly for x < a + 1.
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a
        var term = 1 / a
        var sum = term
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return min(1, sum * gammaPrefactor(a, x))
    }

    /// Q(a, x) by Legendre's continued fraction (modified Lentz); converges quickly for x ≥ a + 1.
    static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return min(1, gammaPrefactor(a, x) * h)
    }

    /// Survival function of the chi-squared distribution (scipy `chi2.sf`), the p-value of a
    /// chi-squared statistic. NaN for zero degrees of freedom, as scipy returns.
    public static func chiSquaredSF(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x.isNaN || df.isNaN || df <= 0 { return .nan }
        if x <= 0 { return 1 }
        return regularizedGammaQ(df / 2, x / 2)
    }
}
