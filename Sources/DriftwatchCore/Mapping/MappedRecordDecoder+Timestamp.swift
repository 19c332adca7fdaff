extension MappedRecordDecoder {
    /// The timestamp as format v1 wants it: an RFC 3339 string copied as it is, or epoch seconds,
    /// milliseconds or microseconds (a number, or a string holding one) converted exactly to an RFC 3339
    /// string with microseconds.
    static func timestamp(_ value: JSONSpanValue, unit: FieldMapping.TimestampUnit, _ line: UnsafeRawBufferPointer,
                          name: (source: String, target: String)) throws(RecordDecodingError) -> [UInt8] {
        let expected = unit == .rfc3339 ? "an RFC 3339 string (timestamp_unit: rfc3339)" : "epoch \(unitName(unit)) (timestamp_unit: \(unit.rawValue))"
        let base = line.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let token: NumberToken
        switch value {
        case .string(let span, let range):
            if unit == .rfc3339 { return Array(line[range]) }
            let text = Array(JSONScanner.makeString(base: base, span: span).utf8)
            guard let parsed = text.withUnsafeBufferPointer({ numberToken($0) }) else {
                throw RecordDecodingError(code: DecodingErrorCode.invalidValue,
                                          reason: "field \"\(name.source)\" (\(name.target)): expected \(expected), got \(JSONScanner.quoted(String(decoding: text, as: UTF8.self)))")
            }
            token = parsed
        case .number(let t, _) where unit != .rfc3339:
            token = t
        default:
            throw wrongType(name, expected, value)
        }
        guard let micros = micros(token, unit: unit) else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidValue,
                                      reason: "field \"\(name.source)\" (\(name.target)): \(String(decoding: line[value.range], as: UTF8.self)) is out of range for \(expected)")
        }
        return Array(RecordFieldPaths.jsonString(RFC3339.format(micros: micros)).utf8)
    }

    static func unitName(_ unit: FieldMapping.TimestampUnit) -> String {
        switch unit {
        case .seconds: "seconds"
        case .milliseconds: "milliseconds"
        case .microseconds: "microseconds"
        case .rfc3339: "RFC 3339"
        }
    }

    /// A whole JSON number in `bytes`, nil when they are anything else.
    static func numberToken(_ bytes: UnsafeBufferPointer<UInt8>) -> NumberToken? {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return nil }
        var s = JSONScanner(base: start, count: bytes.count, maxDepth: 1)
        guard let token = try? s.scanNumber(at: { "" }), s.pos == s.count else { return nil }
        return token
    }

    /// `token` × the unit, in microseconds, rounded to the nearest; nil when out of range.
    static func micros(_ token: NumberToken, unit: FieldMapping.TimestampUnit) -> Int64? {
        let scaleDigits: Int = switch unit {
        case .seconds: 6
        case .milliseconds: 3
        default: 0
        }
        let exponent = token.exponent + scaleDigits
        var magnitude = token.mantissa
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (m, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                magnitude = m
            }
        } else if -exponent > 19 {
            magnitude = 0
        } else {
            var divisor: UInt64 = 1
            for _ in 0..<(-exponent) { divisor *= 10 }
            magnitude = magnitude / divisor + (magnitude % divisor >= (divisor + 1) / 2 ? 1 : 0)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        // Years 0000–9999 only: what RFC 3339 can write.
        let micros = token.negative ? -Int64(magnitude) : Int64(magnitude)
        guard micros >= -62_135_596_800_000_000, micros < 253_402_300_800_000_000 else { return nil }
        return micros
    }
}
