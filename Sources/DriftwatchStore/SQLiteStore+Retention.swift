public import DriftwatchCore

extension SQLiteStore {
    /// Deletes records (and dead letters) beyond the policy, with their `request_id` keys. Freed pages are
    /// reused by new records (and returned to the file system in databases created with incremental
    /// auto-vacuum by earlier versions). Checkpoints are kept, so deleted lines are never read again.
    ///
    /// By age, exactly the records older than the cutoff go (a block holding both is rewritten with the
    /// newer ones). By size, whole blocks go, oldest first, until the file's used pages fit.
    public func applyRetention(_ policy: RetentionPolicy, nowMicros: Int64 = WallClock.nowMicros()) throws -> RetentionResult {
        try applyRetention(policy, nowMicros: nowMicros, blocksPerTransaction: Self.retentionBlocksPerTransaction)
    }

    /// Blocks one retention transaction deletes at most (~128k records): the store's lock and SQLite's write lock are
    /// released between transactions, so the tailer, the OTLP receiver and readers wait for one such batch at most,
    /// never for a whole pass over a large backlog.
    public static let retentionBlocksPerTransaction = 64

    /// ``applyRetention(_:nowMicros:)`` in transactions of at most `blocksPerTransaction` blocks; `betweenTransactions`
    /// runs with no lock held after each (tests: another writer gets in).
    package func applyRetention(_ policy: RetentionPolicy, nowMicros: Int64, blocksPerTransaction: Int,
                                betweenTransactions: () throws -> Void = {}) throws -> RetentionResult {
        let perTransaction = max(1, blocksPerTransaction)
        var deletedRecords: Int64 = 0
        var deletedDeadLetters: Int64 = 0
        if let maxAge = policy.maxAgeMicros {
            let cutoff = nowMicros - maxAge
            // Block ids first (the index only: a first pass over a large store must not hold every expired block in
            // memory), then bounded transactions.
            var expired: [Int64] = []
            try withState { state in
                try StoredBlock.scan(state.connection, to: cutoff, withLines: false, decodeEntries: false) { block in
                    expired.append(block.firstRow)
                    return true
                }
            }
            deletedRecords += try deleteBlocks(expired, perTransaction: perTransaction, olderThan: cutoff, betweenTransactions: betweenTransactions)
            deletedDeadLetters += try withState { state in
                try state.connection.transaction {
                    let letters = try state.connection.prepare("DELETE FROM dead_letters WHERE created_at < ?")
                    letters.bind(1, cutoff)
                    try letters.run()
                    let deleted = Int64(state.connection.changes)
                    try Self.addRetentionTotals(records: 0, deadLetters: deleted, state.connection)
                    return deleted
                }
            }
        }
        // The estimate below can fall short (pages stay partly filled), so it is repeated a few times.
        for _ in 0..<4 {
            guard let maxBytes = policy.maxBytes else { break }
            // Estimate bytes per record from the current file and delete the oldest excess, aiming 10% under the limit
            // so every pass is not a deletion.
            let oldest: [Int64] = try withState { state in
                let connection = state.connection
                let used = try Self.usedBytes(connection)
                let count = try connection.scalarInt("SELECT COALESCE(SUM(count), 0) FROM record_blocks")
                guard used > maxBytes, count > 0 else { return [] }
                let perRecord = max(1, used / count)
                let excess = min(count, (used - maxBytes * 9 / 10) / perRecord + 1)
                let statement = try connection.prepare("SELECT first_row, count FROM record_blocks ORDER BY ts_max, first_row")
                var oldest: [Int64] = []
                var planned: Int64 = 0
                while planned < excess, try statement.step() {
                    oldest.append(statement.int64(0))
                    planned += statement.int64(1)
                }
                statement.reset()
                return oldest
            }
            if oldest.isEmpty { break }
            deletedRecords += try deleteBlocks(oldest, perTransaction: perTransaction, olderThan: nil, betweenTransactions: betweenTransactions)
        }
        if deletedRecords + deletedDeadLetters > 0 {
            try withState { try $0.connection.execute("PRAGMA incremental_vacuum") }
        }
        return RetentionResult(deletedRecords: deletedRecords, deletedDeadLetters: deletedDeadLetters)
    }

