import DriftwatchCore

extension SQLiteStore {
    /// The drift detector's persisted state: the last row id it counted and its serialized state.
    public struct DriftStateRow: Sendable, Equatable {
        public var lastRowID: Int64
        public var state: [UInt8]
        public var updatedAtMicros: Int64
    }

    /// The stored drift state, nil before the detector's first commit.
    public func loadDriftState() throws -> DriftStateRow? {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT last_row_id, state, updated_at FROM drift_state WHERE id = 1")
            guard try statement.step() else { return nil }
            return DriftStateRow(lastRowID: statement.int64(0), state: statement.blob(1), updatedAtMicros: statement.int64(2))
        }
    }

    /// Stores the drift state with the last row id it covers, in one transaction, if the stored
    /// row id is still `expectedLastRowID` (nil: nothing stored yet). Returns false, writing nothing,
    /// when another writer (a second `driftwatch drift`, or `run`) committed in between: counting the
    /// same rows twice is what this prevents.
    public func saveDriftState(lastRowID: Int64, state: [UInt8], expectedLastRowID: Int64?) throws -> Bool {
        try withConnection { connection in
            try connection.transaction {
                let current = try connection.prepare("SELECT last_row_id FROM drift_state WHERE id = 1")
                let stored: Int64? = try current.step() ? current.int64(0) : nil
                guard stored == expectedLastRowID else { return false }
                let upsert = try connection.prepare("""
                    INSERT INTO drift_state (id, last_row_id, state, updated_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET last_row_id = excluded.last_row_id, state = excluded.state,
                        updated_at = excluded.updated_at
                    """)
                upsert.bind(1, lastRowID)
                upsert.bindBlob(2, state)
                upsert.bind(3, WallClock.nowMicros())
                try upsert.run()
                return true
            }
        }
    }

    /// Forgets the drift state (after a configuration change that makes it incompatible).
    public func clearDriftState() throws {
        try withConnection { try $0.execute("DELETE FROM drift_state") }
    }
}
