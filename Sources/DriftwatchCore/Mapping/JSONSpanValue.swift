/// A JSON value parsed into byte ranges of its line: containers are split into members, scalars are
/// kept as their text, so a mapping can copy values verbatim. Keys are decoded strings.
indirect enum JSONSpanValue {
    case object([(key: String, value: JSONSpanValue)], Range<Int>)
    case array([JSONSpanValue], Range<Int>)
    case string(StringSpan, Range<Int>)
    case number(NumberToken, Range<Int>)
    case bool(Range<Int>)
    case null(Range<Int>)

    /// The value's text in the line, quotes and brackets included.
    var range: Range<Int> {
        switch self {
        case .object(_, let r), .array(_, let r), .string(_, let r), .number(_, let r), .bool(let r), .null(let r): r
        }
    }

    /// How a type error names it.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// The value at a dotted path (`llm.model`), nil when a step is missing or not an object. Of
    /// duplicate keys the last wins, as in the decoder.
    func value(at path: [Substring]) -> JSONSpanValue? {
        var current = self
        for step in path {
            guard case .object(let members, _) = current,
                  let member = members.last(where: { $0.key.utf8.elementsEqual(step.utf8) }) else { return nil }
            current = member.value
        }
        return current
    }

    /// Parses the whole line (only whitespace around its value), with the decoder's nesting limit.
    static func parse(_ line: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(RecordDecodingError) -> JSONSpanValue {
        guard let raw = line.baseAddress, line.count > 0 else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidJSON, reason: "empty line")
        }
        var s = JSONScanner(base: raw.assumingMemoryBound(to: UInt8.self), count: line.count, maxDepth: maxDepth)
        s.skipWhitespace()
        guard s.pos < s.count else { throw RecordDecodingError(code: DecodingErrorCode.invalidJSON, reason: "blank line") }
        let value = try parseValue(&s, depth: 1, path: { "" })
        try s.expectEnd()
        return value
    }

    private static func parseValue(_ s: inout JSONScanner, depth: Int, path: FieldPath) throws(RecordDecodingError) -> JSONSpanValue {
        let start = s.pos
        guard s.pos < s.count else { throw s.syntaxError(path, expected: "a value") }
        switch s.base[s.pos] {
        case UInt8(ascii: "{"):
            try s.beginObject(depth: depth, at: path)
            var members: [(key: String, value: JSONSpanValue)] = []
            var first = true
            while let span = try s.nextKey(&first, at: path) {
                let key = s.makeString(span)
                let value = try parseValue(&s, depth: depth + 1, path: { let p = path(); return p.isEmpty ? key : p + "." + key })
                members.append((key, value))
            }
            return .object(members, start..<s.pos)
        case UInt8(ascii: "["):
            try s.beginArray(depth: depth, at: path)
            var elements: [JSONSpanValue] = []
            var first = true
            while try s.nextElement(&first, at: path) {
                let index = elements.count
                elements.append(try parseValue(&s, depth: depth + 1, path: { "\(path())[\(index)]" }))
            }
            return .array(elements, start..<s.pos)
        case UInt8(ascii: "\""):
            let span = try s.scanString(at: path)
            return .string(span, start..<s.pos)
        case UInt8(ascii: "t"):
            try s.literal("true", at: path)
            return .bool(start..<s.pos)
        case UInt8(ascii: "f"):
            try s.literal("false", at: path)
            return .bool(start..<s.pos)
        case UInt8(ascii: "n"):
            try s.literal("null", at: path)
            return .null(start..<s.pos)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let token = try s.scanNumber(at: path)
            return .number(token, start..<s.pos)
        default:
            throw s.syntaxError(path, expected: "a value")
        }
    }
}
