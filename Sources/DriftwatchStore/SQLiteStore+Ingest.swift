public import DriftwatchCore

extension SQLiteStore: IngestSink {
    public var acceptsScannedRecords: Bool { true }

    public func checkpoint(fingerprint: String) throws -> FileCheckpoint? {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT fingerprint, path, offset, device, inode, lines, updated_at
                FROM file_checkpoints WHERE fingerprint = ?
                """)
            statement.bind(1, fingerprint)
            guard try statement.step() else { return nil }
            return Self.checkpoint(from: statement)
        }
    }

    /// Stores records (ignoring `request_id`s already stored), dead letters (ignoring ones already
    /// stored for the same file and offset) and checkpoints in one transaction.
    public func commit(_ batch: IngestBatch) throws -> IngestCommitResult {
        if batch.isEmpty { return IngestCommitResult(inserted: 0, duplicates: 0, deadLettered: 0) }
        return try withState { state in
            try state.connection.transaction { try Self.write(batch, state: state) }
        }
    }

    /// The body of ``commit(_:)``, for callers that add their own rows to the same transaction.
    static func write(_ batch: IngestBatch, state: State) throws -> IngestCommitResult {
        let connection = state.connection
        let now = WallClock.nowMicros()
        var deadLettered = 0
        let (inserted, rowIDs) = try RecordBlockWriter.insert(batch, ingestedAt: now, state: state)
        if !batch.deadLetters.isEmpty {
            let statement = try state.insertDeadLetter ?? connection.prepare("""
                INSERT OR IGNORE INTO dead_letters (source, fingerprint, offset, length, code, reason, raw, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            state.insertDeadLetter = statement
            for letter in batch.deadLetters {
                statement.bind(1, letter.source)
                statement.bind(2, letter.fingerprint)
                statement.bind(3, Int64(letter.offset))
                statement.bind(4, Int64(letter.length))
                statement.bind(5, letter.code)
                statement.bind(6, letter.reason)
                statement.bindBlob(7, letter.raw)
                statement.bind(8, now)
                try statement.step()
                statement.reset()
                deadLettered += connection.changes
            }
        }
        if !batch.checkpoints.isEmpty {
            let statement = try state.upsertCheckpoint ?? connection.prepare("""
                INSERT INTO file_checkpoints (fingerprint, path, offset, device, inode, lines, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(fingerprint) DO UPDATE SET path = excluded.path, offset = excluded.offset,
                    device = excluded.device, inode = excluded.inode, lines = excluded.lines,
                    updated_at = excluded.updated_at
                """)
            state.upsertCheckpoint = statement
            for checkpoint in batch.checkpoints {
                statement.bind(1, checkpoint.fingerprint)
                statement.bind(2, checkpoint.path)
                statement.bind(3, Int64(checkpoint.offset))
                statement.bind(4, Int64(bitPattern: checkpoint.device))
                statement.bind(5, Int64(bitPattern: checkpoint.inode))
                statement.bind(6, Int64(checkpoint.lines))
                statement.bind(7, checkpoint.updatedAtMicros)
                try statement.run()
            }
        }
        let duplicates = batch.recordCount - inserted
        let totals = try state.addTotal ?? connection.prepare("""
            INSERT INTO ingest_totals (name, value) VALUES (?, ?)
            ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
            """)
        state.addTotal = totals
        for (name, value) in [("duplicates", duplicates), ("dead_letters_seen", batch.deadLetters.count)] where value > 0 {
            totals.bind(1, name)
            totals.bind(2, Int64(value))
            try totals.run()
        }
        return IngestCommitResult(inserted: inserted, duplicates: duplicates, deadLettered: deadLettered, insertedRowIDs: rowIDs)
    }

    static func checkpoint(from statement: SQLiteStatement) -> FileCheckpoint {
        FileCheckpoint(
            fingerprint: statement.text(0) ?? "",
            path: statement.text(1) ?? "",
            offset: UInt64(max(0, statement.int64(2))),
            device: UInt64(bitPattern: statement.int64(3)),
            inode: UInt64(bitPattern: statement.int64(4)),
            lines: UInt64(max(0, statement.int64(5))),
            updatedAtMicros: statement.int64(6)
        )
    }
}
