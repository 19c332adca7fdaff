#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sampling helpers with a fixed number of draws each, so streams stay aligned across runs and platforms.
extension RandomNumberGenerator {
    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    @inline(__always)
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Uniform integer in `0..<n` (multiply-shift; the bias is far below anything a test could see).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: (next() >> 32) &* UInt64(n) >> 32)
    }

    /// Standard normal by inversion (one draw), through Acklam's rational approximation (relative error
    /// below 1.2e-9): no transcendental call in the central 95%, unlike Box–Muller's log and cosine.
    @inline(__always)
    mutating func normal() -> Double {
        inverseNormal(unit())
    }

    /// Log-normal with the given median and log-space standard deviation.
    @inline(__always)
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// Exponential with the given rate.
    @inline(__always)
    mutating func exponential(rate: Double) -> Double {
        -log(1.0 - unit()) / rate
    }
}

/// Rounds to a fixed number of decimals so logged numbers look like what services log.
@inline(__always)
func quantize(_ x: Double, _ scale: Double) -> Double {
    // Half-up through integer conversion: `rounded()` is a libm call on baseline x86-64. Inputs are small.
    let scaled = x * scale
    return Double(Int64(scaled < 0 ? scaled - 0.5 : scaled + 0.5)) / scale
}

/// Acklam's approximation of the standard normal quantile function for p in [0, 1).
@inline(__always)
func inverseNormal(_ u: Double) -> Double {
    let p = max(u, 1e-300)
    let low = 0.02425
    if p < low {
        let q = sqrt(-2 * log(p))
        return (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
            - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
            + 3.754408661907416e+00) * q + 1)
    }
    if p > 1 - low {
        let q = sqrt(-2 * log(1 - p))
        return -(((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
            - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
            + 3.754408661907416e+00) * q + 1)
    }
    let q = p - 0.5
    let r = q * q
    return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
        + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
        / (((((-5.447609879822406e+01 * r + 1.615962484803955e+02) * r - 1.556989798598866e+02) * r
        + 6.680131301724120e+01) * r - 1.328068155833803e+01) * r + 1)
}
