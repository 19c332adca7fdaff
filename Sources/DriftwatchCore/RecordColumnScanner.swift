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
    /// Whether the line in the arena is packed (see ``LinePacking``): the fast path's lines are.
    public var packed: Bool

    public init(columns: RecordColumns, line: Range<Int>, packed: Bool = false) {
        self.columns = columns
        self.line = line
        self.packed = packed
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
        var columns = RecordColumns()
        return c.record(into: &columns) ? columns : nil
    }

    /// Scans as above and, as it goes, writes the line packed (see ``LinePacking``) to `out`, which
    /// needs room for `line.count + LinePacking.overwrite` bytes: the returned spans are where the values
    /// lie in the packed line once it is placed at `base`. Fills `columns` (which must start as
    /// `RecordColumns()`; in place: it is a 240-byte struct) and returns the packed length; on nil, what
    /// was written to `out` and `columns` means nothing.
    package static func scan(_ line: UnsafeRawBufferPointer, base: Int, packingInto out: UnsafeMutableRawPointer,
                             columns: inout RecordColumns) -> Int? {
        guard let start = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var c = Cursor(start: start, end: start + line.count, base: base)
        c.out = out
        guard c.record(into: &columns) else { return nil }
        return c.finishPacking()
    }

    /// Exactly `RFC3339.parse(bytes) != nil` (a test checks it over mutated timestamps).
    ///
    /// The common shapes `YYYY-MM-DDTHH:MM:SSZ` and `…SS.fffZ` are checked eight bytes at a time (a line
    /// holds several: evidence `updated_at`s); anything else goes to the parser.
    package static func isValidTimestamp(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        guard n == 20 || n == 24, let p = b.baseAddress, p[n - 1] == UInt8(ascii: "Z") else {
            return RFC3339.parse(b) != nil
        }
        let raw = UnsafeRawPointer(p)
        // Bytes 0–7 `YYYY-MM-`, 8–15 `DDTHH:MM`, 12–19 `H:MM:SS?` (little-endian: byte i is bits 8i…8i+7).
        let w0 = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let w1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let w2 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
        // Separators exactly (byte 19 is `Z` or `.`, checked apart); digits have a high nibble of 3 and stay below 0x3A.
        let digits0: UInt64 = 0x00FF_FF00_FFFF_FFFF, digits1: UInt64 = 0xFFFF_00FF_FF00_FFFF, digits2: UInt64 = 0x00FF_FF00_FFFF_00FF
        guard w0 & ~digits0 == 0x2D00_002D_0000_0000, w1 & ~digits1 == 0x0000_3A00_0054_0000, w2 & 0x0000_00FF_0000_FF00 == 0x0000_003A_0000_3A00,
              isDigits(w0, digits0), isDigits(w1, digits1), isDigits(w2, digits2) else {
            return RFC3339.parse(b) != nil
        }
        if n == 24 {
            guard p[19] == UInt8(ascii: "."), p[20] &- 0x30 < 10, p[21] &- 0x30 < 10, p[22] &- 0x30 < 10 else { return false }
        }
        @inline(__always) func two(_ w: UInt64, _ i: UInt64) -> Int {
            Int((w >> (8 * i)) & 0x0F) * 10 + Int((w >> (8 * i + 8)) & 0x0F)
        }
        let month = two(w0, 5), day = two(w1, 0), hour = two(w1, 3), minute = two(w1, 6), second = two(w2, 5)
        guard month >= 1, month <= 12, day >= 1, hour <= 23, minute <= 59, second <= 60 else { return false }
        let year = two(w0, 0) * 100 + two(w0, 2)
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31)
        return day <= days
    }

    /// Whether every byte of `w` under `mask` is an ASCII digit.
    @inline(__always) private static func isDigits(_ w: UInt64, _ mask: UInt64) -> Bool {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0 & mask
        let threes: UInt64 = 0x3030_3030_3030_3030 & mask
        // High nibble 3 first; then adding 6 keeps it 3 only for 0x30–0x39, with no carry between bytes.
        return w & highNibbles == threes && (w &+ 0x0606_0606_0606_0606) & highNibbles == threes
    }
}

