// The C math library, imported once so the statistics stay free of Foundation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers so the rest of the module does not repeat the platform import dance.
@inline(__always) func cErfc(_ x: Double) -> Double { erfc(x) }
@inline(__always) func cErf(_ x: Double) -> Double { erf(x) }
@inline(__always) func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) func cLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) func cLog2(_ x: Double) -> Double { log2(x) }
@inline(__always) func cExp(_ x: Double) -> Double { exp(x) }
@inline(__always) func cExpm1(_ x: Double) -> Double { expm1(x) }
@inline(__always) func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func cLdexp(_ x: Double, _ e: Int) -> Double { scalbn(x, Int32(e)) }
