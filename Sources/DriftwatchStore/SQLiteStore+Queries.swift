import DriftwatchCore

extension SQLiteStore {
    public func summary() throws -> StoreSummary {
        try withConnection { connection in
            let records = try connection.scalarInt("SELECT COUNT(*) FROM records")
            let deadLetters = try connection.scalarInt("SELECT COUNT(*) FROM dead_letters")
            let duplicates = try connection.scalarInt("SELECT COALESCE((SELECT value FROM ingest_totals WHERE name = 'duplicates'), 0)")
            let range = try connection.prepare("SELECT MIN(ts), MAX(ts), MAX(ingested_at) FROM records")
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

    /// Number of records matching `query`.
    public func countRecords(_ query: RecordQuery = RecordQuery()) throws -> Int64 {
        try withConnection { connection in
            let (clause, bindings) = query.whereClause()
            let statement = try connection.prepare("SELECT COUNT(*) FROM records \(clause)")
            Self.bind(bindings, to: statement)
            _ = try statement.step()
            return statement.int64(0)
        }
    }

    /// The stored raw lines of records matching `query`, oldest first.
    public func rawRecords(_ query: RecordQuery = RecordQuery()) throws -> [[UInt8]] {
        try withConnection { connection in
            let (clause, bindings) = query.whereClause()
            let limit = query.limit.map { " LIMIT \($0)" } ?? ""
            let statement = try connection.prepare("SELECT raw FROM records \(clause) ORDER BY ts, id\(limit)")
            Self.bind(bindings, to: statement)
            var result: [[UInt8]] = []
            while try statement.step() { result.append(statement.blob(0)) }  // TEXT read as bytes
            return result
        }
    }

    /// The `request_id`s of records matching `query`, in stored order.
    public func requestIDs(_ query: RecordQuery = RecordQuery()) throws -> [String] {
        try withConnection { connection in
            let (clause, bindings) = query.whereClause()
            let limit = query.limit.map { " LIMIT \($0)" } ?? ""
            let statement = try connection.prepare("SELECT request_id FROM records \(clause) ORDER BY id\(limit)")
            Self.bind(bindings, to: statement)
            var result: [String] = []
            while try statement.step() { result.append(statement.text(0) ?? "") }
            return result
        }
    }

    static func bind(_ bindings: [RecordQuery.Binding], to statement: SQLiteStatement) {
        for (i, binding) in bindings.enumerated() {
            switch binding {
            case .int(let v): statement.bind(Int32(i + 1), v)
            case .text(let v): statement.bind(Int32(i + 1), v)
            }
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
            let statement = try connection.prepare("SELECT id, raw FROM records WHERE id > ? ORDER BY id LIMIT ?")
            statement.bind(1, id)
            statement.bind(2, Int64(limit))
            var rows: [RawRow] = []
            rows.reserveCapacity(limit)
            while try statement.step() { rows.append(RawRow(id: statement.int64(0), raw: statement.blob(1))) }
            return rows
        }
    }
}

extension SQLiteStore {
    /// Timestamp of the newest stored record (an index lookup, cheap enough for every scrape).
    public func newestRecordMicros() throws -> Int64? {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT MAX(ts) FROM records")
            _ = try statement.step()
            return statement.optionalInt64(0)
        }
    }
}
