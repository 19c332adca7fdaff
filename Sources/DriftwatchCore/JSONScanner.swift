/// Names the field a scanner call is reading, built only when an error is thrown.
typealias FieldPath = () -> String

/// The error codes the decoder uses; `RecordDecodingError.code` carries one of them.
enum DecodingErrorCode {
    static let invalidJSON = "invalid_json"
    static let invalidUTF8 = "invalid_utf8"
    static let missingField = "missing_field"
    static let wrongType = "wrong_type"
    static let invalidValue = "invalid_value"
    static let tooDeep = "too_deep"

    /// Codes about the JSON text itself, as opposed to what the record means.
    static func isSyntax(_ code: String) -> Bool {
        code == invalidJSON || code == invalidUTF8 || code == tooDeep
    }
}

/// What ``JSONScanner/nextField(_:predicted:count:_:at:)`` found.
enum FieldKey {
    case end
    case known(Int)
    case unknown(StringSpan)
}

/// A bounds-checked cursor over one line of JSON, read straight from its bytes.
///
/// Every read of `base[i]` is preceded by a check that `i < count`; that discipline is what keeps
/// hostile lines from reading out of bounds. The scanner is non-copyable because it owns a scratch
/// buffer (for keys and timestamps written with escapes), freed when it goes away.
struct JSONScanner: ~Copyable {
    let base: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    var pos: Int = 0
    private var scratch: UnsafeMutablePointer<UInt8>?
    private var scratchCapacity = 0
    /// ``SmallASCII/layoutMatches``, read once per line rather than once per string.
    let smallStringsFromWords: Bool

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.base = base
        self.count = count
        self.maxDepth = maxDepth
        self.smallStringsFromWords = SmallASCII.layoutMatches
    }

    deinit {
        scratch?.deallocate()
    }

    // MARK: Errors

    /// Builds an error whose reason names the field path (when there is one).
    /// Error builders stay out of line so the hot paths keep small stack frames.
    @inline(never)
    func error(_ code: String, _ path: FieldPath, _ message: String) -> RecordDecodingError {
        let p = path()
        return RecordDecodingError(code: code, reason: p.isEmpty ? message : "field \"\(p)\": \(message)")
    }

    /// A human description of the byte at `i`, for syntax errors.
    func describeByte(at i: Int) -> String {
        guard i < count else { return "end of line" }
        let b = base[i]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))' at byte \(i)" }
        return "byte 0x\(String(b, radix: 16)) at byte \(i)"
    }

    @inline(never)
    func syntaxError(_ path: FieldPath, expected: String) -> RecordDecodingError {
        error(DecodingErrorCode.invalidJSON, path, "expected \(expected), got \(describeByte(at: pos))")
    }

    /// What kind of JSON value starts at `pos`, or nil when no value can start there.
    func valueKind() -> String? {
        guard pos < count else { return nil }
        switch base[pos] {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        default: return nil
        }
    }

    /// The value at `pos` is not of the expected type: `wrong_type` if it is a value at all,
    /// `invalid_json` if nothing valid starts here.
    @inline(never)
    func typeMismatch(_ expected: String, _ path: FieldPath) -> RecordDecodingError {
        if let kind = valueKind() {
            return error(DecodingErrorCode.wrongType, path, "expected \(expected), got \(kind)")
        }
        return syntaxError(path, expected: "a value")
    }

    // MARK: Structure

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < count {
            let b = base[pos]
            if b > 0x20 { return }
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    /// True when `null` starts at `pos`; consumes it.
    @inline(__always)
    mutating func consumeNull() -> Bool {
        guard pos + 4 <= count, base[pos] == UInt8(ascii: "n"), base[pos + 1] == UInt8(ascii: "u"),
              base[pos + 2] == UInt8(ascii: "l"), base[pos + 3] == UInt8(ascii: "l") else { return false }
        pos += 4
        return true
    }

    /// Consumes `{` at `pos`; `depth` is the nesting level the object would have (the line's object is 1).
    @inline(__always)
    mutating func beginObject(depth: Int, at path: FieldPath) throws(RecordDecodingError) {
        guard pos < count, base[pos] == UInt8(ascii: "{") else { throw typeMismatch("an object", path) }
        guard depth <= maxDepth else { throw tooDeep(path) }
        pos += 1
    }

    /// Consumes `[` at `pos`.
    @inline(__always)
    mutating func beginArray(depth: Int, at path: FieldPath) throws(RecordDecodingError) {
        guard pos < count, base[pos] == UInt8(ascii: "[") else { throw typeMismatch("an array", path) }
        guard depth <= maxDepth else { throw tooDeep(path) }
        pos += 1
    }

    @inline(never)
    func tooDeep(_ path: FieldPath) -> RecordDecodingError {
        error(DecodingErrorCode.tooDeep, path, "nesting deeper than \(maxDepth) levels at byte \(pos)")
    }

    /// Reads the next key of an object, or returns nil after its closing `}`.
    /// On return `pos` is at the first byte of the value.
    @inline(__always)
    mutating func nextKey(_ first: inout Bool, at path: FieldPath) throws(RecordDecodingError) -> StringSpan? {
        skipWhitespace()
        guard pos < count else { throw syntaxError(path, expected: "a key or '}'") }
        var b = base[pos]
        if b == UInt8(ascii: "}") {
            pos += 1
            return nil
        }
        if !first {
            guard b == UInt8(ascii: ",") else { throw syntaxError(path, expected: "',' or '}'") }
            pos += 1
            skipWhitespace()
            guard pos < count else { throw syntaxError(path, expected: "a key") }
            b = base[pos]
        }
        first = false
        guard b == UInt8(ascii: "\"") else { throw syntaxError(path, expected: "a quoted key") }
        let key = try scanString(at: path)
        skipWhitespace()
        guard pos < count, base[pos] == UInt8(ascii: ":") else { throw syntaxError(path, expected: "':' after the key") }
        pos += 1
        skipWhitespace()
        return key
    }

    /// Consumes the next key when it is exactly `literal` (written `"name":`, quotes and colon
    /// included) right after the `{` or the `,` before it, with no whitespace: the shape writers
    /// produce. Returns false and consumes nothing otherwise, and ``nextKey(_:at:)`` takes over.
    ///
    /// On success the scanner is where ``nextKey(_:at:)`` would have left it for the same bytes, so
    /// predicting the next field is purely a shortcut; it never throws, so errors are unchanged.
    @inline(__always)
    mutating func consumeKey(_ literal: StaticString, _ first: inout Bool) -> Bool {
        let n = literal.utf8CodeUnitCount
        var i = pos
        if !first {
            guard i < count, base[i] == UInt8(ascii: ",") else { return false }
            i += 1
        }
        guard i + n <= count, Self.equalBytes(base + i, literal.utf8Start, n) else { return false }
        pos = i + n
        first = false
        skipWhitespace()
        return true
    }

    /// The next key of an object whose fields are `keys(0..<count)` (each written `"name":`):
    /// `.end` after the closing `}`, `.known(i)`, or `.unknown` with the key's span.
    ///
    /// Readers predict the field after the last one they read (writers emit fields in format
    /// order), so this first tries that key and the one after it (one optional field left out)
    /// with ``consumeKey(_:_:)``, and the object's end, before reading the key in full.
    @inline(__always)
    mutating func nextField(
        _ first: inout Bool, predicted: Int, count fieldCount: Int, _ keys: (Int) -> StaticString, at path: FieldPath
    ) throws(RecordDecodingError) -> FieldKey {
        if predicted < fieldCount, consumeKey(keys(predicted), &first) { return .known(predicted) }
        if pos < count, base[pos] == UInt8(ascii: "}") {
            pos += 1
            return .end
        }
        return try nextFieldInFull(&first, predicted: predicted, count: fieldCount, keys, at: path)
    }

    /// ``nextField(_:predicted:count:_:at:)`` when the predicted key is not next: tries the one after
    /// it, else reads the key and looks it up.
    @inline(never)
    mutating func nextFieldInFull(
        _ first: inout Bool, predicted: Int, count fieldCount: Int, _ keys: (Int) -> StaticString, at path: FieldPath
    ) throws(RecordDecodingError) -> FieldKey {
        if predicted + 1 < fieldCount, consumeKey(keys(predicted + 1), &first) { return .known(predicted + 1) }
        guard let span = try nextKey(&first, at: path) else { return .end }
        let k = bytes(of: span)
        var i = 0
        while i < fieldCount {
            let literal = keys(i)
            if k.count == literal.utf8CodeUnitCount - 3 {
                let name = literal.utf8Start + 1
                var j = 0
                while j < k.count, k[j] == name[j] { j += 1 }
                if j == k.count { return .known(i) }
            }
            i += 1
        }
        return .unknown(span)
    }

    /// Compares `n` (at least 4) bytes with overlapping word loads.
    @inline(__always)
    static func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        if n >= 8 {
            var k = 0
            while k + 8 < n {
                guard ra.loadUnaligned(fromByteOffset: k, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: k, as: UInt64.self) else { return false }
                k += 8
            }
            return ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return ra.loadUnaligned(as: UInt32.self) == rb.loadUnaligned(as: UInt32.self)
            && ra.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == rb.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }

    /// Moves to the next array element, or returns false after the closing `]`.
    @inline(__always)
    mutating func nextElement(_ first: inout Bool, at path: FieldPath) throws(RecordDecodingError) -> Bool {
        skipWhitespace()
        guard pos < count else { throw syntaxError(path, expected: "a value or ']'") }
        let b = base[pos]
        if b == UInt8(ascii: "]") {
            pos += 1
            return false
        }
        if !first {
            guard b == UInt8(ascii: ",") else { throw syntaxError(path, expected: "',' or ']'") }
            pos += 1
            skipWhitespace()
        }
        first = false
        return true
    }

    /// Validates and steps over one value of any type; `depth` is the level a container here would have.
    mutating func skipValue(depth: Int, at path: FieldPath) throws(RecordDecodingError) {
        guard pos < count else { throw syntaxError(path, expected: "a value") }
        switch base[pos] {
        case UInt8(ascii: "\""):
            _ = try scanString(at: path)
        case UInt8(ascii: "{"):
            try beginObject(depth: depth, at: path)
            var first = true
            while try nextKey(&first, at: path) != nil {
                try skipValue(depth: depth + 1, at: path)
            }
        case UInt8(ascii: "["):
            try beginArray(depth: depth, at: path)
            var first = true
            while try nextElement(&first, at: path) {
                try skipValue(depth: depth + 1, at: path)
            }
        case UInt8(ascii: "t"):
            try literal("true", at: path)
        case UInt8(ascii: "f"):
            try literal("false", at: path)
        case UInt8(ascii: "n"):
            try literal("null", at: path)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber(at: path)
        default:
            throw syntaxError(path, expected: "a value")
        }
    }

    @inline(__always)
    mutating func literal(_ word: StaticString, at path: FieldPath) throws(RecordDecodingError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        guard pos + n <= count else { throw syntaxError(path, expected: "\(word)") }
        for i in 0..<n where base[pos + i] != w[i] {
            throw syntaxError(path, expected: "\(word)")
        }
        pos += n
    }

    /// Checks that the whole buffer is one valid JSON value with only whitespace around it.
    /// Used after a semantic error, so a line that is also broken JSON is reported as such.
    mutating func validateDocument() throws(RecordDecodingError) {
        pos = 0
        skipWhitespace()
        guard pos < count else { throw syntaxError({ "" }, expected: "a JSON object") }
        try skipValue(depth: 1, at: { "" })
        try expectEnd()
    }

    /// Only whitespace may follow the line's value.
    mutating func expectEnd() throws(RecordDecodingError) {
        skipWhitespace()
        guard pos == count else { throw trailingGarbage() }
    }

    @inline(never)
    private func trailingGarbage() -> RecordDecodingError {
        error(DecodingErrorCode.invalidJSON, { "" }, "unexpected \(describeByte(at: pos)) after the end of the object")
    }

    // MARK: Scratch

    /// The unescaped bytes of a string: a view of the line when it has no escapes, else decoded into
    /// scratch space that stays valid until the next call.
    mutating func bytes(of span: StringSpan) -> UnsafeBufferPointer<UInt8> {
        if !span.hasEscapes {
            return UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
        }
        let needed = span.end - span.start
        if scratchCapacity < needed {
            scratch?.deallocate()
            scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: needed)
            scratchCapacity = needed
        }
        let n = Self.unescape(base: base, span: span, into: scratch!)
        return UnsafeBufferPointer(start: scratch, count: n)
    }
}

/// Byte-wise equality of unescaped string bytes with a known ASCII name.
@inline(__always)
func bytesEqual(_ k: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
    let n = s.utf8CodeUnitCount
    guard k.count == n else { return false }
    let p = s.utf8Start
    var i = 0
    while i < n {
        if k[i] != p[i] { return false }
        i += 1
    }
    return true
}
