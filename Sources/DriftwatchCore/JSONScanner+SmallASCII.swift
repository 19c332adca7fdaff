/// Builds short ASCII strings straight from their bytes as the standard library's small-string
/// representation, skipping `String`'s generic initializers (the decoder's largest single cost).
///
/// A small string on a 64-bit platform is two words: the first 8 UTF-8 bytes, then bytes 8...14 with
/// a discriminator in the top byte (`0xE0 | count` for ASCII). That layout is part of the Swift ABI,
/// but the decoder does not take it on trust: ``layoutMatches`` checks it once against strings the
/// standard library built, and when it does not hold the scanner uses the ordinary initializer.
enum SmallASCII {
    static let layoutMatches: Bool = {
        guard MemoryLayout<String>.size == 16, MemoryLayout<(UInt64, UInt64)>.size == 16 else { return false }
        let samples: [[UInt8]] = [[], Array("a".utf8), Array("abcdefgh".utf8), Array("claims-2024-11".utf8),
                                  Array("0123456789abcde".utf8)]
        for bytes in samples {
            var lo: UInt64 = 0, hi: UInt64 = 0
            for (i, b) in bytes.enumerated() {
                if i < 8 { lo |= UInt64(b) << (8 * UInt64(i)) } else { hi |= UInt64(b) << (8 * UInt64(i - 8)) }
            }
            let expected = String(decoding: bytes, as: UTF8.self)
            let bits = unsafeBitCast(expected, to: (UInt64, UInt64).self)
            guard bits.0 == lo, bits.1 == hi | (0xE0 | UInt64(bytes.count)) << 56 else { return false }
            let built = unsafeBitCast((lo, hi | (0xE0 | UInt64(bytes.count)) << 56), to: String.self)
            guard built == expected, built.utf8.count == bytes.count, Array(built.utf8) == bytes else { return false }
        }
        return true
    }()

    /// The string of the first `count` (≤ 15) bytes of `lo` then `hi` (little-endian), or nil when
    /// one of them is not ASCII. Only valid when ``layoutMatches``.
    @inline(__always)
    static func make(_ lo: UInt64, _ hi: UInt64, count n: Int) -> String? {
        let (l, h) = masked(lo, hi, count: n)
        guard (l | h) & 0x8080_8080_8080_8080 == 0 else { return nil }
        return unsafeBitCast((l, h | (0xE0 | UInt64(n)) << 56), to: String.self)
    }

    /// ``make(_:_:count:)`` for bytes the caller has already seen to be ASCII.
    @inline(__always)
    static func make(ascii lo: UInt64, _ hi: UInt64, count n: Int) -> String {
        let (l, h) = masked(lo, hi, count: n)
        return unsafeBitCast((l, h | (0xE0 | UInt64(n)) << 56), to: String.self)
    }

    /// The first `n` (≤ 15) bytes of `lo` then `hi`, the rest zeroed.
    @inline(__always)
    static func masked(_ lo: UInt64, _ hi: UInt64, count n: Int) -> (UInt64, UInt64) {
        let loBits = min(n, 8) &* 8
        let hiBits = max(n &- 8, 0) &* 8
        let loMask: UInt64 = loBits == 64 ? ~0 : (1 << UInt64(loBits)) &- 1
        let hiMask: UInt64 = (1 << UInt64(hiBits)) &- 1
        return (lo & loMask, hi & hiMask)
    }
}
