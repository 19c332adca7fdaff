/// A range of bytes in a batch's ``LineArena``; `start < 0` means absent.
public struct ByteSpan: Sendable, Equatable {
    public var start: Int
    public var count: Int

    public init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }

    public static let none = ByteSpan(start: -1, count: 0)
    public var isNone: Bool { start < 0 }
}

/// The values a store keeps as columns for one record, with strings as spans of the line arena
/// instead of `String`s: what the ingest fast path extracts without building a ``RequestRecord``.
public struct RecordColumns: Sendable, Equatable {
    public var requestID = ByteSpan.none
    public var timestampMicros: Int64 = 0
    public var service = ByteSpan.none
    public var task = ByteSpan.none
    public var route = ByteSpan.none
    public var modelName = ByteSpan.none
    public var modelVersion = ByteSpan.none
    public var templateID = ByteSpan.none
    public var templateVersion = ByteSpan.none
    public var indexVersion = ByteSpan.none
    public var outcome: Outcome?
    public var modelTuned: Bool?
    public var latencyTotal: Double?
    public var tokensInput: Int?
    public var tokensOutput: Int?
    public var costUSD: Double?
    public var feedbackScore: Double?

    public init() {}

    /// The columns of a decoded record, its strings appended to `arena` (the path for lines the
    /// scanner leaves to ``RecordDecoder``, and for records that come from elsewhere).
    package init(_ r: RequestRecord, arena: LineArena) {
        func put(_ s: String?) -> ByteSpan {
            guard var s else { return .none }
            return s.withUTF8 { utf8 in
                let range = arena.append(UnsafeRawBufferPointer(utf8))
                return ByteSpan(start: range.lowerBound, count: range.count)
            }
        }
        requestID = put(r.requestID)
        timestampMicros = r.timestampMicros
        service = put(r.service)
        task = put(r.task)
        route = put(r.route)
        modelName = put(r.model?.name)
        modelVersion = put(r.model?.version)
        templateID = put(r.template?.id)
        templateVersion = put(r.template?.version)
        indexVersion = put(r.retrieval?.indexVersion)
        outcome = r.outcome
        modelTuned = r.model?.tuned
        latencyTotal = r.latency?.total
        tokensInput = r.tokens?.input
        tokensOutput = r.tokens?.output
        costUSD = r.costUSD
        feedbackScore = r.feedback?.score
    }
}

/// A line of a batch kept as columns and bytes in the batch's arena (see ``IngestBatch/scanned``).
public struct ScannedRecord: Sendable {
    public var columns: RecordColumns
    /// The line, without its newline, in the arena.
    public var line: Range<Int>

    public init(columns: RecordColumns, line: Range<Int>) {
        self.columns = columns
        self.line = line
    }
}

/// The ingest fast path: checks a line against format v1 and extracts its ``RecordColumns`` in one
/// pass over the bytes, allocating nothing.
///
/// It is deliberately narrower than ``RecordDecoder``: it accepts only lines it can prove the decoder
/// accepts with the same values (known fields, each once; strings of printable ASCII without escapes;
/// numbers without exponents, doubles within the decoder's exact fast path; RFC 3339 timestamps; no
/// `null`s) and returns nil for anything else, which the caller then gives to ``RecordDecoder`` — so
/// what is stored, and every dead letter with its reason, is exactly what the decoder decides. Real
/// logs of one service have one shape, so nearly every line takes this path
/// (`RecordColumnScannerTests` checks both properties).
package enum RecordColumnScanner {
    /// `base` is added to every span (the line's offset in its arena).
    package static func scan(_ line: UnsafeRawBufferPointer, base: Int) -> RecordColumns? {
        guard let start = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var c = Cursor(start: start, end: start + line.count, base: base)
        return c.record()
    }
}

private struct Cursor {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    let base: Int
    var p: UnsafePointer<UInt8>