private struct Cursor {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    let base: Int
    var p: UnsafePointer<UInt8>
    /// Where the packed line goes (see `scan(_:base:packingInto:)`); nil: not packing.
    var out: UnsafeMutableRawPointer?
    /// How much of the packed line is written, and from where the line is still to be copied.
    var written = 0
    var copiedTo: UnsafePointer<UInt8>
    /// Bytes the codes so far took out of the line: value spans are moved back by as much.
    var removed = 0

    init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, base: Int) {
        self.start = start
        self.end = end
        self.base = base
        self.p = start
        self.copiedTo = start
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
        // Eight bytes at a time while none is a quote, a backslash, a control byte or non-ASCII.
        while end - p >= 8, !Self.mayEndString(UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)) { p += 8 }
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

    /// Whether any byte of `w` is `"`, `\\`, below 0x20 or at least 0x7F (no false negatives; a false
    /// positive only sends the word to the byte loop).
    @inline(__always) static func mayEndString(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (0x22 &* ones)
        let backslash = w ^ (0x5C &* ones)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (w &- 0x20 &* ones) & ~w
        let nonASCII = w | (w &+ ones)  // high bit set, or 0x7F becoming 0x80
        return (zeroQuote | zeroBackslash | control | nonASCII) & highs != 0
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

    /// Whether a number follows that ``double()`` would accept; its value is not needed, so not computed.
    @inline(__always) mutating func skipDouble() -> Bool {
        guard let n = number() else { return false }
        return n.mantissa <= 1 << 53
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

    /// A timestamp whose value is not needed: checked, not computed (the common `…SSZ` and `…SS.fffZ`
    /// shapes here, anything else by the parser).
    mutating func validTimestamp() -> Bool {
        guard let span = string() else { return false }
        return RecordColumnScanner.isValidTimestamp(bytesOf(span))
    }



    /// 10^e for 0 ≤ e ≤ 22, all exact doubles.
    @inline(__always) static func powerOf10(_ e: Int) -> Double {
        withUnsafeBytes(of: Self.powersOf10) { $0.load(fromByteOffset: e &* 8, as: Double.self) }
    }

    static let powersOf10: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double,
                            Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double) =
        (1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
         1e20, 1e21, 1e22)

    // MARK: the record

    /// The index in `keys` of the next key of an object (its colon consumed), -1 at the closing brace,
    /// nil for anything else, unknown keys included. Writers put keys in one order, so the key after the
    /// last one seen is compared first, as raw bytes with its quotes; any other goes the long way.
    @inline(__always) mutating func keyIndex(_ first: inout Bool, _ keys: KeySet, predicted: Int) -> Int? {
        skipSpace()
        guard p < end else { return nil }
        if p.pointee == UInt8(ascii: "}") {
            p += 1
            return -1
        }
        if !first {
            guard p.pointee == UInt8(ascii: ",") else { return nil }
            p += 1
            skipSpace()
        }
        first = false
        let quote = p
        if predicted < keys.count, end - p >= 16, let n = keys.matchQuoted(predicted, at: p) {
            p += n
            packKey(quote, predicted, keys)
            return eat(UInt8(ascii: ":")) ? predicted : nil
        }
        guard let k = string() else { return nil }
        let closing = p
        guard eat(UInt8(ascii: ":")) else { return nil }
        let bytes = bytesOf(k)
        for i in 0..<keys.count {
            let pattern = keys.quoted(i)
            if pattern.count == bytes.count + 2, sameBytes(bytes.baseAddress!, pattern.baseAddress! + 1, bytes.count) {
                p = closing
                packKey(quote, i, keys)
                _ = eat(UInt8(ascii: ":"))
                return i
            }
        }
        return nil
    }

    /// Packs key `i` of `keys`, whose opening quote is at `quote` and closing quote just before `p`,
    /// when a colon follows at once (a code stands for `"key":`): copies the line up to the key, then
    /// writes the code.
    @inline(__always) mutating func packKey(_ quote: UnsafePointer<UInt8>, _ i: Int, _ keys: KeySet) {
        guard let out, p < end, p.pointee == UInt8(ascii: ":") else { return }
        let from = copiedTo
        let n = quote - from
        LinePacking.copy(out + written, from, n, readable: end - from)
        written += n
        let code = keys.codes[i]
        // Both bytes, always: the second is overwritten by what follows a one-byte code.
        out.storeBytes(of: code, toByteOffset: written, as: UInt16.self)
        let codeLength = code > 0xFF ? 2 : 1
        written += codeLength
        copiedTo = p + 1
        removed += p + 1 - quote - codeLength
    }

    /// Copies the rest of the line after the last key; returns the packed length.
    mutating func finishPacking() -> Int {
        guard let out else { return 0 }
        let from = copiedTo
        LinePacking.copy(out + written, from, end - from, readable: end - from)
        return written + (end - from)
    }

    /// A value's span where it will lie once the keys before it are packed.
    @inline(__always) func packed(_ span: ByteSpan) -> ByteSpan {
        ByteSpan(start: span.start - removed, count: span.count)
    }

    /// Parses an object whose keys are `keys`, calling `field` with each key's index to read its value
    /// (false: a bad value). Unknown and repeated keys end the scan. Returns the set of keys seen.
    @inline(__always) mutating func object(_ keys: KeySet, _ field: (inout Cursor, Int) -> Bool) -> UInt32? {
        guard eat(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var first = true
        var predicted = 0
        while true {
            guard let i = keyIndex(&first, keys, predicted: predicted) else { return nil }
            if i < 0 { return seen }
            let bit: UInt32 = 1 << UInt32(i)
            guard seen & bit == 0, field(&self, i) else { return nil }
            seen |= bit
            predicted = i + 1
        }
    }

    mutating func record(into r: inout RecordColumns) -> Bool {
        guard let seen = object(KeySet.record, { c, i in
            switch i {
            case 0:
                guard let v = c.string(), v.count > 0 else { return false }
                r.requestID = c.packed(v)
            case 1:
                guard let v = c.timestamp() else { return false }
                r.timestampMicros = v
            case 2:
                guard let v = c.string() else { return false }
                r.service = c.packed(v)
            case 3:
                guard let v = c.string() else { return false }
                r.task = c.packed(v)
            case 4:
                guard let v = c.string() else { return false }
                r.route = c.packed(v)
            case 5: return c.model(&r)
            case 6: return c.template(&r)
            case 7: return c.release()
            case 8: return c.retrieval(&r)
            case 9: return c.stringArray()
            case 10: return c.tools()
            case 11: return c.validation()
            case 12:
                guard let v = c.string() else { return false }
                if c.equals(v, "success") { r.outcome = .success }
                else if c.equals(v, "failure") { r.outcome = .failure }
                else if c.equals(v, "abstained") { r.outcome = .abstained }
                else if c.equals(v, "escalated") { r.outcome = .escalated }
                else { return false }
            case 13: return c.feedback(&r)
            case 14: return c.latency(&r)
            case 15: return c.tokens(&r)
            case 16:
                guard let v = c.double() else { return false }
                r.costUSD = v
            case 17: return c.integer() != nil
            case 18: return c.slices()
            default: return false
            }
            return true
        }) else { return false }
        skipSpace()
        return p == end && seen & KeySet.record.required == KeySet.record.required
    }

    mutating func model(_ r: inout RecordColumns) -> Bool {
        var name = ByteSpan.none, version = ByteSpan.none
        var tuned = false
        guard let seen = object(KeySet.model, { c, i in
            switch i {
            case 0: guard let v = c.string() else { return false }; name = c.packed(v)
            case 1: guard let v = c.string() else { return false }; version = c.packed(v)
            case 2, 3: return c.string() != nil
            case 4: guard let v = c.bool() else { return false }; tuned = v
            default: return false
            }
            return true
        }), seen & KeySet.model.required == KeySet.model.required else { return false }
        r.modelName = name
        r.modelVersion = version
        r.modelTuned = tuned
        return true
    }

    mutating func template(_ r: inout RecordColumns) -> Bool {
        var id = ByteSpan.none, version = ByteSpan.none
        guard let seen = object(KeySet.template, { c, i in
            guard i < 2, let v = c.string() else { return false }
            if i == 0 { id = c.packed(v) } else { version = c.packed(v) }
            return true
        }), seen & KeySet.template.required == KeySet.template.required else { return false }
        r.templateID = id
        r.templateVersion = version
        return true
    }

    mutating func release() -> Bool {
        object(KeySet.release, { c, i in i < 3 && c.string() != nil }) != nil
    }

    mutating func retrieval(_ r: inout RecordColumns) -> Bool {
        var index = ByteSpan.none
        guard let seen = object(KeySet.retrieval, { c, i in
            switch i {
            case 0: guard let v = c.string() else { return false }; index = c.packed(v); return true
            case 1: return c.integer() != nil
            case 2: return c.evidence()
            default: return false
            }
        }), seen & KeySet.retrieval.required == KeySet.retrieval.required else { return false }
        r.indexVersion = index
        return true
    }

    mutating func evidence() -> Bool {
        guard eat(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            guard let more = nextElement(&first) else { return false }
            if !more { return true }
            guard let seen = object(KeySet.evidence, { c, i in
                switch i {
                case 0: return c.string() != nil
                case 1: return c.skipDouble()
                case 2: return c.validTimestamp()
                default: return false
                }
            }), seen & KeySet.evidence.required == KeySet.evidence.required else { return false }
        }
    }

    mutating func tools() -> Bool {
        guard eat(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            guard let more = nextElement(&first) else { return false }
            if !more { return true }
            guard let seen = object(KeySet.tool, { c, i in
                switch i {
                case 0, 1: return c.string() != nil
                case 2:
                    guard let v = c.string() else { return false }
                    return c.equals(v, "ok") || c.equals(v, "error") || c.equals(v, "timeout")
                case 3: return c.skipDouble()
                default: return false
                }
            }), seen & KeySet.tool.required == KeySet.tool.required else { return false }
        }
    }

    mutating func validation() -> Bool {
        guard eat(UInt8(ascii: "[")) else { return false }
        var first = true
        while true {
            guard let more = nextElement(&first) else { return false }
            if !more { return true }
            guard let seen = object(KeySet.check, { c, i in
                i == 1 ? c.bool() != nil : i < 3 && c.string() != nil
            }), seen & KeySet.check.required == KeySet.check.required else { return false }
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
        guard let seen = object(KeySet.feedback, { c, i in
            if i == 1 { return c.string() != nil }
            guard i == 0, let v = c.double() else { return false }
            score = v
            return true
        }), seen & KeySet.feedback.required == KeySet.feedback.required else { return false }
        r.feedbackScore = score
        return true
    }

    mutating func latency(_ r: inout RecordColumns) -> Bool {
        var total = 0.0
        guard let seen = object(KeySet.latency, { c, i in
            guard i == 0 else { return i < 5 && c.skipDouble() }
            guard let v = c.double() else { return false }
            total = v
            return true
        }), seen & KeySet.latency.required == KeySet.latency.required else { return false }
        r.latencyTotal = total
        return true
    }

    mutating func tokens(_ r: inout RecordColumns) -> Bool {
        var input = 0, output = 0
        guard let seen = object(KeySet.tokens, { c, i in
            guard i < 2, let v = c.integer() else { return false }
            if i == 0 { input = v } else { output = v }
            return true
        }), seen & KeySet.tokens.required == KeySet.tokens.required else { return false }
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
                    if other.count == kb.count, sameBytes(other.baseAddress!, kb.baseAddress!, kb.count) { return true }
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
            default: guard skipDouble() else { return false }
            }
        }
    }
}

