/// Survival functions of the Kolmogorov–Smirnov statistics, ported from scipy (`scipy.stats.kstwo`
/// after Simard & L'Ecuyer 2011, and `scipy.special.smirnov`) so the asymptotic two-sample p-value
/// agrees with `ks_2samp`.
enum KolmogorovDistribution {
    static let e128 = 128
    static let ep128 = 340282366920938463463374607431768211456.0  // 2^128
    static let em128 = 1 / ep128

    /// P(D_n ≥ x) for the two-sided one-sample statistic (scipy `kstwo.sf(x, n)`), choosing among
    /// exact formulas, the Durbin matrix, Pomeranz's recursion, Pelz–Good and 2·smirnov as scipy does.
    static func twoSidedSF(n: Int, x: Double) -> Double {
        precondition(n >= 1)
        if x.isNaN { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let prob: Double
            if n <= 140 {
                var p = 1.0
                for i in 1...n { p *= Double(i) * (1 / nd) * (2 * t - 1) }
                prob = p
            } else {
                prob = cExp(logFactorialOverPower(nd) + nd * cLog(2 * t - 1))
            }
            return clip(1 - prob)
        }
        if t >= nd - 1 {
            return clip(2 * cPow(1 - x, nd))
        }
        if x >= 0.5 {
            return clip(2 * smirnovSF(n: n, x: x))
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 { return clip(1 - durbinCDF(n: n, d: x)) }
            if nxSquared <= 4 { return clip(1 - pomeranzCDF(n: n, x: x)) }
            return clip(2 * smirnovSF(n: n, x: x))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clip(2 * smirnovSF(n: n, x: x)) }
        let cdf: Double
        if nxSquared >= 18 {
            cdf = 1
        } else if n <= 100_000 && nd * cPow(x, 1.5) <= 1.4 {
            cdf = durbinCDF(n: n, d: x)
        } else {
            cdf = pelzGoodCDF(n: n, x: x)
        }
        return clip(1 - cdf)
    }

