extension SQLiteStore {
    /// The central role's store (`run --role central`) holds the fleet's incidents as its last analysis of the merged
    /// state found them: this replaces them all in one transaction, so the alert dispatcher reading open incidents
    /// never sees a half-written set (a missing incident would resolve its alert and fire it again).
    public func replaceIncidents(_ rows: [StoredIncident]) throws {
        try withConnection { connection in
            try connection.transaction {
                try connection.execute("DELETE FROM incidents")
                let statement = try connection.prepare("""
                    INSERT INTO incidents (id, task, status, component, action, started_at, detected_at,
                        updated_at, resolved_at, severity, document, parent_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows {
                    statement.bind(1, row.id)
                    statement.bind(2, row.task)
                    statement.bind(3, row.status)
                    statement.bind(4, row.component)
                    statement.bind(5, row.action)
                    statement.bind(6, row.startedAtMicros)
                    statement.bind(7, row.detectedAtMicros)
                    statement.bind(8, row.updatedAtMicros)
                    statement.bind(9, row.resolvedAtMicros)
                    statement.bind(10, row.severity)
                    statement.bind(11, row.document)
                    statement.bind(12, row.parentID)
                    try statement.run()
                }
            }
        }
    }
}
