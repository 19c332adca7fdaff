import DriftwatchCore

/// Records are stored in blocks: one `record_blocks` row holds up to ``maxRecords`` records (or about
/// ``maxLineBytes`` of lines), their raw lines in one blob and their query columns in another.
///
/// Why blocks rather than a row per record: a SQLite row per record with secondary indexes cost
/// ~4.8 µs of CPU per record on this class of machine, a block row plus a `request_id` key ~2.5 µs
/// (`Benchmarks/store_layout.c`); ingest is bounded by that. The key table (`record_keys`) keeps
/// re-ingestion a no-op; the columns keep every query of ``RecordQuery`` answerable without parsing lines.
///
/// Row ids are the record sequence numbers the analyzer and drift detector follow: each record has one,
/// increasing in commit order, and a block's records have increasing row ids (with gaps only where
/// retention or a migration left them).
///
/// The columns blob, all integers LEB128 varints (signed ones zigzag-encoded), is:
/// - `u8` format version (2; 1 is still read), `count`, the block's first row id (absolute) and first timestamp (absolute, µs);
/// - nine column dictionaries (service, task, route, model name, model version, template id,
///   template version, index version, outcome), each `n` then `n` × (`length`, UTF-8 bytes);
/// - `count` entries: row delta from the previous entry (from the first row id for the first entry),
///   line length (format 2: times two, plus one if the line is packed, see ``LinePacking``), request id (`length`, bytes), timestamp delta from the block's first timestamp (signed),
///   nine dictionary references (0 = absent, `k` = value `k - 1`), a flags byte (1 tuned known, 2 tuned,
///   4 latency, 8 tokens, 16 cost, 32 feedback) and the values its flags announce (doubles as 8 bytes
///   little-endian, tokens as input then output).
struct RecordBlockBuilder {
    static let maxRecords = 1024
    static let maxLineBytes = 1 << 20
    static let formatVersion: UInt8 = 2
    static let columnCount = 9

    private(set) var count = 0
    private(set) var firstRow: Int64 = 0
    private(set) var lastRow: Int64 = 0
    private(set) var tsMin = Int64.max
    private(set) var tsMax = Int64.min
    private var firstTimestamp: Int64 = 0
    /// The lines, each followed by a newline, unless they are still one run of an arena (below).
    private var lines: [UInt8] = []
    private var lineBytes = 0
    /// While every line so far is the next one in the caller's arena (lines there are followed by
    /// newlines), the block's lines blob is that stretch of the arena and nothing is copied.
    private var run: (base: UnsafeRawPointer, start: Int, end: Int)?
    private var entries: [UInt8] = []
    private var dictionaries = [ColumnDictionary](repeating: ColumnDictionary(), count: RecordBlockBuilder.columnCount)
    /// Per column, the previous scanned record's value (in its arena) and its reference: consecutive
    /// records mostly repeat a column, and comparing with the previous value skips the dictionary.
    /// Cleared with the block, so it never points into an arena the block no longer borrows.
    private var previous = [(bytes: UnsafeRawPointer?, count: Int, reference: UInt64)](
        repeating: (nil, -1, 0), count: RecordBlockBuilder.columnCount)

