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

    /// Record aggregates for records with `ts` in `[from, to)` plus dead letters created in that span:
    /// the inputs of the metric alert rules. `task` narrows to one task.
    public func recordWindowStats(from: Int64, to: Int64, task: String? = nil) throws -> RecordWindowStats {
        try withConnection { connection in
            var stats = RecordWindowStats()
            let taskClause = task == nil ? "" : " AND task = ?3"
            let totals = try connection.prepare("""
                SELECT COUNT(*), SUM(outcome IS NOT NULL), SUM(outcome = 'success'), AVG(cost_usd)
                FROM records WHERE ts >= ?1 AND ts < ?2\(taskClause)
                """)
            totals.bind(1, from)
            totals.bind(2, to)
            if let task { totals.bind(3, task) }
            if try totals.step() {
                stats.records = totals.int64(0)
                stats.outcomes = totals.optionalInt64(1) ?? 0
                stats.successes = totals.optionalInt64(2) ?? 0
                stats.costPerRequest = totals.optionalDouble(3)
            }
            if stats.records > 0 {
                let offset = Int64((Double(stats.records - 1) * 0.95).rounded(.down))
                let latency = try connection.prepare("""
                    SELECT latency_ms FROM records WHERE ts >= ?1 AND ts < ?2 AND latency_ms IS NOT NULL\(taskClause)
                    ORDER BY latency_ms LIMIT 1 OFFSET ?4
                    """)
                latency.bind(1, from)
                latency.bind(2, to)
                if let task { latency.bind(3, task) }
                latency.bind(4, offset)
                if try latency.step() { stats.p95LatencyMillis = latency.optionalDouble(0) }
                let lag = try connection.prepare("""
                    SELECT (ingested_at - ts) / 1e6 AS lag FROM records WHERE ts >= ?1 AND ts < ?2\(taskClause)
                    ORDER BY lag LIMIT 1 OFFSET ?4
                    """)
                lag.bind(1, from)
                lag.bind(2, to)
                if let task { lag.bind(3, task) }
                lag.bind(4, offset)
                if try lag.step() { stats.p95IngestLagSeconds = lag.optionalDouble(0) }
            }
            let dead = try connection.prepare("SELECT COUNT(*) FROM dead_letters WHERE created_at >= ? AND created_at < ?")
            dead.bind(1, from)
            dead.bind(2, to)
            if try dead.step() { stats.deadLetters = dead.int64(0) }
            let newest = try connection.prepare("SELECT ingested_at FROM records ORDER BY id DESC LIMIT 1")
            if try newest.step() { stats.newestIngestedAtMicros = newest.optionalInt64(0) }
            return stats
        }
    }
}
