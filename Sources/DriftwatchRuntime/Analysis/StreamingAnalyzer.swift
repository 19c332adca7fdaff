public import DriftwatchAnalysis
public import DriftwatchCore

/// Records one ingest commit stored, with their row ids: what the analyzer folds in without reading them back.
///
/// Decoded records (a source with a field mapping decodes on the tailer's thread anyway), then lines as read
/// (format v1 lines the tailer only scanned: the analyzer decodes them on its own thread, so analysis costs the
/// tailer nothing but a copy of each line). A queued hand-over keeps at most one batch's lines alive.
public struct CommittedRecords: Sendable {
    public var records: [RequestRecord]
    /// Format v1 lines, after `records`.
    public var lines: CommittedLines?
    /// Aligned with `records` then `lines`: the stored row id, 0 where the record was a duplicate and not stored.
    public var rowIDs: [Int64]

    public init(records: [RequestRecord], lines: CommittedLines? = nil, rowIDs: [Int64]) {
        self.records = records
        self.lines = lines
        self.rowIDs = rowIDs
    }

    /// Records and lines.
    public var count: Int { records.count + (lines?.ranges.count ?? 0) }

    /// Records actually stored.
    public var storedCount: Int { rowIDs.reduce(0) { $1 > 0 ? $0 + 1 : $0 } }
}

/// Lines of one commit as read, back to back in `arena` (read only once handed over).
public struct CommittedLines: Sendable {
    public var arena: LineArena
    public var ranges: [Range<Int>]

    public init(arena: LineArena, ranges: [Range<Int>]) {
        self.arena = arena
        self.ranges = ranges
    }
}

/// Follows ingest in-process: folds the records each ingest commit stored straight into the engine (no second
/// decode, no read back) and commits the analyzer's state with its checkpoint every `commitEvery` records.
///
/// Row ids are the proof of exactly-once: rows at or below the engine's checkpoint are skipped, and when the
/// first new row is not the one right after it (analysis fell behind, a hand-over was dropped, another writer
/// such as the OTLP receiver stored rows, or this process restarted) it catches up from the store instead,
/// which reads every row after the checkpoint.
public struct StreamingAnalyzer: Sendable {
    public let persistence: AnalysisPersistence
    public private(set) var engine: AnalysisEngine
    /// Records folded since the last commit.
    public private(set) var uncommitted = 0
    public let commitEvery: Int
    /// Rows folded from hand-overs and rows read back from the store.
    public private(set) var streamedRows = 0
    public private(set) var storeRows = 0
    /// What commits and catch-ups did (incident events, conflicts, undecodable rows).
    public private(set) var progress = AnalysisPersistence.Progress()
    /// The checkpoint as last committed.
    private var committedRowID: Int64
    private let decoder = RecordDecoder()

    public init(persistence: AnalysisPersistence, commitEvery: Int = 20_000) throws {
        self.persistence = persistence
        self.commitEvery = max(1, commitEvery)
        engine = try persistence.load()
        committedRowID = engine.lastRowID
    }

    /// Folds one commit's records in, or catches up from the store when they are not the next rows.
    public mutating func fold(_ batch: CommittedRecords) throws {
        let last = engine.lastRowID
        guard let first = batch.rowIDs.firstIndex(where: { $0 > last }) else { return }
        guard batch.rowIDs[first] == last + 1, batch.rowIDs.count == batch.count else {
            try catchUp()
            return
        }
        var folded = 0
        engine.wallClockMicros = WallClock.nowMicros()
        for i in min(first, batch.records.count)..<batch.records.count {
            let id = batch.rowIDs[i]
            guard id > 0 else { continue }
            var record = batch.records[i]
            persistence.bounds.apply(&record)
            engine.ingest(record, rowID: id)
            folded += 1
        }
        if let lines = batch.lines {
            let offset = batch.records.count
            lines.arena.withUnsafeBytes { bytes in
                for j in max(0, first - offset)..<lines.ranges.count {
                    let id = batch.rowIDs[offset + j]
                    guard id > 0 else { continue }
                    do throws(RecordDecodingError) {
                        var record = try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[lines.ranges[j]]))
                        persistence.bounds.apply(&record)
                        engine.ingest(record, rowID: id)
                        folded += 1
                    } catch {
                        // Stored by the scanner but not a record the decoder reads: skipped, as a catch-up skips it.
                        engine.skip(rowID: id)
                        progress.undecodable += 1
                    }
                }
            }
        }
        streamedRows += folded
        uncommitted += folded
        if uncommitted >= commitEvery { try flush() }
    }

    /// Commits what was folded since the last commit; on a conflict (another analyzer committed first) reloads.
    public mutating func flush() throws {
        guard uncommitted > 0 || engine.lastRowID != committedRowID else { return }
        var changes = engine.takeChanges()
        progress.exports += try persistence.export(&changes, engine: &engine)
        if try persistence.commit(changes, expectedLastRowID: committedRowID) {
            for event in changes.events { progress.events[event.kind, default: 0] += 1 }
        } else {
            progress.conflicts += 1
            engine = try persistence.load()
        }
        progress.rows += uncommitted
        committedRowID = engine.lastRowID
        uncommitted = 0
    }

    /// Commits, then analyses every stored row after the checkpoint (at most `maxRows`); returns the rows read.
    @discardableResult
    public mutating func catchUp(batchSize: Int = 20_000, maxRows: Int = .max) throws -> Int {
        try flush()
        let step = try persistence.catchUp(&engine, batchSize: batchSize, maxRows: maxRows)
        progress.rows += step.rows
        progress.undecodable += step.undecodable
        progress.conflicts += step.conflicts
        progress.exports += step.exports
        for (kind, n) in step.events { progress.events[kind, default: 0] += n }
        storeRows += step.rows
        committedRowID = engine.lastRowID
        return step.rows
    }

    /// What commits and catch-ups did since the last call.
    public mutating func takeProgress() -> AnalysisPersistence.Progress {
        defer { progress = AnalysisPersistence.Progress() }
        return progress
    }

    /// Drops uncommitted state and reloads the last committed one (after a failed commit).
    public mutating func reload() throws {
        engine = try persistence.load()
        committedRowID = engine.lastRowID
        uncommitted = 0
    }
}
