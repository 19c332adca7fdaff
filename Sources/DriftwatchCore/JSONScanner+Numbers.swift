/// A validated JSON number: its text span plus a decimal form `±mantissa × 10^exponent`.
///
/// The mantissa keeps the first 19 significant digits; `inexact` records that a non-zero digit
/// beyond them was dropped, in which case only the text is exact.
struct NumberToken {
    var start: Int
    var end: Int
    var negative: Bool
    var mantissa: UInt64
    var exponent: Int
    var inexact: Bool
}

/// What converting a number to an integer found.
enum IntegerConversion {
    case value(Int64)
    case notInteger
    case outOfRange
}

extension JSONScanner {
    /// Validates the number grammar of RFC 8259 at `pos` and steps past it.
    @inline(__always)
    mutating func scanNumber(at path: FieldPath) throws(RecordDecodingError) -> NumberToken {
        let start = pos
        var token = NumberToken(start: start, end: start, negative: false, mantissa: 0, exponent: 0, inexact: false)
        if pos < count, base[pos] == UInt8(ascii: "-") {
            token.negative = true
            pos += 1
        }
        guard pos < count else { throw invalidNumber(start, path) }
        var digits = 0
        var b = base[pos]
        if b == UInt8(ascii: "0") {
            pos += 1
        } else if b >= UInt8(ascii: "1") && b <= UInt8(ascii: "9") {
            repeat {
                let d = UInt64(b &- 0x30)
                if digits < 19 {
                    token.mantissa = token.mantissa &* 10 &+ d
                    digits += 1
                } else {
                    token.exponent += 1
                    if d != 0 { token.inexact = true }
                }
                pos += 1
                guard pos < count else { break }
                b = base[pos]
            } while b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
        } else {
            throw invalidNumber(start, path)
        }
        if pos < count, base[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < count, Self.isDigit(base[pos]) else { throw invalidNumber(start, path) }
            repeat {
                let d = UInt64(base[pos] &- 0x30)
                if token.mantissa == 0 && d == 0 {
                    token.exponent -= 1
                } else if digits < 19 {
                    token.mantissa = token.mantissa &* 10 &+ d
                    digits += 1
                    token.exponent -= 1
                } else if d != 0 {
                    token.inexact = true
                }
                pos += 1
            } while pos < count && Self.isDigit(base[pos])
        }
        if pos < count, base[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            var negativeExponent = false
            if pos < count, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") {
                negativeExponent = base[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < count, Self.isDigit(base[pos]) else { throw invalidNumber(start, path) }
            var e = 0
            repeat {
                if e < 100_000_000 { e = e * 10 + Int(base[pos] &- 0x30) }
                pos += 1
            } while pos < count && Self.isDigit(base[pos])
            token.exponent += negativeExponent ? -e : e
        }
        token.end = pos
        return token
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    @inline(never)
    private func invalidNumber(_ start: Int, _ path: FieldPath) -> RecordDecodingError {
        error(DecodingErrorCode.invalidJSON, path, "malformed number at byte \(start), \(describeByte(at: pos)) is not allowed here")
    }

    /// The number's text, shortened for error messages.
    func text(of token: NumberToken) -> String {
        let n = min(token.end - token.start, 40)
        let s = String(decoding: UnsafeBufferPointer(start: base + token.start, count: n), as: UTF8.self)
        return n < token.end - token.start ? s + "…" : s
    }

    /// The nearest double (correctly rounded): exact arithmetic when the decimal fits (Clinger's fast
    /// path), else the standard library's parser on the validated text. Overflow gives ±infinity.
    @inline(__always)
    func doubleValue(_ t: NumberToken) -> Double {
        if t.mantissa == 0 { return t.negative ? -0.0 : 0.0 }
        if !t.inexact && t.mantissa <= 1 << 53 && t.exponent >= -22 && t.exponent <= 22 {
            var d = Double(t.mantissa)
            d = t.exponent < 0 ? d / Self.powerOf10(-t.exponent) : d * Self.powerOf10(t.exponent)
            return t.negative ? -d : d
        }
        return parsedDoubleValue(t)
    }

    /// ``doubleValue(_:)`` beyond the exact fast path.
    @inline(never)
    func parsedDoubleValue(_ t: NumberToken) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: base + t.start, count: t.end - t.start), as: UTF8.self)
        return Double(text) ?? .nan
    }

    /// The number as an exact integer, if it is one (`3`, `3.0` and `3e0` all are).
    func integerValue(_ t: NumberToken) -> IntegerConversion {
        if t.mantissa == 0 { return .value(0) }
        var magnitude = t.mantissa
        if t.inexact {
            // A non-zero digit was dropped: in the fraction (not an integer) or in a 20+ digit integer part.
            return t.exponent > 0 ? .outOfRange : .notInteger
        }
        if t.exponent > 0 {
            guard t.exponent <= 19 else { return .outOfRange }
            let (m, overflow) = magnitude.multipliedReportingOverflow(by: Self.uintPowerOf10(t.exponent))
            guard !overflow else { return .outOfRange }
            magnitude = m
        } else if t.exponent < 0 {
            guard t.exponent >= -19 else { return .notInteger }
            let p = Self.uintPowerOf10(-t.exponent)
            guard magnitude % p == 0 else { return .notInteger }
            magnitude /= p
        }
        if t.negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return .outOfRange }
            return .value(Int64(truncatingIfNeeded: 0 &- magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return .outOfRange }
        return .value(Int64(magnitude))
    }

    @inline(__always)
    static func powerOf10(_ e: Int) -> Double {
        switch e {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    static func uintPowerOf10(_ e: Int) -> UInt64 {
        var p: UInt64 = 1
        for _ in 0..<e { p &*= 10 }
        return p
    }
}
