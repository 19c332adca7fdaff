public import DriftwatchCore

extension SQLiteStore {
    /// Deletes records (and dead letters) beyond the policy. Freed pages are reused by new records
    /// (and returned to the file system in databases created with incremental auto-vacuum by
    /// earlier versions). Checkpoints are kept, so deleted lines are never read again.
    public func applyRetention(_ policy: RetentionPolicy, nowMicros: Int64 = WallClock.nowMicros()) throws -> RetentionResult {
        try withConnection { connection in
            var deletedRecords: Int64 = 0
            var deletedDeadLetters: Int64 = 0
            if let maxAge = policy.maxAgeMicros {
                let cutoff = nowMicros - maxAge
                try connection.transaction {
                    let records = try connection.prepare("DELETE FROM records WHERE ts < ?")
                    records.bind(1, cutoff)
                    try records.run()
                    deletedRecords += Int64(connection.changes)
                    let letters = try connection.prepare("DELETE FROM dead_letters WHERE created_at < ?")
                    letters.bind(1, cutoff)
                    try letters.run()
                    deletedDeadLetters += Int64(connection.changes)
                }
            }
            // The estimate below can fall short (pages stay partly filled), so it is repeated a few times.
            for _ in 0..<4 {
                guard let maxBytes = policy.maxBytes else { break }
                let used = try Self.usedBytes(connection)
                let count = try connection.scalarInt("SELECT COUNT(*) FROM records")
                guard used > maxBytes, count > 0 else { break }
                // Estimate bytes per record from the current file and delete the oldest excess,
                // aiming 10% under the limit so every pass is not a deletion.
                let perRecord = max(1, used / count)
                let excess = min(count, (used - maxBytes * 9 / 10) / perRecord + 1)
                try connection.transaction {
                    let statement = try connection.prepare("""
                        DELETE FROM records WHERE id IN (SELECT id FROM records ORDER BY ts, id LIMIT ?)
                        """)
                    statement.bind(1, excess)
                    try statement.run()
                    deletedRecords += Int64(connection.changes)
                }
            }
            if deletedRecords + deletedDeadLetters > 0 {
                try connection.execute("PRAGMA incremental_vacuum")
            }
            return RetentionResult(deletedRecords: deletedRecords, deletedDeadLetters: deletedDeadLetters)
        }
    }

    private static func usedBytes(_ connection: SQLiteConnection) throws -> Int64 {
        let pages = try connection.scalarInt("PRAGMA page_count") - connection.scalarInt("PRAGMA freelist_count")
        return pages * (try connection.scalarInt("PRAGMA page_size"))
    }
}