    /// Deletes the blocks starting at `firstRows`, `perTransaction` at a time, each transaction counting what it
    /// deleted; with `olderThan`, only their records dated before it (a block reaching past it is reloaded with its
    /// lines and rewritten with the rest). Blocks are loaded inside their transaction, so what happened between
    /// transactions cannot make them stale.
    private func deleteBlocks(_ firstRows: [Int64], perTransaction: Int, olderThan cutoff: Int64?,
                              betweenTransactions: () throws -> Void) throws -> Int64 {
        var deleted: Int64 = 0
        var next = 0
        while next < firstRows.count {
            let chunk = firstRows[next..<min(firstRows.count, next + perTransaction)]
            next += chunk.count
            deleted += try withState { state in
                try state.connection.transaction {
                    var removed: Int64 = 0
                    for firstRow in chunk {
                        guard var block = try StoredBlock.load(state.connection, firstRow: firstRow, withLines: false) else { continue }
                        if let cutoff, block.tsMax >= cutoff {
                            guard let whole = try StoredBlock.load(state.connection, firstRow: firstRow, withLines: true) else { continue }
                            block = whole
                        }
                        removed += try Self.removeBlock(block, keeping: { entry in cutoff.map { entry.timestampMicros >= $0 } ?? false }, state: state)
                    }
                    try Self.addRetentionTotals(records: removed, deadLetters: 0, state.connection)
                    return removed
                }
            }
            try betweenTransactions()
        }
        return deleted
    }

    /// How many stored records are dated before `cutoff`: what an age pass with that cutoff would delete. Whole blocks
    /// are counted from their metadata; only a block that straddles the cutoff is decoded.
    public func countRecords(olderThan cutoff: Int64) throws -> Int64 {
        try withConnection { connection in
            let whole = try connection.prepare("SELECT COALESCE(SUM(count), 0) FROM record_blocks WHERE ts_max < ?")
            whole.bind(1, cutoff)
            _ = try whole.step()
            var total = whole.int64(0)
            let straddling = try connection.prepare("SELECT first_row FROM record_blocks WHERE ts_min < ?1 AND ts_max >= ?1")
            straddling.bind(1, cutoff)
            var firstRows: [Int64] = []
            while try straddling.step() { firstRows.append(straddling.int64(0)) }
            for firstRow in firstRows {
                guard let block = try StoredBlock.load(connection, firstRow: firstRow, withLines: false) else { continue }
                total += Int64(block.entries.count { $0.timestampMicros < cutoff })
            }
            return total
        }
    }

    /// Everything retention ever deleted from this store, for `status` and `/metrics`.
    public func retentionTotals() throws -> RetentionResult {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT name, value FROM ingest_totals WHERE name IN ('retention_deleted_records', 'retention_deleted_dead_letters')
                """)
            var totals = RetentionResult(deletedRecords: 0, deletedDeadLetters: 0)
            while try statement.step() {
                if statement.text(0) == "retention_deleted_records" { totals.deletedRecords = statement.int64(1) } else { totals.deletedDeadLetters = statement.int64(1) }
            }
            return totals
        }
    }

    /// Counted in the transaction that deletes, so the totals never disagree with what is gone.
    private static func addRetentionTotals(records: Int64, deadLetters: Int64, _ connection: SQLiteConnection) throws {
        let add = try connection.prepare("""
            INSERT INTO ingest_totals (name, value) VALUES (?, ?)
            ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
            """)
        for (name, value) in [("retention_deleted_records", records), ("retention_deleted_dead_letters", deadLetters)] where value > 0 {
            add.bind(1, name)
            add.bind(2, value)
            try add.run()
        }
    }

    /// Deletes a block and the keys of its records except those `keeping` selects, which are written back
    /// as a new block with the same row ids. Returns how many records went.
    private static func removeBlock(_ block: StoredBlock, keeping: (RecordBlockEntry) -> Bool, state: State) throws -> Int64 {
        let connection = state.connection
        // Row ids are never reused, even once every block is gone: followers remember the last one they read.
        try RecordBlockWriter.raiseRowHighWater(to: block.lastRow, connection)
        let deleteKey = try connection.prepare("DELETE FROM record_keys WHERE request_id = ?")
        var kept = RecordBlockBuilder()
        var removed: Int64 = 0
        for entry in block.entries {
            if keeping(entry) {
                try block.withStoredLine(entry) { kept.append(entry, storedLine: $0) }
            } else {
                deleteKey.bind(1, entry.requestID)
                try deleteKey.run()
                removed += 1
            }
        }
        let delete = try connection.prepare("DELETE FROM record_blocks WHERE first_row = ?")
        delete.bind(1, block.firstRow)
        try delete.run()
        if !kept.isEmpty {
            let insert = try connection.prepare(RecordBlockWriter.insertBlockSQL)
            try RecordBlockWriter.write(kept, ingestedAt: block.ingestedAt, with: insert)
        }
        return removed
    }

    private static func usedBytes(_ connection: SQLiteConnection) throws -> Int64 {
        let pages = try connection.scalarInt("PRAGMA page_count") - connection.scalarInt("PRAGMA freelist_count")
        return pages * (try connection.scalarInt("PRAGMA page_size"))
    }
}
