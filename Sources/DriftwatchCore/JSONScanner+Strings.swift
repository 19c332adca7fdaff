/// Where a validated JSON string's content lies in the line: `start..<end` excludes the quotes.
struct StringSpan {
    var start: Int
    var end: Int
    var hasEscapes: Bool
}

extension JSONScanner {
    /// Validates the string starting at `pos` (which must be its opening quote) and steps past it:
    /// escapes, UTF-8 (no overlongs, surrogates or code points past U+10FFFF) and no raw control characters.
    @inline(__always)
    mutating func scanString(at path: FieldPath) throws(RecordDecodingError) -> StringSpan {
        pos += 1
        let start = pos
        var escaped = false
        while true {
            // Eight bytes at a time: skip plain ASCII and land on the first byte that needs a look.
            while pos + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
                let flags = Self.attentionFlags(word)
                if flags == 0 {
                    pos += 8
                } else {
                    pos += flags.trailingZeroBitCount >> 3
                    break
                }
            }
            guard pos < count else { throw unterminatedString(start - 1, path) }
            let b = base[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return StringSpan(start: start, end: pos - 1, hasEscapes: escaped)
            } else if b == UInt8(ascii: "\\") {
                escaped = true
                try skipEscape(at: path)
            } else if b < 0x20 {
                throw controlCharacter(path)
            } else if b < 0x80 {
                pos += 1
            } else {
                try skipUTF8Sequence(at: path)
            }
        }
    }

    @inline(never)
    private func unterminatedString(_ start: Int, _ path: FieldPath) -> RecordDecodingError {
        error(DecodingErrorCode.invalidJSON, path, "unterminated string starting at byte \(start)")
    }

    @inline(never)
    private func controlCharacter(_ path: FieldPath) -> RecordDecodingError {
        error(DecodingErrorCode.invalidJSON, path, "unescaped control character 0x\(String(base[pos], radix: 16)) in string at byte \(pos)")
    }

    /// The high bit of each byte of `x` that is `"`, `\`, a control character or non-ASCII. Bits above
    /// the lowest one may be spurious (borrows), but the lowest one is exact: it marks the first such byte
    /// in little-endian order.
    @inline(__always)
    static func attentionFlags(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = x ^ (ones &* 0x22)
        let backslash = x ^ (ones &* 0x5C)
        let t = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (x &- ones &* 0x20) | x
        return t & (ones &* 0x80)
    }

    mutating func skipEscape(at path: FieldPath) throws(RecordDecodingError) {
        guard pos + 1 < count else {
            throw error(DecodingErrorCode.invalidJSON, path, "unterminated escape at byte \(pos)")
        }
        switch base[pos + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            pos += 2
        case UInt8(ascii: "u"):
            let escapeStart = pos
            let unit = try hex4(at: pos + 2, path)
            pos += 6
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard pos + 1 < count, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") else {
                    throw unpairedSurrogate(at: escapeStart, path)
                }
                let low = try hex4(at: pos + 2, path)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw unpairedSurrogate(at: escapeStart, path) }
                pos += 6
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw unpairedSurrogate(at: escapeStart, path)
            }
        default:
            throw error(DecodingErrorCode.invalidJSON, path, "invalid escape \\\(describeByte(at: pos + 1))")
        }
    }

    @inline(never)
    private func unpairedSurrogate(at i: Int, _ path: FieldPath) -> RecordDecodingError {
        error(DecodingErrorCode.invalidJSON, path, "unpaired UTF-16 surrogate in \\u escape at byte \(i)")
    }

    private func hex4(at i: Int, _ path: FieldPath) throws(RecordDecodingError) -> UInt32 {
        guard i + 4 <= count else {
            throw error(DecodingErrorCode.invalidJSON, path, "truncated \\u escape at byte \(i - 2)")
        }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            guard let d = Self.hexValue(base[k]) else {
                throw error(DecodingErrorCode.invalidJSON, path, "invalid hex digit in \\u escape: \(describeByte(at: k))")
            }
            v = v << 4 | d
        }
        return v
    }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b &- 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b &- 0x57)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b &- 0x37)
        default: return nil
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `pos` (Unicode table 3-7) and steps past it.
    @inline(__always)
    mutating func skipUTF8Sequence(at path: FieldPath) throws(RecordDecodingError) {
        let b0 = base[pos]
        var need = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; high = 0x9F
        case 0xF0: need = 3; low = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; high = 0x8F
        default: throw invalidUTF8(path)
        }
        guard pos + need < count else { throw invalidUTF8(path) }
        let b1 = base[pos + 1]
        guard b1 >= low && b1 <= high else { throw invalidUTF8(path) }
        var k = 2
        while k <= need {
            guard base[pos + k] & 0xC0 == 0x80 else { throw invalidUTF8(path) }
            k += 1
        }
        pos += need + 1
    }

    @inline(never)
    private func invalidUTF8(_ path: FieldPath) -> RecordDecodingError {
        error(DecodingErrorCode.invalidUTF8, path, "invalid UTF-8 in string at byte \(pos)")
    }

    // MARK: Materializing

    /// The string's value; copies straight from the line when it has no escapes.
    @inline(__always)
    func makeString(_ span: StringSpan) -> String {
        let n = span.end - span.start
        // Most values are short ASCII names and ids: build those as small strings directly from two
        // word loads (the span was validated, and the loads stay inside the line).
        if smallStringsFromWords, !span.hasEscapes, n <= 15, span.start + 16 <= count {
            let p = UnsafeRawPointer(base + span.start)
            let lo = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            let hi = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            if let s = SmallASCII.make(lo, hi, count: n) { return s }
        }
        return Self.makeString(base: base, span: span)
    }

    /// A static form for field-path closures, which must not capture the scanner.
    static func makeString(base: UnsafePointer<UInt8>, span: StringSpan) -> String {
        let n = span.end - span.start
        if !span.hasEscapes {
            // Already validated. Copying into an uninitialized string skips `String(decoding:)`'s
            // repair machinery: strings of up to 15 bytes (most values here) are built in place
            // with a one-word ASCII check.
            if n == 0 { return "" }
            return String(unsafeUninitializedCapacity: n) { buffer in
                buffer.baseAddress!.update(from: base + span.start, count: n)
                return n
            }
        }
        return String(unsafeUninitializedCapacity: n) { buffer in
            unescape(base: base, span: span, into: buffer.baseAddress!)
        }
    }

    /// Decodes the escapes of a validated span into `out`, which must hold `span.end - span.start`
    /// bytes (decoding never grows a string). Returns the number of bytes written.
    static func unescape(base: UnsafePointer<UInt8>, span: StringSpan, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = span.start
        var o = 0
        while i < span.end {
            let b = base[i]
            guard b == UInt8(ascii: "\\") else {
                out[o] = b
                o += 1
                i += 1
                continue
            }
            let c = base[i + 1]
            i += 2
            switch c {
            case UInt8(ascii: "b"): out[o] = 0x08; o += 1
            case UInt8(ascii: "f"): out[o] = 0x0C; o += 1
            case UInt8(ascii: "n"): out[o] = 0x0A; o += 1
            case UInt8(ascii: "r"): out[o] = 0x0D; o += 1
            case UInt8(ascii: "t"): out[o] = 0x09; o += 1
            case UInt8(ascii: "u"):
                var scalar = hex4Unchecked(base + i)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let lowUnit = hex4Unchecked(base + i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (lowUnit - 0xDC00)
                }
                o += writeUTF8(scalar, to: out + o)
            default: out[o] = c; o += 1 // `"`, `\` and `/` stand for themselves
            }
        }
        return o
    }

    private static func hex4Unchecked(_ p: UnsafePointer<UInt8>) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 { v = v << 4 | (hexValue(p[k]) ?? 0) }
        return v
    }

    private static func writeUTF8(_ s: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        switch s {
        case 0..<0x80:
            out[0] = UInt8(s)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | (s >> 6))
            out[1] = UInt8(0x80 | (s & 0x3F))
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | (s >> 12))
            out[1] = UInt8(0x80 | ((s >> 6) & 0x3F))
            out[2] = UInt8(0x80 | (s & 0x3F))
            return 3
        default:
            out[0] = UInt8(0xF0 | (s >> 18))
            out[1] = UInt8(0x80 | ((s >> 12) & 0x3F))
            out[2] = UInt8(0x80 | ((s >> 6) & 0x3F))
            out[3] = UInt8(0x80 | (s & 0x3F))
            return 4
        }
    }
}