/// The keys of one kind of object, in format-table order (the order writers, ours included, use),
/// each stored with its quotes for comparing raw bytes, and as two masked words (keys with their quotes
/// are at most 16 bytes) for comparing a predicted key in two loads.
///
/// Its tables are buffers allocated once and never freed (the sets are static): a struct of arrays
/// cost four retains and releases at every object of every line.
private struct KeySet: @unchecked Sendable {
    private let storage: UnsafePointer<UInt8>
    private let starts: UnsafePointer<Int>
    private let lengths: UnsafePointer<Int>
    private let words: UnsafePointer<(UInt64, UInt64, UInt64, UInt64)>  // low word, its mask, high word, its mask
    let count: Int
    /// Each key's ``LinePacking`` code.
    let codes: UnsafePointer<UInt16>

    /// The bits of the keys every such object must hold (bit `i`: key `i`).
    let required: UInt32

    /// The keys of the ``RecordFormat`` object at `parent`.
    init(in parent: String) {
        let fields = RecordFormat.fields.filter { $0.parent == parent }
        precondition(fields.count <= 32, "too many keys in \(parent) for a 32-bit seen-set")
        required = fields.enumerated().reduce(UInt32(0)) { $1.element.required ? $0 | UInt32(1) << UInt32($1.offset) : $0 }
        let keys = fields.map(\.key)
        var storage: [UInt8] = []
        var starts: [Int] = [], lengths: [Int] = []
        var words: [(UInt64, UInt64, UInt64, UInt64)] = []
        for key in keys {
            let quoted = [UInt8(ascii: "\"")] + Array(key.utf8) + [UInt8(ascii: "\"")]
            precondition(quoted.count <= 16, "key \(key) is too long for the two-word compare")
            starts.append(storage.count)
            lengths.append(quoted.count)
            storage += quoted
            var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            for (i, b) in quoted.enumerated() {
                if i < 8 {
                    w.0 |= UInt64(b) << (8 * UInt64(i))
                    w.1 |= 0xFF << (8 * UInt64(i))
                } else {
                    w.2 |= UInt64(b) << (8 * UInt64(i - 8))
                    w.3 |= 0xFF << (8 * UInt64(i - 8))
                }
            }
            words.append(w)
        }
        let codes = keys.map { key in
            guard let code = LinePacking.code(for: key) else { preconditionFailure("\(key) has no packing code") }
            return code
        }
        func forever<T>(_ values: [T]) -> UnsafePointer<T> {
            let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
            buffer.initialize(from: values, count: values.count)
            return UnsafePointer(buffer)
        }
        self.storage = forever(storage)
        self.starts = forever(starts)
        self.lengths = forever(lengths)
        self.words = forever(words)
        self.codes = forever(codes)
        count = keys.count
    }

