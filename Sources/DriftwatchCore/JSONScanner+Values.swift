/// Typed reads of one value at `pos`, each naming its field path in errors.
extension JSONScanner {
    @inline(__always)
    mutating func readStringSpan(at path: FieldPath) throws(RecordDecodingError) -> StringSpan {
        guard pos < count, base[pos] == UInt8(ascii: "\"") else { throw typeMismatch("a string", path) }
        return try scanString(at: path)
    }

    @inline(__always)
    mutating func readString(at path: FieldPath) throws(RecordDecodingError) -> String {
        if let s = readShortASCIIString() { return s }
        return makeString(try readStringSpan(at: path))
    }

    /// The next key of an object when it is written `"key":` (after its `,` unless it is the first)
    /// with at most 15 plain ASCII bytes and no whitespace: the key and its span, with the scanner
    /// where ``nextKey(_:at:)`` would leave it. Nil, consuming nothing, for anything else.
    @inline(__always)
    mutating func nextShortASCIIKey(_ first: inout Bool) -> (String, StringSpan)? {
        let start = pos
        if !first {
            guard pos < count, base[pos] == UInt8(ascii: ",") else { return nil }
            pos += 1
        }
        guard let key = readShortASCIIString(), pos < count, base[pos] == UInt8(ascii: ":") else {
            pos = start
            return nil
        }
        let span = StringSpan(start: pos - 1 - key.utf8.count, end: pos - 1, hasEscapes: false)
        pos += 1
        first = false
        skipWhitespace()
        return (key, span)
    }

    /// A string of at most 15 plain ASCII bytes (no escapes) at `pos`, found and built from the
    /// same two word loads; nil (consuming nothing) for anything else, which the general path reads.
    @inline(__always)
    mutating func readShortASCIIString() -> String? {
        guard smallStringsFromWords, pos + 17 <= count, base[pos] == UInt8(ascii: "\"") else { return nil }
        let p = UnsafeRawPointer(base + pos + 1)
        let lo = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        let hi = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        // The first byte that is a quote, backslash, control or non-ASCII must be the closing quote.
        let n: Int
        let flagsLo = Self.attentionFlags(lo)
        if flagsLo != 0 {
            n = flagsLo.trailingZeroBitCount >> 3
        } else {
            let flagsHi = Self.attentionFlags(hi)
            guard flagsHi != 0 else { return nil }
            n = 8 + flagsHi.trailingZeroBitCount >> 3
        }
        guard n < 16, base[pos + 1 + n] == UInt8(ascii: "\"") else { return nil }
        pos += n + 2
        return SmallASCII.make(ascii: lo, hi, count: n)
    }

    /// A string, or nil for `null` (absent and null mean the same for optional fields).
    @inline(__always)
    mutating func readOptionalString(at path: FieldPath) throws(RecordDecodingError) -> String? {
        if consumeNull() { return nil }
        return try readString(at: path)
    }

    @inline(__always)
    mutating func readBool(at path: FieldPath) throws(RecordDecodingError) -> Bool {
        if pos + 4 <= count, base[pos] == UInt8(ascii: "t"), base[pos + 1] == UInt8(ascii: "r"),
           base[pos + 2] == UInt8(ascii: "u"), base[pos + 3] == UInt8(ascii: "e") {
            pos += 4
            return true
        }
        if pos + 5 <= count, base[pos] == UInt8(ascii: "f"), base[pos + 1] == UInt8(ascii: "a"),
           base[pos + 2] == UInt8(ascii: "l"), base[pos + 3] == UInt8(ascii: "s"), base[pos + 4] == UInt8(ascii: "e") {
            pos += 5
            return false
        }
        throw typeMismatch("a boolean", path)
    }

    @inline(__always)
    mutating func readNumber(at path: FieldPath) throws(RecordDecodingError) -> NumberToken {
        guard pos < count else { throw typeMismatch("a number", path) }
        let b = base[pos]
        guard b == UInt8(ascii: "-") || Self.isDigit(b) else { throw typeMismatch("a number", path) }
        return try scanNumber(at: path)
    }