    init() {
        lines.reserveCapacity(Self.maxLineBytes + 64 * 1024)
        entries.reserveCapacity(Self.maxRecords * 64)
    }

    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count >= Self.maxRecords || lineBytes >= Self.maxLineBytes }

    /// Calls `body` with the lines blob.
    func withLines<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let run { return try body(UnsafeRawBufferPointer(start: run.base + run.start, count: run.end - run.start)) }
        return try lines.withUnsafeBytes(body)
    }

    /// Stops using an arena run: copies it into `lines`.
    private mutating func endRun() {
        guard let r = run else { return }
        lines.append(contentsOf: UnsafeRawBufferPointer(start: r.base + r.start, count: r.end - r.start))
        run = nil
    }

    private mutating func appendLine(_ line: UnsafeRawBufferPointer) {
        endRun()
        lines.append(contentsOf: line)
        lines.append(UInt8(ascii: "\n"))
    }

    /// Appends a record of a batch, read in place (a copy of a record costs a ~1.2 KiB memcpy and a
    /// retain per string and array in it).
    mutating func append(_ item: UnsafePointer<IngestedRecord>, row: Int64) {
        let range = item.pointee.range
        if let arena = item.pointee.arena {
            arena.withUnsafeBytes { appendLine(UnsafeRawBufferPointer(rebasing: $0[range])) }
        } else {
            item.pointee.ownBytes.withUnsafeBytes { appendLine($0) }
        }
        let offset = MemoryLayout<IngestedRecord>.offset(of: \IngestedRecord.record)!
        let record = (UnsafeRawPointer(item) + offset).assumingMemoryBound(to: RequestRecord.self)
        appendColumns(record, lineLength: range.count, row: row, packed: item.pointee.packed)
    }

    mutating func append(_ record: RequestRecord, raw: UnsafeRawBufferPointer, row: Int64) {
        appendLine(raw)
        withUnsafePointer(to: record) { appendColumns($0, lineLength: raw.count, row: row, packed: false) }
    }

    /// Appends a scanned record whose line (followed by a newline) and column strings lie in `arena`,
    /// which must stay unchanged until the block is written.
    mutating func append(_ item: UnsafePointer<ScannedRecord>, arena: UnsafeRawBufferPointer, row: Int64) {
        let line = item.pointee.line
        if count == 0, let base = arena.baseAddress {
            run = (base, line.lowerBound, line.upperBound + 1)
        } else if let r = run, r.base == arena.baseAddress, r.end == line.lowerBound {
            run = (r.base, r.start, line.upperBound + 1)
        } else {
            appendLine(UnsafeRawBufferPointer(rebasing: arena[line]))
        }
        let offset = MemoryLayout<ScannedRecord>.offset(of: \ScannedRecord.columns)!
        let c = (UnsafeRawPointer(item) + offset).assumingMemoryBound(to: RecordColumns.self)
        func bytes(_ span: ByteSpan) -> UnsafeRawBufferPointer? {
            span.isNone ? nil : UnsafeRawBufferPointer(rebasing: arena[span.start..<(span.start + span.count)])
        }
        let id = bytes(c.pointee.requestID) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        appendEntry(row: row, ts: c.pointee.timestampMicros, lineLength: line.count, packed: item.pointee.packed, requestID: id) { w, b in
            w.varint(b.referenceRepeating(0, bytes(c.pointee.service)))
            w.varint(b.referenceRepeating(1, bytes(c.pointee.task)))
            w.varint(b.referenceRepeating(2, bytes(c.pointee.route)))
            w.varint(b.referenceRepeating(3, bytes(c.pointee.modelName)))
            w.varint(b.referenceRepeating(4, bytes(c.pointee.modelVersion)))
            w.varint(b.referenceRepeating(5, bytes(c.pointee.templateID)))
            w.varint(b.referenceRepeating(6, bytes(c.pointee.templateVersion)))
            w.varint(b.referenceRepeating(7, bytes(c.pointee.indexVersion)))
            // Not through the previous-value cache: a small string's bytes are a temporary copy.
            w.varint(b.reference(8, c.pointee.outcome?.rawValue))
            let input = c.pointee.tokensInput, output = c.pointee.tokensOutput
            w.values(tuned: c.pointee.modelTuned, latency: c.pointee.latencyTotal, tokens: input.flatMap { i in output.map { (i, $0) } },
                     cost: c.pointee.costUSD, feedback: c.pointee.feedbackScore)
        }
    }

    /// Appends a stored record again, from its decoded columns and its line as stored (packed when
    /// `e.linePacked`): compaction and retention.
    mutating func append(_ e: RecordBlockEntry, storedLine line: UnsafeRawBufferPointer) {
        appendLine(line)
        var id = e.requestID
        id.withUTF8 { id in
            appendEntry(row: e.row, ts: e.timestampMicros, lineLength: line.count, packed: e.linePacked, requestID: UnsafeRawBufferPointer(id)) { w, b in
                w.varint(b.reference(0, e.service))
                w.varint(b.reference(1, e.task))
                w.varint(b.reference(2, e.route))
                w.varint(b.reference(3, e.modelName))
                w.varint(b.reference(4, e.modelVersion))
                w.varint(b.reference(5, e.templateID))
                w.varint(b.reference(6, e.templateVersion))
                w.varint(b.reference(7, e.indexVersion))
                w.varint(b.reference(8, e.outcome))
                let tokens = e.tokensIn.flatMap { i in e.tokensOut.map { (Int(i), Int($0)) } }
                w.values(tuned: e.modelTuned, latency: e.latencyMillis, tokens: tokens, cost: e.costUSD, feedback: e.feedback)
            }
        }
    }

    private mutating func appendColumns(_ r: UnsafePointer<RequestRecord>, lineLength: Int, row: Int64, packed: Bool) {
        var id = r.pointee.requestID
        id.withUTF8 { id in
            appendEntry(row: row, ts: r.pointee.timestampMicros, lineLength: lineLength, packed: packed, requestID: UnsafeRawBufferPointer(id)) { w, b in
                w.varint(b.reference(0, r.pointee.service))
                w.varint(b.reference(1, r.pointee.task))
                w.varint(b.reference(2, r.pointee.route))
                w.varint(b.reference(3, r.pointee.model?.name))
                w.varint(b.reference(4, r.pointee.model?.version))
                w.varint(b.reference(5, r.pointee.template?.id))
                w.varint(b.reference(6, r.pointee.template?.version))
                w.varint(b.reference(7, r.pointee.retrieval?.indexVersion))
                w.varint(b.reference(8, r.pointee.outcome?.rawValue))
                let tokens = r.pointee.tokens
                w.values(tuned: r.pointee.model?.tuned, latency: r.pointee.latency?.total, tokens: tokens.map { ($0.input, $0.output) },
                         cost: r.pointee.costUSD, feedback: r.pointee.feedback?.score)
            }
        }
    }

    /// Counts a record in and appends its entry (see the format above): the fields up to the request id
    /// and timestamp here, the references and values by `rest`. The entry is encoded into a buffer on the
    /// stack and appended to `entries` at once: appending its ~20 fields one by one cost an array
    /// uniqueness and capacity check each (~2% of ingest).
    @inline(__always) private mutating func appendEntry(
        row: Int64, ts: Int64, lineLength: Int, packed: Bool, requestID id: UnsafeRawBufferPointer,
        _ rest: (inout EntryWriter, inout RecordBlockBuilder) -> Void
    ) {
        if count == 0 {
            firstRow = row
            lastRow = row
            firstTimestamp = ts
        }
        let rowDelta = UInt64(row - lastRow)
        lastRow = row
        count += 1
        tsMin = min(tsMin, ts)
        tsMax = max(tsMax, ts)
        lineBytes += lineLength + 1
        withUnsafeTemporaryAllocation(byteCount: EntryWriter.fixedBytes + id.count, alignment: 8) { buffer in
            var w = EntryWriter(base: buffer.baseAddress!)
            w.varint(rowDelta)
            w.varint(UInt64(lineLength) << 1 | (packed ? 1 : 0))
            w.varint(UInt64(id.count))
            w.bytes(id)
            w.varint(zigzag(ts &- firstTimestamp))
            rest(&w, &self)
            entries.append(contentsOf: UnsafeRawBufferPointer(start: buffer.baseAddress, count: w.count))
        }
    }

    /// The reference to `value` in `column`'s dictionary (0: absent).
    private mutating func reference(_ column: Int, _ value: String?) -> UInt64 {
        guard var value else { return 0 }
        return value.withUTF8 { UInt64(dictionaries[column].id(of: UnsafeRawBufferPointer($0)) + 1) }
    }

    /// ``reference(_:_:)`` for bytes in the arena being borrowed, trying the previous record's value first.
    @inline(__always) private mutating func referenceRepeating(_ column: Int, _ value: UnsafeRawBufferPointer?) -> UInt64 {
        guard let value else { return 0 }
        guard let base = value.baseAddress else { return UInt64(dictionaries[column].id(of: value) + 1) }
        let last = previous[column]
        if last.count == value.count, let lastBytes = last.bytes, sameBytes(lastBytes, base, value.count) {
            return last.reference
        }
        let reference = UInt64(dictionaries[column].id(of: value) + 1)
        previous[column] = (base, value.count, reference)
        return reference
    }

    /// The columns blob for the records appended so far.
    func encodedColumns() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count + 512)
        out.append(Self.formatVersion)
        out.appendVarint(UInt64(count))
        out.appendVarint(zigzag(firstRow))
        out.appendVarint(zigzag(firstTimestamp))
        for dictionary in dictionaries { dictionary.encode(into: &out) }
        out.append(contentsOf: entries)
        return out
    }

    mutating func removeAll() {
        count = 0
        tsMin = .max
        tsMax = .min
        lines.removeAll(keepingCapacity: true)
        lineBytes = 0
        run = nil
        entries.removeAll(keepingCapacity: true)
        for i in dictionaries.indices { dictionaries[i].removeAll() }
        for i in previous.indices { previous[i] = (nil, -1, 0) }
    }
}

