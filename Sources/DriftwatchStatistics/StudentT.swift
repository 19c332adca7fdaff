/// Student's t distribution, for prediction intervals from a handful of reference buckets.
public enum StudentT {
    /// Upper tail P(T > t) with `df` degrees of freedom (scipy's `t.sf`), from the regularized
    /// incomplete beta function: P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2).
    public static func sf(_ t: Double, degreesOfFreedom df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t.isInfinite { return t > 0 ? 0 : 1 }
        let tail = 0.5 * regularizedIncompleteBeta(a: df / 2, b: 0.5, x: df / (df + t * t))
        return t > 0 ? tail : 1 - tail
    }

    /// I_x(a, b) by the continued fraction (modified Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a)
    /// where the fraction converges slowly.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = SpecialFunctions.logGamma(a + b) - SpecialFunctions.logGamma(a) - SpecialFunctions.logGamma(b)
            + a * cLog(x) + b * cLog1p(-x)
        if x > (a + 1) / (a + b + 2) {
            return 1 - regularizedIncompleteBeta(a: b, b: a, x: 1 - x)
        }
        return cExp(logFront) * continuedFraction(a: a, b: b, x: x) / a
    }

    private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m)
            let aa1 = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + aa1 * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa1 / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let aa2 = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + aa2 * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa2 / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