    /// A finite double; numbers too large for a double are `invalid_value`.
    @inline(__always)
    mutating func readDouble(at path: FieldPath) throws(RecordDecodingError) -> Double {
        if let d = readPlainDouble() { return d }
        let token = try readNumber(at: path)
        let d = doubleValue(token)
        guard d.isFinite else {
            throw numberError(DecodingErrorCode.invalidValue, path, "number out of range", token)
        }
        return d
    }

    @inline(__always)
    mutating func readOptionalDouble(at path: FieldPath) throws(RecordDecodingError) -> Double? {
        if consumeNull() { return nil }
        return try readDouble(at: path)
    }

    /// An integer of at least `minimum`; fractions are `wrong_type`, values outside Int64 or below
    /// the minimum `invalid_value`.
    @inline(__always)
    mutating func readInteger(at path: FieldPath, minimum: Int64 = 0) throws(RecordDecodingError) -> Int64 {
        if minimum <= 0, let v = readPlainNaturalNumber() { return v }
        let token = try readNumber(at: path)
        switch integerValue(token) {
        case .value(let v):
            guard v >= minimum else {
                throw belowMinimum(v, minimum, path)
            }
            return v
        case .notInteger:
            throw numberError(DecodingErrorCode.wrongType, path, "expected an integer", token)
        case .outOfRange:
            throw numberError(DecodingErrorCode.invalidValue, path, "integer out of range", token)
        }
    }