/// The distinct values of one column in one block, as bytes. Blocks hold few distinct values per
/// column (tasks, versions, routes), so the last hit and a short linear scan answer most lookups;
/// past 16 values a hash of the bytes narrows the scan.
private struct ColumnDictionary {
    private var storage: [UInt8] = []
    private var ends: [Int] = []
    private var last = 0
    private var byHash: [UInt64: [Int]] = [:]

    private func equals(_ i: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let start = i == 0 ? 0 : ends[i - 1]
        let n = value.count
        guard ends[i] - start == n else { return false }
        guard n > 0 else { return true }
        return storage.withUnsafeBufferPointer { all in
            sameBytes(UnsafeRawPointer(all.baseAddress! + start), value.baseAddress!, n)
        }
    }

    private static func hash(_ value: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in value { h = (h ^ UInt64(b)) &* 0x0100_0000_01b3 }
        return h
    }

    mutating func id(of value: UnsafeRawBufferPointer) -> Int {
        if last < ends.count, equals(last, value) { return last }
        if ends.count <= 16 {
            for i in 0..<ends.count where equals(i, value) { last = i; return i }
        } else if let candidates = byHash[Self.hash(value)] {
            for i in candidates where equals(i, value) { last = i; return i }
        }
        storage.append(contentsOf: value)
        ends.append(storage.count)
        last = ends.count - 1
        if ends.count == 17 {
            for i in 0..<ends.count {
                let start = i == 0 ? 0 : ends[i - 1]
                let h = storage.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[start..<ends[i]])) }
                byHash[h, default: []].append(i)
            }
        } else if ends.count > 17 {
            byHash[Self.hash(value), default: []].append(last)
        }
        return last
    }

    func encode(into out: inout [UInt8]) {
        out.appendVarint(UInt64(ends.count))
        var start = 0
        for end in ends {
            out.appendVarint(UInt64(end - start))
            out.append(contentsOf: storage[start..<end])
            start = end
        }
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        byHash.removeAll(keepingCapacity: true)
        last = 0
    }
}

