/// An always-valid one-sided test that a failure rate exceeds a reference rate `p0`: the mixture sequential
/// probability ratio (Robbins' mixture martingale) with a uniform prior on the alternatives `p ∈ (p0, 1)`.
///
/// After `x` failures in `n` trials the e-value is
///
///     Λ(x, n) = ∫_{p0}^{1} pˣ (1−p)ⁿ⁻ˣ dp / (1 − p0)  ÷  p0ˣ (1−p0)ⁿ⁻ˣ
///             = B(x+1, n−x+1) · (1 − I_{p0}(x+1, n−x+1)) / (1 − p0) / (p0ˣ (1−p0)ⁿ⁻ˣ),
///
/// a nonnegative martingale under `p = p0` and a supermartingale under any `p ≤ p0` (each alternative's
/// likelihood ratio is), so by Ville's inequality `P(sup_n Λ ≥ 1/α) ≤ α` however often it is looked at.
/// That is what lets the analyzer accumulate a cohort's evidence from its first request and re-test it every
/// evaluation without inflating the false-alarm rate (Johari et al., "Always valid inference", 2017/2022;
/// Ramdas et al., "Game-theoretic statistics and safe anytime-valid inference", 2023).
public enum BinomialMixtureSPRT {
    /// ln Λ for `failures` of `trials` against the null failure rate `p0` (0 < p0 < 1); 0 without trials.
    public static func logEValue(failures: Int64, trials: Int64, p0: Double) -> Double {
        guard trials > 0, p0 > 0, p0 < 1 else { return 0 }
        let x = Double(failures), n = Double(trials)
        let a = x + 1, b = n - x + 1
        let logBeta = SpecialFunctions.logGamma(a) + SpecialFunctions.logGamma(b) - SpecialFunctions.logGamma(a + b)
        // ∫_{p0}^1 of the Beta(a, b) density: the upper tail, computed directly when it is small.
        let upper = SpecialFunctions.regularizedBetaUpper(p0, a, b)
        guard upper > 0 else { return -.infinity }
        let logNumerator = logBeta + cLog(upper) - cLog(1 - p0)
        let logNull = x * cLog(p0) + (n - x) * cLog1p(-p0)
        return logNumerator - logNull
    }

    /// The always-valid p-value `min(1, 1/Λ)`.
    public static func pValue(failures: Int64, trials: Int64, p0: Double) -> Double {
        let l = logEValue(failures: failures, trials: trials, p0: p0)
        return l <= 0 ? 1 : cExp(-l)
    }
}

extension SpecialFunctions {
    /// ln B(a, b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularized incomplete beta function I_x(a, b) (scipy `betainc`), by Lentz's continued fraction
    /// on whichever side converges (Numerical Recipes §6.4); accurate to ~1e-13 relative.
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x < (a + 1) / (a + b + 2) {
            return betaPrefactor(x, a, b) * betaContinuedFraction(x, a, b) / a
        }
        return 1 - betaPrefactor(1 - x, b, a) * betaContinuedFraction(1 - x, b, a) / b
    }

    /// 1 − I_x(a, b), computed without cancellation when it is small.
    public static func regularizedBetaUpper(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        if x < (a + 1) / (a + b + 2) {
            return 1 - betaPrefactor(x, a, b) * betaContinuedFraction(x, a, b) / a
        }
        return betaPrefactor(1 - x, b, a) * betaContinuedFraction(1 - x, b, a) / b
    }

    /// xᵃ (1−x)ᵇ / B(a, b).
    static func betaPrefactor(_ x: Double, _ a: Double, _ b: Double) -> Double {
        cExp(a * cLog(x) + b * cLog1p(-x) - logBeta(a, b))
    }

    static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-15
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