    /// The common number shape `-?int(.frac)?` with at most 15 digits in all, read and converted in
    /// one pass: below 2^53 the mantissa is exact, so dividing or multiplying by an exact power of
    /// ten is correctly rounded (as in ``doubleValue(_:)``, which gives the same bits). Nil,
    /// consuming nothing, for anything else (exponents, more digits, malformed text).
    @inline(__always)
    mutating func readPlainDouble() -> Double? {
        var i = pos
        guard i < count else { return nil }
        let negative = base[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < count else { return nil }
        var mantissa: Int64 = 0
        let integerStart = i
        var b = base[i] &- 0x30
        guard b < 10 else { return nil }
        if b == 0 {
            i &+= 1
            // "01" is not JSON; let the full scanner report it.
            if i < count, base[i] &- 0x30 < 10 { return nil }
        } else {
            repeat {
                mantissa = mantissa &* 10 &+ Int64(b)
                i &+= 1
                guard i < count else { break }
                b = base[i] &- 0x30
            } while b < 10
        }
        var digits = i &- integerStart
        var fractionDigits = 0
        if i < count, base[i] == UInt8(ascii: ".") {
            i &+= 1
            let fractionStart = i
            guard i < count, base[i] &- 0x30 < 10 else { return nil }
            repeat {
                mantissa = mantissa &* 10 &+ Int64(base[i] &- 0x30)
                i &+= 1
            } while i < count && base[i] &- 0x30 < 10
            fractionDigits = i &- fractionStart
            digits &+= fractionDigits
        }
        // Digits are counted before converting, so the wrapping arithmetic above never matters.
        guard digits <= 15 else { return nil }
        if i < count, base[i] | 0x20 == UInt8(ascii: "e") { return nil }
        pos = i
        let magnitude = Double(mantissa) / plainDecimalDivisors[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// A plain non-negative integer of at most 18 digits (`0` or `[1-9][0-9]*`, no fraction or
    /// exponent). Nil, consuming nothing, for anything else.
    @inline(__always)
    mutating func readPlainNaturalNumber() -> Int64? {
        var i = pos
        guard i < count else { return nil }
        var b = base[i] &- 0x30
        guard b < 10 else { return nil }
        var value: Int64 = 0
        if b == 0 {
            i += 1
        } else {
            repeat {
                value = value &* 10 &+ Int64(b)
                i += 1
                guard i < count else { break }
                b = base[i] &- 0x30
            } while b < 10
            guard i - pos <= 18 else { return nil }
        }
        if i < count {
            let next = base[i]
            guard next &- 0x30 >= 10, next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e") else { return nil }
        }
        pos = i
        return value
    }

    /// An Int field: the same as ``readInteger(at:minimum:)``, narrowed (Int is 64-bit on our platforms).
    @inline(__always)
    mutating func readInt(at path: FieldPath) throws(RecordDecodingError) -> Int {
        Int(truncatingIfNeeded: try readInteger(at: path))
    }

    @inline(__always)
    mutating func readOptionalInt(at path: FieldPath) throws(RecordDecodingError) -> Int? {
        if consumeNull() { return nil }
        return try readInt(at: path)
    }

    /// An RFC 3339 string or integer epoch milliseconds, as microseconds since the epoch.
    mutating func readTimestamp(at path: FieldPath) throws(RecordDecodingError) -> Int64 {
        guard pos < count else { throw typeMismatch("an RFC 3339 string or epoch milliseconds", path) }
        if base[pos] == UInt8(ascii: "\"") {
            if let micros = readCommonTimestamp() { return micros }
            let span = try scanString(at: path)
            guard let micros = RFC3339.parse(bytes(of: span)) else {
                throw invalidEnum(path, expected: "an RFC 3339 timestamp", span)
            }
            return micros
        }
        let b = base[pos]
        guard b == UInt8(ascii: "-") || Self.isDigit(b) else {
            throw typeMismatch("an RFC 3339 string or epoch milliseconds", path)
        }
        let token = try scanNumber(at: path)
        switch integerValue(token) {
        case .value(let millis):
            let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
            guard !overflow else {
                throw numberError(DecodingErrorCode.invalidValue, path, "epoch milliseconds out of range", token)
            }
            return micros
        case .notInteger:
            throw numberError(DecodingErrorCode.wrongType, path, "expected integer epoch milliseconds", token)
        case .outOfRange:
            throw numberError(DecodingErrorCode.invalidValue, path, "epoch milliseconds out of range", token)
        }
    }

    /// A quoted timestamp in one of ``RFC3339/parseCommonShape(_:_:)``'s shapes, read in place: when
    /// that parse succeeds every byte is a digit or separator, so the quote after them ends a valid
    /// string and scanning it again would add nothing. Nil, consuming nothing, otherwise.
    @inline(__always)
    mutating func readCommonTimestamp() -> Int64? {
        let quote = UInt8(ascii: "\"")
        guard pos < count, base[pos] == quote else { return nil }
        let text = base + pos + 1
        let length: Int
        if pos + 22 <= count, text[20] == quote {
            length = 20
        } else if pos + 26 <= count, text[24] == quote {
            length = 24
        } else if pos + 29 <= count, text[27] == quote {
            length = 27
        } else {
            return nil
        }
        guard let micros = RFC3339.parseCommonShape(text, length) else { return nil }
        pos += 2 + length
        return micros
    }

    @inline(__always)
    mutating func readOptionalTimestamp(at path: FieldPath) throws(RecordDecodingError) -> Int64? {
        if consumeNull() { return nil }
        return try readTimestamp(at: path)
    }

    @inline(never)
    func numberError(_ code: String, _ path: FieldPath, _ message: StaticString, _ token: NumberToken) -> RecordDecodingError {
        error(code, path, "\(message), got \(text(of: token))")
    }

    @inline(never)
    func belowMinimum(_ v: Int64, _ minimum: Int64, _ path: FieldPath) -> RecordDecodingError {
        error(DecodingErrorCode.invalidValue, path, "expected an integer >= \(minimum), got \(v)")
    }

    /// A string that is not one of the allowed values.
    @inline(never)
    func invalidEnum(_ path: FieldPath, expected: StaticString, _ span: StringSpan) -> RecordDecodingError {
        error(DecodingErrorCode.invalidValue, path, "expected \(expected), got \(Self.quoted(makeString(span)))")
    }

    /// A value quoted for an error message, shortened so one huge value cannot bloat a dead letter.
    static func quoted(_ s: String) -> String {
        let limit = 64
        if s.count <= limit { return s.debugDescription }
        return String(s.prefix(limit)).debugDescription + "…"
    }
}

/// 10^k for k in 0...15, all exact, for ``JSONScanner/readPlainDouble()``.
private let plainDecimalDivisors: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
]
