import DriftwatchCore

extension SQLiteStore {
    /// The alert evaluator and dispatcher state (JSON), nil before the first commit.
    public func alertState() throws -> String? {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT document FROM alert_state WHERE id = 1")
            return try statement.step() ? statement.text(0) : nil
        }
    }

    /// Stores the alerting state and the notifications it decided to send in one transaction: a crash
    /// either keeps both (the outbox delivers later) or neither (the next pass decides again), so a restart
    /// neither re-pages nor forgets. Notifications whose id already exists are left alone.
    public func commitAlerts(state: String, notifications: [OutboxRow]) throws {
        try withConnection { connection in
            try connection.transaction {
                let upsert = try connection.prepare("""
                    INSERT INTO alert_state (id, document, updated_at) VALUES (1, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at
                    """)
                upsert.bind(1, state)
                upsert.bind(2, WallClock.nowMicros())
                try upsert.run()
                if !notifications.isEmpty {
                    let insert = try connection.prepare("""
                        INSERT OR IGNORE INTO alert_outbox (id, receiver, kind, group_key, payload, created_at, attempts,
                            next_attempt_at, status, last_error, delivered_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    for row in notifications {
                        insert.bind(1, row.id)
                        insert.bind(2, row.receiver)
                        insert.bind(3, row.kind)
                        insert.bind(4, row.groupKey)
                        insert.bind(5, row.payload)
                        insert.bind(6, row.createdAtMicros)
                        insert.bind(7, Int64(row.attempts))
                        insert.bind(8, row.nextAttemptAtMicros)
                        insert.bind(9, row.status.rawValue)
                        insert.bind(10, row.lastError)
                        insert.bind(11, row.deliveredAtMicros)
                        try insert.run()
                        insert.reset()
                    }
                }
            }
        }
    }

    /// Adds notifications to the outbox without touching the alert state (`driftwatch alerts test`).
    public func enqueueNotifications(_ rows: [OutboxRow]) throws {
        try withConnection { connection in
            try connection.transaction {
                let insert = try connection.prepare("""
                    INSERT OR IGNORE INTO alert_outbox (id, receiver, kind, group_key, payload, created_at, attempts,
                        next_attempt_at, status) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'pending')
                    """)
                for row in rows {
                    insert.bind(1, row.id)
                    insert.bind(2, row.receiver)
                    insert.bind(3, row.kind)
                    insert.bind(4, row.groupKey)
                    insert.bind(5, row.payload)
                    insert.bind(6, row.createdAtMicros)
                    insert.bind(7, row.nextAttemptAtMicros)
                    try insert.run()
                    insert.reset()
                }
            }
        }
    }

    /// Pending notifications due at or before `now`, oldest first.
    public func dueNotifications(now: Int64, limit: Int = 100) throws -> [OutboxRow] {
        try outboxRows(where: "status = 'pending' AND next_attempt_at <= ?", bind: [now], order: "next_attempt_at, created_at", limit: limit)
    }

    /// Pending notifications due at or before `now` for the receivers in `receivers` (or, with `excluding`, for
    /// every receiver not in it), oldest first: one delivery worker per receiver reads only its own rows.
    public func dueNotifications(now: Int64, receivers: [String], excluding: Bool = false, limit: Int = 100) throws -> [OutboxRow] {
        let list = receivers.isEmpty ? "''" : Array(repeating: "?", count: receivers.count).joined(separator: ", ")
        return try outboxRows(where: "status = 'pending' AND next_attempt_at <= ? AND receiver \(excluding ? "NOT IN" : "IN") (\(list))",
                              bind: [now as any Sendable] + receivers.map { $0 as any Sendable }, order: "next_attempt_at, created_at", limit: limit)
    }

    /// When the next pending notification for `receiver` is due, nil if none is pending.
    public func nextNotificationDue(receiver: String) throws -> Int64? {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT MIN(next_attempt_at) FROM alert_outbox WHERE status = 'pending' AND receiver = ?")
            statement.bind(1, receiver)
            guard try statement.step() else { return nil }
            return statement.optionalInt64(0)
        }
    }

    /// When the next pending notification is due, nil if none is pending.
    public func nextNotificationDue() throws -> Int64? {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT MIN(next_attempt_at) FROM alert_outbox WHERE status = 'pending'")
            guard try statement.step() else { return nil }
            return statement.optionalInt64(0)
        }
    }

    /// Outbox rows, newest first, optionally of one status.
    public func outbox(status: OutboxRow.Status? = nil, limit: Int = 1000) throws -> [OutboxRow] {
        if let status {
            return try outboxRows(where: "status = ?", bind: [status.rawValue], order: "created_at DESC, id", limit: limit)
        }
        return try outboxRows(where: "1 = 1", bind: [], order: "created_at DESC, id", limit: limit)
    }

    /// Records one delivery attempt's result: delivered, pending again at `nextAttemptAt`, or undeliverable.
    public func recordAttempt(id: String, status: OutboxRow.Status, attempts: Int, nextAttemptAtMicros: Int64,
                              error: String?, at now: Int64) throws {
        try withConnection { connection in
            let statement = try connection.prepare("""
                UPDATE alert_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,
                    delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
                WHERE id = ? AND status = 'pending'
                """)
            statement.bind(1, status.rawValue)
            statement.bind(2, Int64(attempts))
            statement.bind(3, nextAttemptAtMicros)
            statement.bind(4, error)
            statement.bind(5, status.rawValue)
            statement.bind(6, now)
            statement.bind(7, id)
            try statement.run()
        }
    }

    /// Puts undeliverable notifications (all, or those with the given ids) back in the queue with a fresh
    /// retry budget; returns how many.
    @discardableResult
    public func retryUndeliverable(ids: [String]? = nil, now: Int64) throws -> Int {
        try withConnection { connection in
            try connection.transaction {
                var total = 0
                if let ids {
                    let statement = try connection.prepare("""
                        UPDATE alert_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?
                        WHERE status = 'undeliverable' AND id = ?
                        """)
                    for id in ids {
                        statement.bind(1, now)
                        statement.bind(2, id)
                        try statement.run()
                        statement.reset()
                        total += connection.changes
                    }
                } else {
                    let statement = try connection.prepare("""
                        UPDATE alert_outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE status = 'undeliverable'
                        """)
                    statement.bind(1, now)
                    try statement.run()
                    total = connection.changes
                }
                return total
            }
        }
    }

    private func outboxRows(where clause: String, bind values: [any Sendable], order: String, limit: Int) throws -> [OutboxRow] {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT id, receiver, kind, group_key, payload, created_at, attempts, next_attempt_at, status, last_error,
                    delivered_at FROM alert_outbox WHERE \(clause) ORDER BY \(order) LIMIT ?
                """)
            var index: Int32 = 1
            for value in values {
                if let number = value as? Int64 { statement.bind(index, number) } else if let text = value as? String { statement.bind(index, text) }
                index += 1
            }
            statement.bind(index, Int64(limit))
            var rows: [OutboxRow] = []
            while try statement.step() {
                rows.append(OutboxRow(
                    id: statement.text(0) ?? "", receiver: statement.text(1) ?? "", kind: statement.text(2) ?? "",
                    groupKey: statement.text(3) ?? "", payload: statement.text(4) ?? "", createdAtMicros: statement.int64(5),
                    attempts: Int(statement.int64(6)), nextAttemptAtMicros: statement.int64(7),
                    status: OutboxRow.Status(rawValue: statement.text(8) ?? "") ?? .pending, lastError: statement.text(9),
                    deliveredAtMicros: statement.optionalInt64(10)))
            }
            return rows
        }
    }
}