/// One stored record's columns, decoded from a block.
struct RecordBlockEntry {
    var row: Int64
    var requestID: String
    var timestampMicros: Int64
    var service: String?
    var task: String?
    var route: String?
    var modelName: String?
    var modelVersion: String?
    var templateID: String?
    var templateVersion: String?
    var indexVersion: String?
    var outcome: String?
    var modelTuned: Bool?
    var latencyMillis: Double?
    var tokensIn: Int64?
    var tokensOut: Int64?
    var costUSD: Double?
    var feedback: Double?
    /// Where the line lies in the block's lines blob (without its newline), as stored.
    var lineStart: Int
    var lineLength: Int
    /// Whether the stored line is packed (see ``LinePacking``).
    var linePacked = false
}

/// Decodes a columns blob written by ``RecordBlockBuilder``.
enum RecordBlockReader {
    static func entries(_ blob: [UInt8], block: Int64) throws -> [RecordBlockEntry] {
        var r = ByteReader(bytes: blob, block: block)
        let version = try r.byte()
        guard version == 1 || version == RecordBlockBuilder.formatVersion else {
            throw DriftwatchError(.storage, "record block \(block): columns format \(version) is unknown (this driftwatch reads \(RecordBlockBuilder.formatVersion))")
        }
        let count = try r.count()
        var row = unzigzag(try r.varint())
        let firstTimestamp = unzigzag(try r.varint())
        var dictionaries: [[String]] = []
        dictionaries.reserveCapacity(RecordBlockBuilder.columnCount)
        for _ in 0..<RecordBlockBuilder.columnCount {
            let n = try r.count()
            var values: [String] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try r.string()) }
            dictionaries.append(values)
        }
        func value(_ column: Int, _ r: inout ByteReader) throws -> String? {
            let k = try r.count()
            if k == 0 { return nil }
            guard k <= dictionaries[column].count else { throw r.corrupt("dictionary reference out of range") }
            return dictionaries[column][k - 1]
        }
        var result: [RecordBlockEntry] = []
        result.reserveCapacity(count)
        var lineStart = 0
        for _ in 0..<count {
            row += Int64(try r.varint())
            var length = try r.count()
            var packed = false
            if version >= 2 {
                packed = length & 1 == 1
                length >>= 1
            }
            let requestID = try r.string()
            let ts = firstTimestamp &+ unzigzag(try r.varint())
            var entry = RecordBlockEntry(
                row: row, requestID: requestID, timestampMicros: ts,
                service: try value(0, &r), task: try value(1, &r), route: try value(2, &r),
                modelName: try value(3, &r), modelVersion: try value(4, &r), templateID: try value(5, &r),
                templateVersion: try value(6, &r), indexVersion: try value(7, &r), outcome: try value(8, &r),
                lineStart: lineStart, lineLength: length, linePacked: packed
            )
            let flags = try r.byte()
            if flags & 1 != 0 { entry.modelTuned = flags & 2 != 0 }
            if flags & 4 != 0 { entry.latencyMillis = try r.double() }
            if flags & 8 != 0 {
                entry.tokensIn = unzigzag(try r.varint())
                entry.tokensOut = unzigzag(try r.varint())
            }
            if flags & 16 != 0 { entry.costUSD = try r.double() }
            if flags & 32 != 0 { entry.feedback = try r.double() }
            lineStart += length + 1
            result.append(entry)
        }
        return result
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    let block: Int64
    var pos = 0

    init(bytes: [UInt8], block: Int64) {
        self.bytes = bytes
        self.block = block
    }

    func corrupt(_ what: String) -> DriftwatchError {
        DriftwatchError(.storage, "record block \(block): columns are corrupt at byte \(pos) (\(what))")
    }

    mutating func byte() throws -> UInt8 {
        guard pos < bytes.count else { throw corrupt("truncated") }
        defer { pos += 1 }
        return bytes[pos]
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw corrupt("varint too long") }
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func count() throws -> Int {
        let v = try varint()
        guard v <= UInt64(bytes.count) * 2 + (1 << 30) else { throw corrupt("count out of range") }
        return Int(v)
    }

    mutating func string() throws -> String {
        let n = try count()
        guard pos + n <= bytes.count else { throw corrupt("truncated string") }
        defer { pos += n }
        return String(decoding: bytes[pos..<(pos + n)], as: UTF8.self)
    }

    mutating func double() throws -> Double {
        guard pos + 8 <= bytes.count else { throw corrupt("truncated number") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
        pos += 8
        return Double(bitPattern: bits)
    }
}