    /// The length of key `i` with its quotes if the bytes at `p` (at least 16 readable) start with it.
    @inline(__always) func matchQuoted(_ i: Int, at p: UnsafePointer<UInt8>) -> Int? {
        let w = words[i]
        let raw = UnsafeRawPointer(p)
        let lo = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let hi = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard lo & w.1 == w.0, hi & w.3 == w.2 else { return nil }
        return lengths[i]
    }

    @inline(__always) func quoted(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage + starts[i], count: lengths[i])
    }

    // Derived from ``RecordFormat`` (format order: the scanner predicts each key from the one before).
    // A field the table gains and the scanner's value readers do not know makes the scanner leave its
    // lines to the decoder (each reader's `default:` is `false`), and `RecordFormatTests` fail.
    static let record = KeySet(in: "")
    static let model = KeySet(in: "model")
    static let template = KeySet(in: "template")
    static let release = KeySet(in: "release")
    static let retrieval = KeySet(in: "retrieval")
    static let evidence = KeySet(in: "retrieval.evidence[]")
    static let tool = KeySet(in: "tools[]")
    static let check = KeySet(in: "validation[]")
    static let feedback = KeySet(in: "feedback")
    static let latency = KeySet(in: "latency_ms")
    static let tokens = KeySet(in: "tokens")
}

/// Whether `n` bytes at `a` and `b` are equal (short spans: cheaper than a call to memcmp).
@inline(__always) private func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
