/// Compact binary form of a ``DDSketch``, so the store can keep one sketch per time bucket.
///
/// Layout (version 1, little-endian, varints are LEB128, keys zigzag-encoded):
///
///     0xDD 0x01                      magic, version
///     f64  relativeAccuracy
///     uvarint maxBucketCount, uvarint zeroCount
///     f64  sum, f64 min, f64 max
///     store positive, store negative
///
///     store := u8 flags (bit 0: collapsed), uvarint binCount,
///              [zigzag minKey, uvarint count × binCount]   when binCount > 0
///
/// A sketch of typical latencies (a few hundred occupied bins) takes well under a kilobyte.
extension DDSketch {
    static let magic: UInt8 = 0xDD
    static let formatVersion: UInt8 = 1
    /// Upper bound on `maxBucketCount` accepted from bytes, so a corrupt header cannot make
    /// the decoder allocate without limit.
    static let maxDecodableBuckets = 1 << 20

    /// The sketch as bytes; ``init(bytes:)`` restores an equal sketch.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + 2 * (positive.liveCounts.count + negative.liveCounts.count))
        out.append(Self.magic)
        out.append(Self.formatVersion)
        Self.appendDouble(relativeAccuracy, to: &out)
        Self.appendVarint(UInt64(maxBucketCount), to: &out)
        Self.appendVarint(zeroCount, to: &out)
        Self.appendDouble(sum, to: &out)
        Self.appendDouble(minimum, to: &out)
        Self.appendDouble(maximum, to: &out)
        for store in [positive, negative] {
            out.append(store.isCollapsed ? 1 : 0)
            let counts = store.liveCounts
            Self.appendVarint(UInt64(counts.count), to: &out)
            if !counts.isEmpty {
                let key = Int64(store.minKey)
                Self.appendVarint(UInt64(bitPattern: (key << 1) ^ (key >> 63)), to: &out)
                for c in counts {
                    Self.appendVarint(c, to: &out)
                }
            }
        }
        return out
    }

    /// Restores a sketch from ``serializedBytes()``, rejecting anything malformed.
    public init(bytes: some Collection<UInt8>) throws(StreamStateError) {
        var reader = ByteReader(bytes: Array(bytes))
        guard try reader.byte() == Self.magic, try reader.byte() == Self.formatVersion else {
            throw StreamStateError(.unsupportedFormat, "DDSketch bytes must start with 0xDD 0x01")
        }
        let accuracy = try reader.double()
        guard accuracy > 0, accuracy < 1 else {
            throw StreamStateError(.invalidValue, "DDSketch relative accuracy \(accuracy) at byte 2 is outside (0, 1)")
        }
        let buckets = try reader.varint()
        guard buckets >= 1, buckets <= UInt64(Self.maxDecodableBuckets) else {
            throw StreamStateError(.invalidValue, "DDSketch bin limit \(buckets) is outside 1...\(Self.maxDecodableBuckets)")
        }
        self.init(relativeAccuracy: accuracy, maxBucketCount: Int(buckets))
        zeroCount = try reader.varint()
        sum = try reader.double()
        minimum = try reader.double()
        maximum = try reader.double()
        positive = try Self.readStore(&reader, binLimit: maxBucketCount, sign: "positive")
        negative = try Self.readStore(&reader, binLimit: maxBucketCount, sign: "negative")
        guard reader.isAtEnd else {
            throw StreamStateError(.invalidValue, "DDSketch bytes continue past the end of the sketch at byte \(reader.offset)")
        }
        let (partial, overflow1) = positive.count.addingReportingOverflow(negative.count)
        let (_, overflow2) = partial.addingReportingOverflow(zeroCount)
        guard !overflow1, !overflow2 else {
            throw StreamStateError(.invalidValue, "DDSketch counts overflow a 64-bit total")
        }
        if count > 0 {
            guard !minimum.isNaN, !maximum.isNaN, minimum <= maximum else {
                throw StreamStateError(.invalidValue, "DDSketch min \(minimum) exceeds max \(maximum)")
            }
        } else {
            minimum = .infinity
            maximum = -.infinity
        }
    }

    private static func readStore(_ reader: inout ByteReader, binLimit: Int, sign: String) throws(StreamStateError) -> DDSketchStore {
        let flags = try reader.byte()
        guard flags <= 1 else {
            throw StreamStateError(.invalidValue, "DDSketch \(sign) store flags \(flags) at byte \(reader.offset - 1) are unknown")
        }
        let binCount = try reader.varint()
        guard binCount <= UInt64(binLimit) else {
            throw StreamStateError(.invalidValue, "DDSketch \(sign) store holds \(binCount) bins, more than its limit \(binLimit)")
        }
        guard binCount > 0 else {
            return DDSketchStore(binLimit: binLimit, minKey: 0, counts: [], isCollapsed: flags == 1)
        }
        let zigzag = try reader.varint()
        let minKey = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        guard abs(minKey) < 1 << 40 else {
            throw StreamStateError(.invalidValue, "DDSketch \(sign) store key \(minKey) is out of range")
        }
        var counts = [UInt64](repeating: 0, count: Int(binCount))
        var total: UInt64 = 0
        for i in 0..<counts.count {
            let c = try reader.varint()
            let (next, overflow) = total.addingReportingOverflow(c)
            guard !overflow else {
                throw StreamStateError(.invalidValue, "DDSketch \(sign) store counts overflow 64 bits")
            }
            total = next
            counts[i] = c
        }
        guard counts.first != 0, counts.last != 0 else {
            throw StreamStateError(.invalidValue, "DDSketch \(sign) store must start and end with occupied bins")
        }
        return DDSketchStore(binLimit: binLimit, minKey: Int(minKey), counts: counts, isCollapsed: flags == 1)
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            out.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }
}

/// Reads the primitives of the sketch format, failing with the offset where bytes ran out.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(StreamStateError) -> UInt8 {
        guard offset < bytes.count else {
            throw StreamStateError(.truncated, "DDSketch bytes end at byte \(offset), expected more")
        }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func double() throws(StreamStateError) -> Double {
        var bits: UInt64 = 0
        for i in 0..<8 {
            bits |= UInt64(try byte()) << (8 * UInt64(i))
        }
        return Double(bitPattern: bits)
    }

    mutating func varint() throws(StreamStateError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64, shift < 63 || b <= 1 else {
                throw StreamStateError(.invalidValue, "DDSketch varint ending at byte \(offset - 1) overflows 64 bits")
            }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 {
                return result
            }
            shift += 7
        }
    }
}