/// Writes one block entry into a buffer with room for ``fixedBytes`` plus the request id.
private struct EntryWriter {
    /// Every field but the request id, at most: eight varints of ten bytes and nine more, a flags byte, three doubles.
    static let fixedBytes = 10 * 17 + 1 + 3 * 8
    let base: UnsafeMutableRawPointer
    var count = 0

    init(base: UnsafeMutableRawPointer) { self.base = base }

    @inline(__always) mutating func byte(_ b: UInt8) {
        base.storeBytes(of: b, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always) mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            byte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        byte(UInt8(truncatingIfNeeded: v))
    }

    @inline(__always) mutating func bytes(_ b: UnsafeRawBufferPointer) {
        if let source = b.baseAddress, b.count > 0 { (base + count).copyMemory(from: source, byteCount: b.count) }
        count += b.count
    }

    /// Little-endian.
    @inline(__always) mutating func double(_ d: Double) {
        base.storeBytes(of: d.bitPattern.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    /// The flags byte and the values it announces.
    @inline(__always) mutating func values(tuned: Bool?, latency: Double?, tokens: (Int, Int)?, cost: Double?, feedback: Double?) {
        var flags: UInt8 = 0
        if let tuned { flags |= 1; if tuned { flags |= 2 } }
        if latency != nil { flags |= 4 }
        if tokens != nil { flags |= 8 }
        if cost != nil { flags |= 16 }
        if feedback != nil { flags |= 32 }
        byte(flags)
        if let latency { double(latency) }
        if let tokens {
            varint(zigzag(Int64(tokens.0)))
            varint(zigzag(Int64(tokens.1)))
        }
        if let cost { double(cost) }
        if let feedback { double(feedback) }
    }
}

/// Whether `n` bytes at `a` and `b` are equal (short values: word by word, cheaper than a call to memcmp).
@inline(__always) private func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var k = 0
    while k + 8 <= n {
        if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
        k += 8
    }
    while k < n {
        if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
        k += 1
    }
    return true
}

@inline(__always) func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
@inline(__always) func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

extension [UInt8] {
    @inline(__always) mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(truncatingIfNeeded: v))
    }
}
