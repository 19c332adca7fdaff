/// A decoded line ready to store: the record and the exact bytes it came from.
public struct IngestedRecord: Sendable {
    public var record: RequestRecord
    // Stored properties the store reads one by one: calling a method on a record in place copies it whole.
    @usableFromInline package private(set) var ownBytes: [UInt8]
    @usableFromInline package private(set) var arena: LineArena?
    @usableFromInline package private(set) var range: Range<Int>
    /// Whether the line in `arena` is packed (see ``LinePacking``); ``raw`` and ``withRawBytes(_:)``
    /// give it unpacked.
    @usableFromInline package private(set) var packed = false

    public init(record: RequestRecord, raw: [UInt8]) {
        self.record = record
        self.ownBytes = raw
        self.range = 0..<raw.count
    }

    /// A record whose line lies in `arena` (the tailer's batches: one buffer per batch instead of an
    /// allocation per line, which glibc serves slowly for lines over 1 KiB).
    package init(record: RequestRecord, arena: LineArena, range: Range<Int>, packed: Bool = false) {
        self.record = record
        self.ownBytes = []
        self.arena = arena
        self.range = range
        self.packed = packed
    }

    /// The line without its newline, kept so unknown fields are never lost.
    public var raw: [UInt8] {
        get {
            guard let arena else { return ownBytes }
            return arena.withUnsafeBytes { packed ? LinePacking.unpack(UnsafeRawBufferPointer(rebasing: $0[range])) : Array($0[range]) }
        }
        set { ownBytes = newValue; arena = nil; range = 0..<newValue.count; packed = false }
    }

    /// Calls `body` with the line's bytes, without copying them.
    @inlinable
    public func withRawBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let arena {
            if packed { return try raw.withUnsafeBytes(body) }
            return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        }
        return try ownBytes.withUnsafeBytes(body)
    }
}

/// Lines of one batch, back to back. Appended to only by the batch's builder before the batch is
/// handed over, read only afterwards; hence unchecked Sendable.
///
/// A buffer of its own rather than an array: the packer writes into room it has not filled first
/// (an array would zero it, ~1.4% of ingest time), and appends skip the array's uniqueness checks.
public final class LineArena: @unchecked Sendable {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    package private(set) var count = 0

    package init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// A copy of the bytes (tests, and lines read one at a time).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the bytes, in place.
    @inlinable
    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try body(unsafeBytes)
    }

    @usableFromInline var unsafeBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    /// Makes room for `extra` more bytes; the storage may move.
    @inline(__always) private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(capacity * 2, count + extra)
        let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        moved.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = moved
        capacity = grown
    }

    /// Empties the arena for the next batch, keeping its memory; only once no record refers to it.
    package func removeAll() { count = 0 }

    /// Appends `line` and a newline; returns where the line (without the newline) lies. Consecutive
    /// lines are thus stored exactly as a block of the store keeps them.
    package func appendLine(_ line: UnsafeRawBufferPointer) -> Range<Int> {
        let range = append(line)
        reserve(1)
        storage.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: count, as: UInt8.self)
        count += 1
        return range
    }

    /// Scans `line` (see ``RecordColumnScanner``) and, if the scanner takes it, appends it packed (see
    /// ``LinePacking``) with a newline; returns its columns and where the packed line lies. Appends
    /// nothing for a line the scanner leaves to the decoder.
    package func appendScanned(_ line: UnsafeRawBufferPointer) -> (columns: RecordColumns, range: Range<Int>)? {
        var columns = RecordColumns()
        return appendScanned(line, columns: &columns).map { (columns, $0) }
    }

    /// ``appendScanned(_:)`` filling `columns` in place (which must start as `RecordColumns()`).
    package func appendScanned(_ line: UnsafeRawBufferPointer, columns: inout RecordColumns) -> Range<Int>? {
        reserve(line.count + 1 + LinePacking.overwrite)
        let start = count
        guard let packed = RecordColumnScanner.scan(line, base: start, packingInto: storage + start, columns: &columns) else { return nil }
        storage.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: start + packed, as: UInt8.self)
        count = start + packed + 1
        return start..<(start + packed)
    }

    /// Appends `line` and returns where it lies.
    package func append(_ line: UnsafeRawBufferPointer) -> Range<Int> {
        let start = count
        guard let source = line.baseAddress, line.count > 0 else { return start..<start }
        reserve(line.count)
        (storage + start).copyMemory(from: source, byteCount: line.count)
        count += line.count
        return start..<count
    }
}

/// A line that could not be stored as a record, kept with where it came from.
public struct DeadLetter: Sendable, Equatable {
    /// Longest raw excerpt kept; a dead letter must not let one huge line fill the store.
    public static let maxRawBytes = 4096

    /// The path the line was read from.
    public var source: String
    /// The identity of the file (see ``FileCheckpoint/fingerprint``).
    public var fingerprint: String
    /// Byte offset of the first byte of the line in the (uncompressed) file.
    public var offset: UInt64
    /// Length of the whole line in bytes, which may exceed ``raw``.
    public var length: UInt64
    /// At most ``maxRawBytes`` of the line.
    public var raw: [UInt8]
    /// A short machine code, e.g. `invalid_json`, `missing_field`, `wrong_type`, `line_too_long`.
    public var code: String
    /// What was expected and where, e.g. `field "tools[2].status": expected one of ok, error, timeout`.
    public var reason: String

