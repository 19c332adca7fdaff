/// What a sidecar has stored but not shipped to the fleet store yet: the records after the shipped-up-to cursor's
/// analyzer row, and when the oldest of them was stored. `status` and `/metrics` show it (docs/fleet.md).
public struct FleetBacklog: Sendable, Equatable {
    public var records: Int64
    /// When the oldest record not shipped yet was stored (microseconds since 1970); nil when there is none.
    public var oldestIngestedAtMicros: Int64?
    /// Shipments the fleet store committed so far.
    public var shipments: Int64

    public init(records: Int64 = 0, oldestIngestedAtMicros: Int64? = nil, shipments: Int64 = 0) {
        self.records = records
        self.oldestIngestedAtMicros = oldestIngestedAtMicros
        self.shipments = shipments
    }
}

extension SQLiteStore {
    /// The records stored after the row the last shipment had analysed (from the blocks' row ranges, without
    /// reading them), and the oldest one's storage time.
    public func fleetBacklog() throws -> FleetBacklog {
        let cursor = try fleetShipCursor()
        return try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT COALESCE(SUM(CASE WHEN first_row > ?1 THEN count ELSE MIN(count, last_row - ?1) END), 0), MIN(ingested_at)
                FROM record_blocks WHERE last_row > ?1
                """)
            statement.bind(1, cursor.analysisRowID)
            _ = try statement.step()
            return FleetBacklog(records: statement.int64(0), oldestIngestedAtMicros: statement.optionalInt64(1), shipments: cursor.shipments)
        }
    }
}
