public import DriftwatchCore
public import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads log files (through ``FileTailer``), decodes their lines and commits them in bounded batches
/// with the checkpoints that cover them, so a crash at any point loses and duplicates nothing.
///
/// Lines become ``IngestedRecord``s (the raw line kept) or ``DeadLetter``s (the decoder's code, or
/// `line_too_long`). A batch holds at most ``IngestConfiguration/batchMaxRecords`` lines or
/// ``IngestConfiguration/batchMaxBytes`` bytes of lines; it is committed as soon as it is full, in the
/// middle of a read chunk if need be, and reading stops meanwhile, so memory does not grow with the backlog. Each checkpoint records, per fingerprint, the
/// offset just after the last line in the batch; offsets advance in memory as lines are handed out and
/// become durable only through ``IngestSink/commit(_:)``.
///
/// Not thread-safe: one task drives it (``TailerService``, a backfill, a test calling ``pollOnce(discover:shouldStop:)``).
public final class IngestPipeline {
    public let configuration: IngestConfiguration
    public let stats: IngestStats
    private let sink: any IngestSink
    private let tailer: FileTailer
    private let decoder = RecordDecoder()
    /// Whether lines go to the sink as ``ScannedRecord``s (see ``RecordColumnScanner``) rather than decoded.
    private let scansRecords: Bool
    /// Set for sources in another format than v1; nil decodes format v1 lines (the fast path).
    private let lineDecoder: (any RecordLineDecoder)?
    private let logger: Logger
    private let wallClockMicros: @Sendable () -> Int64
    private let buffer: UnsafeMutableRawBufferPointer
    private var batch = IngestBatch()
    /// The current batch's lines (see ``LineArena``); replaced after every commit.
    private var arena: LineArena
    /// The scanned lines as read, for a sink that wants them (``IngestSink/wantsRawLines``).
    private let keepsRawLines: Bool
    private var rawArena: LineArena
    private var batchBytes = 0
    private var counters = IngestSnapshot()
    private var deadLetterShare = DeadLetterShare()
    /// Files most of whose first lines were dead-lettered, in the order found (each also logged as a
    /// warning; the first 100 kept).
    public private(set) var mostlyDeadLettered: [DeadLetterWarning] = []

    /// Follows the files matching `patterns` (glob(3) syntax).
    public convenience init(
        patterns: [String],
        sink: any IngestSink,
        configuration: IngestConfiguration = IngestConfiguration(),
        logger: Logger = Logger(label: "driftwatch.ingest"),
        stats: IngestStats = IngestStats(),
        lineDecoder: (any RecordLineDecoder)? = nil,
        wallClockMicros: @escaping @Sendable () -> Int64 = IngestPipeline.systemWallClockMicros
    ) {
        self.init(discovery: FileDiscovery(patterns: patterns), sink: sink, configuration: configuration,
                  logger: logger, stats: stats, lineDecoder: lineDecoder, wallClockMicros: wallClockMicros)
    }

    public init(
        discovery: FileDiscovery,
        sink: any IngestSink,
        configuration: IngestConfiguration = IngestConfiguration(),
        logger: Logger = Logger(label: "driftwatch.ingest"),
        stats: IngestStats = IngestStats(),
        lineDecoder: (any RecordLineDecoder)? = nil,
        wallClockMicros: @escaping @Sendable () -> Int64 = IngestPipeline.systemWallClockMicros
    ) {
        self.configuration = configuration
        self.lineDecoder = lineDecoder
        self.sink = sink
        self.scansRecords = sink.acceptsScannedRecords && lineDecoder == nil
        self.keepsRawLines = scansRecords && sink.wantsRawLines
        self.logger = logger
        self.stats = stats
        self.wallClockMicros = wallClockMicros
        self.tailer = FileTailer(discovery: discovery, configuration: configuration, logger: logger) { fingerprint in
            try sink.checkpoint(fingerprint: fingerprint)
        }
        buffer = .allocate(byteCount: max(1, configuration.readChunkBytes), alignment: 16)
        arena = LineArena(capacity: Self.arenaCapacity(configuration))
        rawArena = LineArena(capacity: keepsRawLines ? Self.arenaCapacity(configuration) : 64)
    }

    private static func arenaCapacity(_ configuration: IngestConfiguration) -> Int {
        min(configuration.batchMaxBytes + configuration.maxLineBytes, 64 << 20)
    }

    deinit { buffer.deallocate() }

    /// Expands the globs again and opens new files.
    public func discover() throws {
        try tailer.discover()
        publish()
    }

    /// What one ``pollOnce(discover:shouldStop:)`` did.
    public struct PollSummary: Sendable, Equatable {
        public var lines: UInt64 = 0
        public var bytes: UInt64 = 0
        public var commits: Int = 0
        public init() {}
    }