    public init(source: String, fingerprint: String, offset: UInt64, length: UInt64, raw: some Collection<UInt8>, code: String, reason: String) {
        self.source = source
        self.fingerprint = fingerprint
        self.offset = offset
        self.length = length
        self.raw = Array(raw.prefix(Self.maxRawBytes))
        self.code = code
        self.reason = reason
    }
}

/// How far one file has been read, committed together with the records it covers.
public struct FileCheckpoint: Sendable, Equatable {
    /// Identity of the file content: a hash of its first line, so it survives renames,
    /// compression of the rotated file and inode reuse.
    public var fingerprint: String
    /// The path it was last read under.
    public var path: String
    /// Byte offset (in the uncompressed stream) up to which every line is stored.
    public var offset: UInt64
    public var device: UInt64
    public var inode: UInt64
    /// Lines read from this file so far (records plus dead letters).
    public var lines: UInt64
    /// Wall-clock time of the last commit, microseconds since the epoch.
    public var updatedAtMicros: Int64

    public init(fingerprint: String, path: String, offset: UInt64, device: UInt64, inode: UInt64, lines: UInt64, updatedAtMicros: Int64) {
        self.fingerprint = fingerprint
        self.path = path
        self.offset = offset
        self.device = device
        self.inode = inode
        self.lines = lines
        self.updatedAtMicros = updatedAtMicros
    }
}

/// What one commit writes: records, dead letters, and the offsets that cover exactly them.
///
/// Records come decoded (``records``) or, for sinks that take them (``IngestSink/acceptsScannedRecords``),
/// as columns and lines in ``arena`` (``scanned``: the tailer's fast path, no ``RequestRecord`` built).
/// A sink stores `records` first, then `scanned`, each in order.
public struct IngestBatch: Sendable {
    public var records: [IngestedRecord]
    public var scanned: [ScannedRecord]
    /// Holds the lines and column strings of ``scanned``.
    public var arena: LineArena?
    /// For sinks that want them (``IngestSink/wantsRawLines``): each scanned record's line as read, unpacked,
    /// in ``rawLines`` at ``rawRanges`` (aligned with ``scanned``). An in-process analyzer decodes them on its own
    /// thread, so the tailer's thread does no more work with analysis on than without.
    public var rawLines: LineArena?
    public var rawRanges: [Range<Int>] = []
    public var deadLetters: [DeadLetter]
    public var checkpoints: [FileCheckpoint]

    public init(records: [IngestedRecord] = [], deadLetters: [DeadLetter] = [], checkpoints: [FileCheckpoint] = []) {
        self.records = records
        self.scanned = []
        self.arena = nil
        self.deadLetters = deadLetters
        self.checkpoints = checkpoints
    }

    public var isEmpty: Bool { records.isEmpty && scanned.isEmpty && deadLetters.isEmpty && checkpoints.isEmpty }
    /// Records of either kind.
    public var recordCount: Int { records.count + scanned.count }
}

/// The result of committing a batch.
public struct IngestCommitResult: Sendable, Equatable {
    /// Records newly stored.
    public var inserted: Int
    /// Records whose `request_id` was already stored (re-ingestion is a no-op).
    public var duplicates: Int
    public var deadLettered: Int
    /// Aligned with the batch's records (then its scanned records): each stored record's row id, 0 for a duplicate; empty when the sink
    /// has no row ids. Lets an in-process analyzer fold in exactly the rows stored (see `AnalyzingIngestSink`).
    public var insertedRowIDs: [Int64]

    public init(inserted: Int, duplicates: Int, deadLettered: Int, insertedRowIDs: [Int64] = []) {
        self.inserted = inserted
        self.duplicates = duplicates
        self.deadLettered = deadLettered
        self.insertedRowIDs = insertedRowIDs
    }
}

/// Where the ingester writes. The SQLite store implements it; a server database can later.
///
/// `commit` must be atomic: the checkpoints become visible together with the records and
/// dead letters they cover, or not at all. That is what makes ingestion exactly once.
public protocol IngestSink: Sendable {
    func checkpoint(fingerprint: String) throws -> FileCheckpoint?
    func commit(_ batch: IngestBatch) throws -> IngestCommitResult
    /// Whether the sink stores ``IngestBatch/scanned`` records; sinks that need decoded ``RequestRecord``s
    /// (an in-process analyzer, tests that look at them) keep the default, false.
    var acceptsScannedRecords: Bool { get }
    /// Whether the sink also wants each scanned record's line as read (``IngestBatch/rawLines``): the in-process
    /// analyzer, which decodes them off the tailer's thread.
    var wantsRawLines: Bool { get }
}

extension IngestSink {
    public var acceptsScannedRecords: Bool { false }
    public var wantsRawLines: Bool { false }
}