    @inline(__always) static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    /// ln(n! / n^n) by Stirling's series with n ln n removed up front.
    static func logFactorialOverPower(_ n: Double) -> Double {
        let coefficients = [-2.955065359477124183e-2, 6.4102564102564102564e-3,
                            -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                            -5.952380952380952381e-4, 7.9365079365079365079e-4,
                            -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let rn = 1 / n
        var poly = 0.0
        for c in coefficients { poly = poly * (rn / n) + c }
        return cLog(n) / 2 - n + SpecialFunctions.log2Pi / 2 + rn * poly
    }

    /// P(D_n⁺ ≥ x), the one-sided statistic (scipy `smirnov(n, x)`), by the Birnbaum–Tingey sum of
    /// positive terms evaluated in logarithms.
    static func smirnovSF(n: Int, x: Double) -> Double {
        if n == 1 { return 1 - x }
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let nd = Double(n)
        let nx = nd * x
        var nxFloor = Int(nx.rounded(.down))
        var alpha = nx - Double(nxFloor)
        if alpha >= 1 { nxFloor += 1; alpha = 0 }
        if nxFloor == 0 || (nxFloor == 1 && alpha == 0) {
            return 1 - x * cPow(1 + x, nd - 1)
        }
        if -2 * nd * x * x < -708.3964185322641 { return 0 }
        if nxFloor >= n - 1 { return cPow(1 - x, nd) }
        if n > 1_000_000 {
            let logp = -cPow(6 * nx + 1, 2) / 18 / nd
            return logp < -0.6931471805599453 ? cExp(logp) : 1 + cExpm1(logp)
        }
        // Terms v = 0 ..< n(1 − x) strictly.
        var lastV = n - nxFloor - (alpha == 0 ? 0 : 1)
        if alpha == 0 { lastV -= 1 }
        var logC = 0.0
        var sum = 0.0
        var previous = 0.0
        for v in 0...max(lastV, 0) {
            let vd = Double(v)
            let low = ((nd - vd) - nx) / nd  // 1 − x − v/n
            let high = (vd + nx) / nd        // x + v/n
            let logTerm = logC + (nd - vd) * cLog(low) + (vd - 1) * cLog(high)
            let term = cExp(logTerm)
            sum += term
            if v > 0 && term < previous && term < 1e-17 * sum { break }
            previous = term
            logC += cLog(nd - vd) - cLog(vd + 1)
        }
        return clip(x * sum)
    }

    /// P(D_n ≤ d) by the Durbin matrix algorithm as Marsaglia, Tsang and Wang evaluate it.
    static func durbinCDF(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var H = [Double](repeating: 0, count: m * m)
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] = (1 - cPow(h, Double(j))) * fac
        }
        let tt = cPow(max(2 * h - 1, 0), Double(m)) - 2 * cPow(h, Double(m))
        v[m - 1] = (1 + tt) * fac
        for i in 1..<max(m, 1) {
            for r in (i - 1)..<m { H[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { H[r * m] = v[r] }
        for c in 0..<m { H[(m - 1) * m + c] = v[m - 1 - c] }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var scratch = [Double](repeating: 0, count: m * m)
        var nn = n
        var exponent = 0
        var hExponent = 0
        while nn > 0 {
            if nn % 2 == 1 {
                multiply(power, H, into: &scratch, m)
                swap(&power, &scratch)
                exponent += hExponent
            }
            multiply(H, H, into: &scratch, m)
            swap(&H, &scratch)
            hExponent *= 2
            if abs(H[(k - 1) * m + (k - 1)]) > ep128 {
                for i in 0..<(m * m) { H[i] /= ep128 }
                hExponent += e128
            }
            nn /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < em128 {
                p *= ep128
                exponent -= e128
            }
        }
        if exponent != 0 { p = cLdexp(p, exponent) }
        return clip(p)
    }

    static func multiply(_ a: [Double], _ b: [Double], into c: inout [Double], _ m: Int) {
        for i in 0..<m {
            for j in 0..<m {
                var s = 0.0
                for l in 0..<m { s += a[i * m + l] * b[l * m + j] }
                c[i * m + j] = s
            }
        }
    }

    /// P(D_n ≤ x) by Pomeranz's recursion.
    static func pomeranzCDF(n: Int, x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let npwrs = 2 * (ll + 1)
        var gpower = [Double](repeating: 1, count: npwrs)
        var twogpower = [Double](repeating: 1, count: npwrs)
        var onem2gpower = [Double](repeating: 1, count: npwrs)
        let nd = Double(n)
        let gOverN = g / nd, twoGOverN = 2 * g / nd, oneMinusTwoGOverN = (1 - 2 * g) / nd
        for m in 1..<npwrs {
            gpower[m] = gpower[m - 1] * gOverN / Double(m)
            twogpower[m] = twogpower[m - 1] * twoGOverN / Double(m)
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / Double(m)
        }
        var v0 = [Double](repeating: 0, count: npwrs)
        var v1 = [Double](repeating: 0, count: npwrs)
        v1[0] = 1
        var v0s = 0, v1s = 0
        var expnt = 0
        var (j1, _) = pomeranzBounds(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for idx in 0..<npwrs { v1[idx] = 0 }
            let bounds = pomeranzBounds(i, n, ll, ceilf, roundf)
            j1 = bounds.0
            let j2 = bounds.1
            let pwrs: [Double]
            if i == 1 || i == 2 * n + 1 {
                pwrs = gpower
            } else {
                pwrs = i % 2 == 1 ? twogpower : onem2gpower
            }
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                // conv = convolve(V0[k1 - v0s ..< k1 - v0s + ln2], pwrs[..<ln2]); take conv[j1 - k1 ..< j1 - k1 + len]
                let base = k1 - v0s
                let convStart = j1 - k1
                let convLen = j2 - j1 + 1
                // numpy slicing truncates at the array's end; mirror it.
                let lenA = min(ln2, npwrs - base)
                let lenB = min(ln2, npwrs)
                var maxValue = 0.0
                for out in 0..<max(convLen, 0) {
                    let idx = convStart + out
                    var s = 0.0
                    var a = max(0, idx - (lenB - 1))
                    while a <= min(idx, lenA - 1) {
                        s += v0[base + a] * pwrs[idx - a]
                        a += 1
                    }
                    v1[out] = s
                    maxValue = max(maxValue, s)
                }
                if maxValue > 0 && maxValue < em128 {
                    for idx in 0..<npwrs { v1[idx] *= ep128 }
                    expnt -= e128
                }
                v1s = v0s + j1 - k1
            }
        }
        var ans = v1[n - v1s]
        for m in 1...n {
            if abs(ans) > ep128 {
                ans *= em128
                expnt += e128
            }
            ans *= Double(m)
        }
        if expnt != 0 { ans = cLdexp(ans, expnt) }
        return clip(ans)
    }

    static func pomeranzBounds(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int, j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1
            j2 = ll + ceilf - 1
        } else {
            let ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2
            if ip1mod2 == 0 {
                if ip1div2 == n + 1 {
                    j1 = n - ll - ceilf - 1
                    j2 = n + ll + ceilf - 1
                } else {
                    j1 = ip1div2 - 1 - ll - roundf - 1
                    j2 = ip1div2 + ll - 1 + ceilf - 1
                }
            } else {
                j1 = ip1div2 - 1 - ll - 1
                j2 = ip1div2 + ll + roundf - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// Pelz–Good asymptotic approximation of P(D_n ≤ x) for large n.
    static func pelzGoodCDF(n: Int, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi = Double.pi
        let piSquared = pi * pi, piFour = piSquared * piSquared, piSix = piFour * piSquared
        let z = Double(n).squareRoot() * x
        let zsquared = z * z, zthree = zsquared * z, zfour = zsquared * zsquared, zsix = zfour * zsquared
        let qlog = -piSquared / 8 / zsquared
        if qlog < -708 { return 0 }
        var q = cExp(qlog)
        let k1a = -zsquared
        let k1b = piSquared / 4
        let k2a = 6 * zsix + 2 * zfour
        let k2b = (2 * zfour - 5 * zsquared) * piSquared / 4
        let k2c = piFour * (1 - 2 * zsquared) / 16
        let k3d = piSix * (5 - 30 * zsquared) / 64
        let k3c = piFour * (-60 * zsquared + 212 * zfour) / 16
        let k3b = piSquared * (135 * zfour - 96 * zsix) / 4
        let k3a = -30 * zsix - 90 * cPow(z, 8)
        var k0 = 0.0, k1 = 0.0, k2 = 0.0, k3 = 0.0
        let maxk = Int((16 * z / pi).rounded(.up))
        var k = maxk
        while k >= 1 {
            let m = Double(2 * k - 1)
            let msquared = m * m, mfour = msquared * msquared, msix = mfour * msquared
            let qpower = cPow(q, Double(8 * k))
            k0 = k0 * qpower + 1
            k1 = k1 * qpower + (k1a + k1b * msquared)
            k2 = k2 * qpower + (k2a + k2b * msquared + k2c * mfour)
            k3 = k3 * qpower + (k3a + k3b * msquared + k3c * mfour + k3d * msix)
            k -= 1
        }
        let scale = q * SpecialFunctions.sqrt2Pi
        k0 *= scale; k1 *= scale; k2 *= scale; k3 *= scale
        k0 /= z
        k1 /= 6 * zfour
        k2 /= 72 * cPow(z, 7)
        k3 /= 6480 * cPow(z, 10)
        q = cExp(-piSquared / 2 / zsquared)
        let sqrt3z = 3.0.squareRoot() * z
        var k2extra = 0.0, k3extra = 0.0
        k = maxk
        while k >= 1 {
            let kd = Double(k)
            let ksquared = kd * kd
            let qpower = cPow(q, ksquared)
            let kspi = pi * kd
            k2extra += ksquared * qpower
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpower
            k -= 1
        }
        k2 += k2extra * piSquared * SpecialFunctions.sqrt2Pi / (-36 * zthree)
        k3 += k3extra * piSquared * SpecialFunctions.sqrt2Pi / (216 * zsix)
        let nd = Double(n)
        k1 /= nd.squareRoot()
        k2 /= nd
        k3 /= cPow(nd, 1.5)
        return k0 + k1 + k2 + k3
    }
}