    init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, base: Int) {
        self.start = start
        self.end = end
        self.base = base
        self.p = start
    }

    // MARK: tokens

    @inline(__always) mutating func skipSpace() {
        while p < end {
            let b = p.pointee
            guard b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D else { return }
            p += 1
        }
    }

    /// Consumes `byte` (after whitespace).
    @inline(__always) mutating func eat(_ byte: UInt8) -> Bool {
        skipSpace()
        guard p < end, p.pointee == byte else { return false }
        p += 1
        return true
    }

    /// A string of printable ASCII without escapes; returns its span (without quotes).
    @inline(__always) mutating func string() -> ByteSpan? {
        skipSpace()
        guard p < end, p.pointee == UInt8(ascii: "\"") else { return nil }
        p += 1
        let s = p
        while p < end {
            let b = p.pointee
            if b == UInt8(ascii: "\"") {
                let span = ByteSpan(start: base + (s - start), count: p - s)
                p += 1
                return span
            }
            // Escapes, control bytes and non-ASCII go to the full decoder.
            guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
            p += 1
        }
        return nil
    }

    /// The next object key followed by its colon, or an empty span at the closing brace.
    /// `first` tracks whether a comma is needed.
    @inline(__always) mutating func key(_ first: inout Bool) -> ByteSpan? {
        skipSpace()
        guard p < end else { return nil }
        if p.pointee == UInt8(ascii: "}") {
            p += 1
            return ByteSpan(start: -2, count: 0)  // end of object
        }
        if !first {
            guard p.pointee == UInt8(ascii: ",") else { return nil }
            p += 1
        }
        first = false
        guard let k = string(), eat(UInt8(ascii: ":")) else { return nil }
        return k
    }

    /// Whether the array continues with another element (consuming the comma) or ended (consuming `]`).
    @inline(__always) mutating func nextElement(_ first: inout Bool) -> Bool? {
        skipSpace()
        guard p < end else { return nil }
        if p.pointee == UInt8(ascii: "]") {
            p += 1
            return false
        }
        if !first {
            guard p.pointee == UInt8(ascii: ",") else { return nil }
            p += 1
        }
        first = false
        return true
    }

    @inline(__always) func bytesOf(_ span: ByteSpan) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: start + (span.start - base), count: span.count)
    }

    @inline(__always) func equals(_ span: ByteSpan, _ literal: StaticString) -> Bool {
        guard span.count == literal.utf8CodeUnitCount else { return false }
        let a = start + (span.start - base)
        let b = literal.utf8Start
        for i in 0..<span.count where a[i] != b[i] { return false }
        return true
    }

    @inline(__always) mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard end - p >= n else { return false }
        let b = text.utf8Start
        for i in 0..<n where p[i] != b[i] { return false }
        p += n
        return true
    }

    mutating func bool() -> Bool? {
        skipSpace()
        guard p < end else { return nil }
        if p.pointee == UInt8(ascii: "t") { return literal("true") ? true : nil }
        if p.pointee == UInt8(ascii: "f") { return literal("false") ? false : nil }
        return nil
    }

    /// A JSON number without an exponent, as (negative, mantissa, digits after the point); nil for
    /// anything else or more than 19 significant digits.
    @inline(__always) mutating func number() -> (negative: Bool, mantissa: UInt64, fraction: Int)? {
        skipSpace()
        guard p < end else { return nil }
        var negative = false
        if p.pointee == UInt8(ascii: "-") {
            negative = true
            p += 1
        }
        guard p < end else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        if p.pointee == UInt8(ascii: "0") {
            p += 1
        } else {
            guard p.pointee &- UInt8(ascii: "0") < 10 else { return nil }
            while p < end, p.pointee &- UInt8(ascii: "0") < 10 {
                mantissa = mantissa &* 10 &+ UInt64(p.pointee &- UInt8(ascii: "0"))
                digits += 1
                p += 1
            }
        }
        var fraction = 0
        if p < end, p.pointee == UInt8(ascii: ".") {
            p += 1
            guard p < end, p.pointee &- UInt8(ascii: "0") < 10 else { return nil }
            while p < end, p.pointee &- UInt8(ascii: "0") < 10 {
                mantissa = mantissa &* 10 &+ UInt64(p.pointee &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
                fraction += 1
                p += 1
            }
        }
        guard digits <= 19, fraction <= 22 else { return nil }
        if p < end {
            let b = p.pointee
            guard b != UInt8(ascii: "e"), b != UInt8(ascii: "E") else { return nil }
        }
        return (negative, mantissa, fraction)
    }

    /// A double the decoder computes exactly (the same arithmetic as its fast path).
    mutating func double() -> Double? {
        guard let n = number() else { return nil }
        if n.mantissa == 0 { return n.negative ? -0.0 : 0.0 }
        guard n.mantissa <= 1 << 53 else { return nil }
        let d = Double(n.mantissa) / Self.powerOf10(n.fraction)
        return n.negative ? -d : d
    }

    /// A non-negative integer (what the decoder's integer fields require).
    mutating func integer() -> Int? {
        guard let n = number(), !n.negative, n.fraction == 0, n.mantissa <= UInt64(Int64.max) else { return nil }
        return Int(n.mantissa)
    }

    mutating func timestamp() -> Int64? {
        guard let span = string() else { return nil }
        return RFC3339.parse(bytesOf(span))
    }

    static func powerOf10(_ e: Int) -> Double {
        var d = 1.0
        for _ in 0..<e { d *= 10 }  // exact up to 1e22
        return d
    }

    // MARK: the record

    mutating func record() -> RecordColumns? {
        var r = RecordColumns()
        guard eat(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var first = true
        while true {
            guard let k = key(&first) else { return nil }
            if k.start == -2 { break }
            let bit: UInt32
            switch k.count {
            case 4 where equals(k, "task"):
                bit = 1 << 0
                guard let v = string() else { return nil }
                r.task = v
            case 5 where equals(k, "route"):
                bit = 1 << 1
                guard let v = string() else { return nil }
                r.route = v
            case 5 where equals(k, "model"):
                bit = 1 << 2
                guard model(&r) else { return nil }
            case 5 where equals(k, "tools"):
                bit = 1 << 3
                guard tools() else { return nil }
            case 6 where equals(k, "tokens"):
                bit = 1 << 4
                guard tokens(&r) else { return nil }
            case 6 where equals(k, "slices"):
                bit = 1 << 5
                guard slices() else { return nil }
            case 7 where equals(k, "service"):
                bit = 1 << 6
                guard let v = string() else { return nil }
                r.service = v
            case 7 where equals(k, "release"):
                bit = 1 << 7
                guard release() else { return nil }
            case 7 where equals(k, "outcome"):
                bit = 1 << 8
                guard let v = string() else { return nil }
                if equals(v, "success") { r.outcome = .success }
                else if equals(v, "failure") { r.outcome = .failure }
                else if equals(v, "abstained") { r.outcome = .abstained }
                else if equals(v, "escalated") { r.outcome = .escalated }
                else { return nil }
            case 7 where equals(k, "retries"):
                bit = 1 << 9
                guard integer() != nil else { return nil }
            case 8 where equals(k, "template"):
                bit = 1 << 10
                guard template(&r) else { return nil }
            case 8 where equals(k, "feedback"):
                bit = 1 << 11
                guard feedback(&r) else { return nil }
            case 8 where equals(k, "cost_usd"):
                bit = 1 << 12
                guard let v = double() else { return nil }
                r.costUSD = v
            case 9 where equals(k, "timestamp"):
                bit = 1 << 13
                guard let v = timestamp() else { return nil }
                r.timestampMicros = v
            case 9 where equals(k, "retrieval"):
                bit = 1 << 14
                guard retrieval(&r) else { return nil }
            case 10 where equals(k, "request_id"):
                bit = 1 << 15
                guard let v = string(), v.count > 0 else { return nil }
                r.requestID = v
            case 10 where equals(k, "validation"):
                bit = 1 << 16
                guard validation() else { return nil }
            case 10 where equals(k, "latency_ms"):
                bit = 1 << 17
                guard latency(&r) else { return nil }
            case 14 where equals(k, "tools_expected"):
                bit = 1 << 18
                guard stringArray() else { return nil }
            default:
                return nil  // an unknown field: kept by the decoder, so it decides
            }
            guard seen & bit == 0 else { return nil }  // repeated: the decoder's last-wins rules apply
            seen |= bit
        }
        skipSpace()
        guard p == end, seen & (1 << 15) != 0, seen & (1 << 13) != 0 else { return nil }
        return r
    }

    /// Parses an object whose keys `field` handles (returning false for an unknown key or bad value),
    /// rejecting repeated keys; `field` gets the key and the bit position it claims.
    @inline(__always) mutating func object(_ field: (inout Cursor, ByteSpan) -> Int?) -> UInt32? {
        guard eat(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var first = true
        while true {
            guard let k = key(&first) else { return nil }
            if k.start == -2 { return seen }
            guard let bit = field(&self, k), seen & (1 << UInt32(bit)) == 0 else { return nil }
            seen |= 1 << UInt32(bit)
        }
    }

    mutating func model(_ r: inout RecordColumns) -> Bool {
        var name = ByteSpan.none, version = ByteSpan.none
        var tuned = false
        guard let seen = object({ c, k in
            if c.equals(k, "name") { guard let v = c.string() else { return nil }; name = v; return 0 }
            if c.equals(k, "version") { guard let v = c.string() else { return nil }; version = v; return 1 }
            if c.equals(k, "provider") { return c.string() == nil ? nil : 2 }
            if c.equals(k, "base") { return c.string() == nil ? nil : 3 }
            if c.equals(k, "tuned") { guard let v = c.bool() else { return nil }; tuned = v; return 4 }
            return nil
        }), seen & 3 == 3 else { return false }
        r.modelName = name
        r.modelVersion = version
        r.modelTuned = tuned
        return true
    }

    mutating func template(_ r: inout RecordColumns) -> Bool {
        var id = ByteSpan.none, version = ByteSpan.none
        guard let seen = object({ c, k in
            if c.equals(k, "id") { guard let v = c.string() else { return nil }; id = v; return 0 }
            if c.equals(k, "version") { guard let v = c.string() else { return nil }; version = v; return 1 }
            return nil
        }), seen == 3 else { return false }
        r.templateID = id
        r.templateVersion = version
        return true
    }

    mutating func release() -> Bool {
        object({ c, k in
            if c.equals(k, "dataset") { return c.string() == nil ? nil : 0 }
            if c.equals(k, "validator") { return c.string() == nil ? nil : 1 }
            if c.equals(k, "eval_suite") { return c.string() == nil ? nil : 2 }
            return nil
        }) != nil
    }

    mutating func retrieval(_ r: inout RecordColumns) -> Bool {
        var index = ByteSpan.none
        guard let seen = object({ c, k in
            if c.equals(k, "index_version") { guard let v = c.string() else { return nil }; index = v; return 0 }
            if c.equals(k, "top_k") { return c.integer() == nil ? nil : 1 }
            if c.equals(k, "evidence") { return c.evidence() ? 2 : nil }
            return nil
        }), seen & 1 == 1 else { return false }
        r.indexVersion = index
        return true
    }

    mutating func evidence() -> Bool {
        guard eat(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            guard let more = nextElement(&first) else { return false }
            if !more { return true }
            guard let seen = object({ c, k in
                if c.equals(k, "id") { return c.string() == nil ? nil : 0 }
                if c.equals(k, "score") { return c.double() == nil ? nil : 1 }
                if c.equals(k, "updated_at") { return c.timestamp() == nil ? nil : 2 }
                return nil
            }), seen & 1 == 1 else { return false }
        }
    }

    mutating func tools() -> Bool {
        guard eat(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            guard let more = nextElement(&first) else { return false }
            if !more { return true }
            guard let seen = object({ c, k in
                if c.equals(k, "name") { return c.string() == nil ? nil : 0 }
                if c.equals(k, "version") { return c.string() == nil ? nil : 1 }
                if c.equals(k, "status") {
                    guard let v = c.string(), c.equals(v, "ok") || c.equals(v, "error") || c.equals(v, "timeout") else { return nil }
                    return 2
                }
                if c.equals(k, "latency_ms") { return c.double() == nil ? nil : 3 }
                return nil
            }), seen & 5 == 5 else { return false }
        }
    }

    mutating func validation() -> Bool {
        guard eat(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            guard let more = nextElement(&first) else { return false }
            if !more { return true }
            guard let seen = object({ c, k in
                if c.equals(k, "check") { return c.string() == nil ? nil : 0 }
                if c.equals(k, "passed") { return c.bool() == nil ? nil : 1 }
                if c.equals(k, "reason") { return c.string() == nil ? nil : 2 }
                return nil
            }), seen & 3 == 3 else { return false }
        }
    }

    mutating func stringArray() -> Bool {
        guard eat(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            guard let more = nextElement(&first) else { return false }
            if !more { return true }
            guard string() != nil else { return false }
        }
    }

    mutating func feedback(_ r: inout RecordColumns) -> Bool {
        var score = 0.0
        guard let seen = object({ c, k in
            if c.equals(k, "score") { guard let v = c.double() else { return nil }; score = v; return 0 }
            if c.equals(k, "source") { return c.string() == nil ? nil : 1 }
            return nil
        }), seen & 1 == 1 else { return false }
        r.feedbackScore = score
        return true
    }

    mutating func latency(_ r: inout RecordColumns) -> Bool {
        var total = 0.0
        guard let seen = object({ c, k in
            if c.equals(k, "total") { guard let v = c.double() else { return nil }; total = v; return 0 }
            if c.equals(k, "retrieval") { return c.double() == nil ? nil : 1 }
            if c.equals(k, "tools") { return c.double() == nil ? nil : 2 }
            if c.equals(k, "generation") { return c.double() == nil ? nil : 3 }
            if c.equals(k, "validation") { return c.double() == nil ? nil : 4 }
            return nil
        }), seen & 1 == 1 else { return false }
        r.latencyTotal = total
        return true
    }

    mutating func tokens(_ r: inout RecordColumns) -> Bool {
        var input = 0, output = 0
        guard let seen = object({ c, k in
            if c.equals(k, "input") { guard let v = c.integer() else { return nil }; input = v; return 0 }
            if c.equals(k, "output") { guard let v = c.integer() else { return nil }; output = v; return 1 }
            return nil
        }), seen == 3 else { return false }
        r.tokensInput = input
        r.tokensOutput = output
        return true
    }

    /// Slice values are strings, numbers or booleans; at most 16 keys, none repeated (the decoder's
    /// rules for repeats and `null` removal are left to it).
    mutating func slices() -> Bool {
        guard eat(UInt8(ascii: "{")) else { return false }
        var keys: (ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan,
                   ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan, ByteSpan) =
            (.none, .none, .none, .none, .none, .none, .none, .none, .none, .none, .none, .none, .none, .none, .none, .none)
        var count = 0
        var first = true
        while true {
            guard let k = key(&first) else { return false }
            if k.start == -2 { return true }
            guard count < 16 else { return false }
            let repeated = withUnsafeBytes(of: &keys) { raw -> Bool in
                let spans = raw.bindMemory(to: ByteSpan.self)
                let kb = bytesOf(k)
                for i in 0..<count {
                    let other = bytesOf(spans[i])
                    if other.count == kb.count, memcmpEqual(other, kb) { return true }
                }
                return false
            }
            guard !repeated else { return false }
            withUnsafeMutableBytes(of: &keys) { $0.bindMemory(to: ByteSpan.self)[count] = k }
            count += 1
            skipSpace()
            guard p < end else { return false }
            switch p.pointee {
            case UInt8(ascii: "\""): guard string() != nil else { return false }
            case UInt8(ascii: "t"), UInt8(ascii: "f"): guard bool() != nil else { return false }
            default: guard double() != nil else { return false }
            }
        }
    }
}

@inline(__always) private func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
}
