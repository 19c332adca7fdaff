import DriftwatchCore

extension SQLiteStore {
    public func summary() throws -> StoreSummary {
        try withConnection { connection in
            let records = try connection.scalarInt("SELECT COALESCE(SUM(count), 0) FROM record_blocks")
            let deadLetters = try connection.scalarInt("SELECT COUNT(*) FROM dead_letters")
            let duplicates = try connection.scalarInt("SELECT COALESCE((SELECT value FROM ingest_totals WHERE name = 'duplicates'), 0)")
            let range = try connection.prepare("SELECT MIN(ts_min), MAX(ts_max), MAX(ingested_at) FROM record_blocks")
            _ = try range.step()
            let pageCount = try connection.scalarInt("PRAGMA page_count")
            let pageSize = try connection.scalarInt("PRAGMA page_size")
            let freePages = try connection.scalarInt("PRAGMA freelist_count")
            let statement = try connection.prepare("""
                SELECT fingerprint, path, offset, device, inode, lines, updated_at
                FROM file_checkpoints ORDER BY updated_at DESC
                """)
            var checkpoints: [FileCheckpoint] = []
            while try statement.step() { checkpoints.append(Self.checkpoint(from: statement)) }
            return StoreSummary(
                records: records,
                deadLetters: deadLetters,
                duplicates: duplicates,
                oldestRecordMicros: range.optionalInt64(0),
                newestRecordMicros: range.optionalInt64(1),
                lastIngestMicros: range.optionalInt64(2),
                databaseBytes: pageCount * pageSize,
                freeBytes: freePages * pageSize,
                checkpoints: checkpoints,
                schemaVersion: Int(try connection.scalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
            )
        }
    }

    /// Dead letters, newest first.
    public func deadLetters(limit: Int = 100, offset: Int = 0) throws -> [StoredDeadLetter] {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT id, source, fingerprint, offset, length, code, reason, raw, created_at
                FROM dead_letters ORDER BY id DESC LIMIT ? OFFSET ?
                """)
            statement.bind(1, Int64(limit))
            statement.bind(2, Int64(offset))
            var result: [StoredDeadLetter] = []
            while try statement.step() {
                let letter = DeadLetter(
                    source: statement.text(1) ?? "",
                    fingerprint: statement.text(2) ?? "",
                    offset: UInt64(max(0, statement.int64(3))),
                    length: UInt64(max(0, statement.int64(4))),
                    raw: statement.blob(7),
                    code: statement.text(5) ?? "",
                    reason: statement.text(6) ?? ""
                )
                result.append(StoredDeadLetter(id: statement.int64(0), letter: letter, createdAtMicros: statement.int64(8)))
            }
            return result
        }
    }

    /// Number of records matching `query` (its limit ignored).
    public func countRecords(_ query: RecordQuery = RecordQuery()) throws -> Int64 {
        try withConnection { connection in
            var total: Int64 = 0
            try StoredBlock.scan(connection, from: query.from, to: query.to, withLines: query.needsLine, decodeEntries: true) { block in
                if !query.filtersColumns, query.from.map({ block.tsMin >= $0 }) ?? true, query.to.map({ block.tsMax < $0 }) ?? true {
                    total += Int64(block.count)  // wholly inside the time range
                    return true
                }
                for entry in block.entries where query.matches(entry, line: { block.line(entry) }) { total += 1 }
                return true
            }
            return total
        }
    }

    /// The stored raw lines of records matching `query`, oldest first (by timestamp, then row id).
    public func rawRecords(_ query: RecordQuery = RecordQuery()) throws -> [[UInt8]] {
        try storedRecords(query).map(\.line)
    }

    /// One stored record as `driftwatch records` and the training export read it: its stored line with the
    /// columns they label it by.
    public struct StoredRecord: Sendable, Equatable {
        public var row: Int64
        public var requestID: String
        public var timestampMicros: Int64
        public var task: String?
        public var outcome: String?
        public var line: [UInt8]
    }

    /// Records matching `query` with their lines, oldest first (by timestamp, then row id).
    public func storedRecords(_ query: RecordQuery = RecordQuery()) throws -> [StoredRecord] {
        try withConnection { connection in
            var found: [StoredRecord] = []
            // Blocks come in row order, which is roughly time order: with a limit, the scan can stop once
            // the kept records are all older than every later block can hold.
            var blocks: [StoredBlock] = []
            try StoredBlock.scan(connection, from: query.from, to: query.to, withLines: false, decodeEntries: false) { block in
                blocks.append(block)
                return true
            }
            blocks.sort { ($0.tsMin, $0.firstRow) < ($1.tsMin, $1.firstRow) }
            let statement = try connection.prepare("SELECT columns, lines FROM record_blocks WHERE first_row = ?")
            let order: (StoredRecord, StoredRecord) -> Bool = { ($0.timestampMicros, $0.row) < ($1.timestampMicros, $1.row) }
            for block in blocks {
                if let limit = query.limit, found.count >= limit {
                    found.sort(by: order)
                    found.removeLast(found.count - limit)
                    if let newest = found.last?.timestampMicros, block.tsMin > newest { break }
                }
                statement.bind(1, block.firstRow)
                guard try statement.step() else { statement.reset(); continue }
                let entries = try RecordBlockReader.entries(statement.blob(0), block: block.firstRow)
                let lines = statement.blob(1)
                statement.reset()
                let stored = StoredBlock(firstRow: block.firstRow, lastRow: block.lastRow, count: block.count, tsMin: block.tsMin,
                                         tsMax: block.tsMax, ingestedAt: block.ingestedAt, entries: entries, lines: lines)
                for entry in entries where query.matches(entry, line: { stored.line(entry) }) {
                    found.append(StoredRecord(row: entry.row, requestID: entry.requestID, timestampMicros: entry.timestampMicros,
                                              task: entry.task, outcome: entry.outcome, line: stored.line(entry)))
                }
            }
            found.sort(by: order)
            if let limit = query.limit, found.count > limit { found.removeLast(found.count - limit) }
            return found
        }
    }

    /// The `request_id`s of records matching `query`, in stored order.
    public func requestIDs(_ query: RecordQuery = RecordQuery()) throws -> [String] {
        try withConnection { connection in
            var result: [String] = []
            try StoredBlock.scan(connection, from: query.from, to: query.to, withLines: query.needsLine) { block in
                for entry in block.entries where query.matches(entry, line: { block.line(entry) }) {
                    if let limit = query.limit, result.count >= limit { return false }
                    result.append(entry.requestID)
                }
                return query.limit.map { result.count < $0 } ?? true
            }
            return result
        }
    }
}

extension SQLiteStore {
    /// A stored record's row id and raw line, for consumers that follow the table by row id
    /// (the analyzer keeps the last id it processed, committed with its own state).
    public struct RawRow: Sendable, Equatable {
        public var id: Int64
        public var raw: [UInt8]
    }

    /// Up to `limit` records with row id greater than `id`, in row id order.
    public func records(afterID id: Int64, limit: Int) throws -> [RawRow] {
        try withConnection { connection in
            var rows: [RawRow] = []
            rows.reserveCapacity(min(limit, 1 << 16))
            guard limit > 0 else { return rows }
            try StoredBlock.scan(connection, startingAtRow: id + 1, withLines: true) { block in
                guard block.lastRow > id else { return true }
                for entry in block.entries where entry.row > id {
                    rows.append(RawRow(id: entry.row, raw: block.line(entry)))
                    if rows.count >= limit { return false }
                }
                return true
            }
            return rows
        }
    }
}

extension SQLiteStore {
    /// Timestamp of the newest stored record (an index lookup, cheap enough for every scrape).
    public func newestRecordMicros() throws -> Int64? {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT MAX(ts_max) FROM record_blocks")
            _ = try statement.step()
            return statement.optionalInt64(0)
        }
    }
}

extension SQLiteStore {
    /// About how many records are stored after row `id` (from the blocks' row ranges, without reading them): the
    /// total of a catch-up's progress line.
    public func countRecords(afterRowID id: Int64) throws -> Int {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT COALESCE(SUM(CASE WHEN first_row > ?1 THEN count ELSE MIN(count, last_row - ?1) END), 0)
                FROM record_blocks WHERE last_row > ?1
                """)
            statement.bind(1, id)
            _ = try statement.step()
            return Int(statement.int64(0))
        }
    }
}
