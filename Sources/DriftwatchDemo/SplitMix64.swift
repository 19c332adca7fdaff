/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator with 64 bits of state.
///
/// The demo derives one independent stream per record and stage from `(seed, index, stage)`, so a record's
/// content never depends on how many numbers earlier records drew. That keeps output identical for a seed on
/// every run and makes records before an injected incident byte-identical to a run without it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A stream keyed by several values; each is mixed in through the finaliser so nearby keys diverge.
    public init(keys a: UInt64, _ b: UInt64, _ c: UInt64 = 0) {
        state = SplitMix64.mix(a &+ SplitMix64.mix(b &+ SplitMix64.mix(c &+ 0x5851_F42D_4C95_7F2D)))
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function, also a good 64-bit hash.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