    /// Reads every file until it is caught up (or `shouldStop` says so between chunks), committing
    /// whenever a batch is full and once at the end.
    @discardableResult
    public func pollOnce(discover: Bool = true, shouldStop: () -> Bool = { false }) throws -> PollSummary {
        let before = counters
        let bytesBefore = tailer.bytesRead
        var summary = PollSummary()
        if !batch.isEmpty { summary.commits += try commit() }  // left over by a failed commit
        if discover || tailer.needsDiscovery { try tailer.discover() }
        try tailer.refresh()
        if tailer.needsDiscovery {
            // A truncation was found: pick up the rotated copy before reading on.
            try tailer.discover()
            try tailer.refresh()
        }
        while !shouldStop() {
            // A commit that fails in the middle of a chunk (disk full) must not drop the rest of the chunk, which the
            // file has already been read past: its lines go on into the batch, and the failure is raised after it.
            var failed: (any Error)?
            let progressed = try tailer.readNext(into: buffer) { fingerprint, path, event in
                add(event, fingerprint: fingerprint, path: path)
                if isBatchFull && failed == nil {
                    do { summary.commits += try commit() } catch { failed = error }
                }
            }
            if let failed { throw failed }
            if !progressed { break }
        }
        summary.commits += try commit()
        tailer.closeIdle()
        deadLetterShare.judgeEarly()
        reportDeadLetterShares()
        publish()
        summary.lines = counters.lines - before.lines
        summary.bytes = tailer.bytesRead - bytesBefore
        return summary
    }

    /// Commits the current batch with the checkpoints of every file that advanced; returns 1 if
    /// something was committed. On failure the batch is kept and the error rethrown.
    @discardableResult
    public func commit() throws -> Int {
        let checkpoints = tailer.dirtyCheckpoints(nowMicros: wallClockMicros())
        guard batch.recordCount > 0 || !batch.deadLetters.isEmpty || !checkpoints.isEmpty else { return 0 }
        batch.checkpoints = checkpoints
        batch.arena = batch.scanned.isEmpty ? nil : arena
        batch.rawLines = keepsRawLines && !batch.scanned.isEmpty ? rawArena : nil
        let result = try sink.commit(batch)
        tailer.markCommitted(checkpoints)
        counters.inserted += UInt64(result.inserted)
        counters.duplicates += UInt64(result.duplicates)
        counters.commits += 1
        counters.lastCommitMicros = wallClockMicros()
        // Emptied rather than replaced: the records array keeps its capacity (records are large structs).
        batch.records.removeAll(keepingCapacity: true)
        batch.scanned.removeAll(keepingCapacity: true)
        batch.arena = nil
        batch.rawLines = nil
        batch.rawRanges.removeAll(keepingCapacity: true)
        batch.deadLetters.removeAll()
        batch.checkpoints.removeAll()
        if isKnownUniquelyReferenced(&arena) {
            arena.removeAll()  // no record of the committed batch is kept elsewhere
        } else {
            arena = LineArena(capacity: Self.arenaCapacity(configuration))
        }
        if keepsRawLines {
            // The analyzer may still be reading the last batch's lines on its thread.
            if isKnownUniquelyReferenced(&rawArena) { rawArena.removeAll() } else { rawArena = LineArena(capacity: Self.arenaCapacity(configuration)) }
        }
        batchBytes = 0
        publish()
        afterCommit?()
        logger.trace("committed batch", metadata: [
            "inserted": "\(result.inserted)", "duplicates": "\(result.duplicates)", "dead_letters": "\(result.deadLettered)",
        ])
        return 1
    }

    private var isBatchFull: Bool {
        batch.recordCount + batch.deadLetters.count >= configuration.batchMaxRecords || batchBytes >= configuration.batchMaxBytes
    }

    /// Logs and keeps the warnings of ``DeadLetterShare`` found since the last call.
    private func reportDeadLetterShares() {
        for warning in deadLetterShare.takeWarnings() {
            logger.warning("most of the first lines of a log file were dead-lettered", metadata: [
                "path": "\(warning.path)", "lines": "\(warning.lines)", "dead_letters": "\(warning.deadLetters)",
                "first_reason": "\(warning.firstReason)",
                "hint": "if the service logs its own field names, map them with fields: in its source (docs/configuration.md)",
            ])
            if mostlyDeadLettered.count < 100 { mostlyDeadLettered.append(warning) }
        }
    }

    /// Judges every file read so far, however few its lines (the end of a backfill).
    package func judgeDeadLetterShares() {
        deadLetterShare.judgeAll()
        reportDeadLetterShares()
    }

