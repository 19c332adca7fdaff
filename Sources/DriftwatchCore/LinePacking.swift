/// How the store packs the lines it keeps: each `"key":` of a format v1 field name is replaced by a code
/// of one or two bytes below 0x20, and unpacking puts the exact bytes back.
///
/// Why: keys are about half of a typical line's bytes (620 of 1,223 in the demo workload), and every
/// stored byte is written twice (WAL, then checkpoint) and checksummed; SQLite's cost per record falls
/// from 2.85 to 2.14 µs (wall) when lines shrink to the 59% packing leaves (`Benchmarks/store_layout.sh`).
/// A general compressor costs more than it saves on one core (LZ4 ~1.4 µs a record). The scanner packs
/// as it reads the line (see ``RecordColumnScanner``), so packing costs one copy of the line.
///
/// Why it is exact: the codes are control bytes other than tab, newline and carriage return, which valid
/// JSON never holds raw (not in strings, not as whitespace). Only lines the ingest fast path accepted are
/// packed (its strings are printable ASCII), and a block marks which of its lines are packed, so a line
/// kept as it came (the decoder's path) is never unpacked.
///
/// The table is part of the stored format (record block columns format 2): codes are never reassigned.
public enum LinePacking {
    /// Field names of format v1 by code, most frequent first (the first 27 get one byte, the rest two):
    /// derived from the `packing` column of ``RecordFormat/fields``, where a new field takes the next code.
    static let keys: [String] = RecordFormat.packingKeys

    /// The single-byte codes: 0x01–0x1E without tab, newline and carriage return.
    static let singleByteCodes: [UInt8] = Array(0x01...0x08) + [0x0B, 0x0C] + Array(0x0E...0x1E)
    /// Starts a two-byte code; the byte after it is an index into ``keys``.
    static let escape: UInt8 = 0x1F

    /// `"key":` for each key.
    static let expansions: [[UInt8]] = keys.map { [UInt8(ascii: "\"")] + Array($0.utf8) + [UInt8(ascii: "\""), UInt8(ascii: ":")] }

    /// For each byte value below 0x20, the key it stands for (-1: not a single-byte code).
    static let singleByteKey: [Int] = {
        var table = [Int](repeating: -1, count: 32)
        for (i, code) in singleByteCodes.enumerated() { table[Int(code)] = i }
        return table
    }()

    /// The code for `key` as one little-endian value: the first byte, then the second (0 for a one-byte code).
    package static func code(for key: String) -> UInt16? {
        guard let i = keys.firstIndex(of: key) else { return nil }
        if i < singleByteCodes.count { return UInt16(singleByteCodes[i]) }
        return UInt16(escape) | UInt16(i) << 8
    }

    /// Whether `line` holds a byte that ``unpack(_:)`` would read as a code (never true for valid JSON).
    package static func holdsCodeBytes(_ line: UnsafeRawBufferPointer) -> Bool {
        line.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    /// The line `packed` stands for.
    public static func unpack(_ packed: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(packed.count * 2 + 64)
        var i = 0, runStart = 0
        let n = packed.count
        while i < n {
            let b = packed[i]
            guard b < 0x20, b != 0x09, b != 0x0A, b != 0x0D else { i += 1; continue }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: packed[runStart..<i]))
            if b == escape {
                // A truncated or unknown code cannot come from the packer; keep the bytes rather than trap.
                if i + 1 < n, Int(packed[i + 1]) < expansions.count {
                    out.append(contentsOf: expansions[Int(packed[i + 1])])
                    i += 2
                } else {
                    out.append(b)
                    i += 1
                }
            } else {
                let key = singleByteKey[Int(b)]
                if key >= 0 { out.append(contentsOf: expansions[key]) } else { out.append(b) }
                i += 1
            }
            runStart = i
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: packed[runStart..<n]))
        return out
    }

    /// How far past the packed line the scanner may write (see ``RecordColumnScanner``): its output
    /// needs room for `line.count + overwrite` bytes.
    package static let overwrite = 16

    /// Copies `n` bytes (~12 between keys) 16 at a time, writing up to 15 past `n` (see ``overwrite``) but
    /// reading only the `readable` bytes there are.
    @inline(__always) static func copy(_ to: UnsafeMutableRawPointer, _ from: UnsafeRawPointer, _ n: Int, readable: Int) {
        var i = 0
        while i < n, readable - i >= 16 {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self), toByteOffset: i + 8, as: UInt64.self)
            i += 16
        }
        while i < n {
            to.storeBytes(of: from.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }
}
