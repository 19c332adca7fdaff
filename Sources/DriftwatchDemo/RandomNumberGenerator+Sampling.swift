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

    /// Standard normal by Box–Muller (two draws, one value).
    @inline(__always)
    mutating func normal() -> Double {
        let u1 = 1.0 - unit()
        let u2 = unit()
        return sqrt(-2.0 * log(u1)) * cos(2.0 * Double.pi * u2)
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
