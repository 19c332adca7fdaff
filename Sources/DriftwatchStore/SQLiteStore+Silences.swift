import DriftwatchCore

extension SQLiteStore {
    /// Adds (or replaces, by id) a silence.
    public func saveSilence(_ row: SilenceRow) throws {
        try withConnection { connection in
            let statement = try connection.prepare("""
                INSERT OR REPLACE INTO alert_silences (id, matchers, starts_at, ends_at, created_by, comment, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            statement.bind(1, row.id)
            statement.bind(2, row.matchers)
            statement.bind(3, row.startsAtMicros)
            statement.bind(4, row.endsAtMicros)
            statement.bind(5, row.createdBy)
            statement.bind(6, row.comment)
            statement.bind(7, row.createdAtMicros)
            try statement.run()
        }
    }

    /// Silences, newest first; with `activeAt`, only those in force at that instant.
    public func silences(activeAt: Int64? = nil) throws -> [SilenceRow] {
        try withConnection { connection in
            let clause = activeAt == nil ? "" : "WHERE starts_at <= ?1 AND ends_at > ?1"
            let statement = try connection.prepare("""
                SELECT id, matchers, starts_at, ends_at, created_by, comment, created_at FROM alert_silences \(clause)
                ORDER BY created_at DESC, id
                """)
            if let activeAt { statement.bind(1, activeAt) }
            var rows: [SilenceRow] = []
            while try statement.step() {
                rows.append(SilenceRow(id: statement.text(0) ?? "", matchers: statement.text(1) ?? "[]",
                                       startsAtMicros: statement.int64(2), endsAtMicros: statement.int64(3),
                                       createdBy: statement.text(4) ?? "", comment: statement.text(5) ?? "",
                                       createdAtMicros: statement.int64(6)))
            }
            return rows
        }
    }

    /// Ends a silence now (if it has not ended yet); returns whether one was changed.
    @discardableResult
    public func expireSilence(id: String, at now: Int64) throws -> Bool {
        try withConnection { connection in
            let statement = try connection.prepare("UPDATE alert_silences SET ends_at = ? WHERE id = ? AND ends_at > ?")
            statement.bind(1, now)
            statement.bind(2, id)
            statement.bind(3, now)
            try statement.run()
            return connection.changes > 0
        }
    }
}