    private func add(_ event: LineEvent, fingerprint: String, path: String) {
        counters.lines += 1
        let deadBefore = counters.deadLetters
        defer {
            deadLetterShare.note(fingerprint: fingerprint, path: path,
                                 deadReason: counters.deadLetters == deadBefore ? nil : batch.deadLetters.last?.reason)
        }
        switch event {
        case .line(let offset, _, let bytes):
            batchBytes += bytes.count
            do throws(RecordDecodingError) {
                if scansRecords {
                    // The fast path: columns straight from the bytes; lines it leaves alone get the decoder.
                    // The line goes into the arena packed (see ``LinePacking``), as the store keeps it.
                    let arena = self.arena
                    // Scanned in place into the batch's next slot: a record's columns are a 240-byte
                    // struct, and returning and appending them cost three copies (~2% of ingest).
                    batch.scanned.append(ScannedRecord(columns: RecordColumns(), line: 0..<0, packed: true))
                    let placed = batch.scanned.withUnsafeMutableBufferPointer { items -> Bool in
                        let last = items.baseAddress! + (items.count - 1)
                        guard let range = arena.appendScanned(bytes, columns: &last.pointee.columns) else { return false }
                        last.pointee.line = range
                        return true
                    }
                    if !placed {
                        batch.scanned.removeLast()
                        let record = try decoder.decode(bytes)
                        let range = arena.appendLine(bytes)
                        batch.scanned.append(ScannedRecord(columns: RecordColumns(record, arena: arena), line: range))
                    }
                    if keepsRawLines { batch.rawRanges.append(rawArena.append(bytes)) }
                    counters.records += 1
                } else if let lineDecoder {
                    let records = try lineDecoder.records(fromLine: bytes)
                    batch.records.append(contentsOf: records)
                    counters.records += UInt64(records.count)
                } else {
                    // Decoded for a sink that needs records (analysis on); the line is still kept packed
                    // when the scanner takes it, so the store's lines are the same size either way.
                    let record = try decoder.decode(bytes)
                    var columns = RecordColumns()
                    if let range = arena.appendScanned(bytes, columns: &columns) {
                        batch.records.append(IngestedRecord(record: consume record, arena: arena, range: range, packed: true))
                    } else {
                        let range = arena.appendLine(bytes)
                        batch.records.append(IngestedRecord(record: consume record, arena: arena, range: range))
                    }
                    counters.records += 1
                }
            } catch {
                batch.deadLetters.append(DeadLetter(
                    source: path, fingerprint: fingerprint, offset: offset, length: UInt64(bytes.count),
                    raw: bytes, code: error.code, reason: error.reason
                ))
                counters.deadLetters += 1
                counters.deadLettersByCode[error.code, default: 0] += 1
            }
        case .oversized(let offset, let length, _, let prefix):
            batchBytes += prefix.count
            batch.deadLetters.append(DeadLetter(
                source: path, fingerprint: fingerprint, offset: offset, length: length, raw: prefix,
                code: "line_too_long",
                reason: "line of \(length) bytes exceeds the limit of \(configuration.maxLineBytes) bytes (max_line_bytes)"
            ))
            counters.deadLetters += 1
            counters.deadLettersByCode["line_too_long", default: 0] += 1
        }
    }

    /// The current counters and per-file status, also published to ``stats``.
    public var snapshot: IngestSnapshot {
        var s = counters
        s.bytesRead = tailer.bytesRead
        s.truncations = tailer.truncations
        s.fileErrors = tailer.fileErrors
        s.files = tailer.statuses()
        s.filesWatched = s.files.count
        return s
    }

    private func publish() {
        stats.publish(snapshot, from: self)
    }

    /// Notes a commit that failed and will be retried (see ``TailerService``): counted, and the pipeline is paused
    /// from the first failure until ``resumed()``.
    package func commitFailed() {
        counters.commitRetries += 1
        if counters.pausedSinceMicros == nil { counters.pausedSinceMicros = wallClockMicros() }
        publish()
    }

    /// Commits succeed again; returns how long reading was paused, in microseconds (nil if it was not).
    @discardableResult
    package func resumed() -> Int64? {
        guard let since = counters.pausedSinceMicros else { return nil }
        counters.pausedSinceMicros = nil
        publish()
        return wallClockMicros() - since
    }

    /// Closes every file descriptor; the pipeline can go on (files are reopened by discovery).
    public func closeFiles() {
        tailer.closeAll()
    }

    /// Called after every successful commit (backfill progress reports).
    package var afterCommit: (() -> Void)?

    package var diskProgress: (done: UInt64, total: UInt64) { tailer.diskProgress }
    package var filesWithPartialLine: [String] { tailer.filesWithPartialLine }
    package var filesWithoutIdentity: [String] { tailer.filesWithoutIdentity }

    /// Microseconds since the Unix epoch from `CLOCK_REALTIME`.
    public static let systemWallClockMicros: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
