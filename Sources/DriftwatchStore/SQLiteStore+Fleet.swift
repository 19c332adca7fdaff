/// How far a sidecar's state has been shipped to the fleet store (docs/fleet.md): written only after PostgreSQL
/// committed a shipment, so a shipment that failed is sent again, whole, by the next one.
public struct FleetShipCursor: Sendable, Equatable {
    /// The analyzer checkpoint's row id when the last shipment was read.
    public var analysisRowID: Int64
    /// The analyzer's watermark then: buckets that late records can still change start after it minus the lateness.
    public var watermarkMicros: Int64?
    /// Records plus dead letters plus duplicates stored when it was read: a change means counts to ship.
    public var ingestTotal: Int64
    /// Shipments committed by the fleet store.
    public var shipments: Int64

    public init(analysisRowID: Int64 = 0, watermarkMicros: Int64? = nil, ingestTotal: Int64 = 0, shipments: Int64 = 0) {
        self.analysisRowID = analysisRowID
        self.watermarkMicros = watermarkMicros
        self.ingestTotal = ingestTotal
        self.shipments = shipments
    }
}

extension SQLiteStore {
    /// The shipped-up-to cursor (zeroes before the first shipment).
    public func fleetShipCursor() throws -> FleetShipCursor {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT name, value FROM fleet_ship_cursor")
            var cursor = FleetShipCursor()
            while try statement.step() {
                let value = statement.int64(1)
                switch statement.text(0) ?? "" {
                case "analysis_row_id": cursor.analysisRowID = value
                case "watermark": cursor.watermarkMicros = value
                case "ingest_total": cursor.ingestTotal = value
                case "shipments": cursor.shipments = value
                default: break
                }
            }
            return cursor
        }
    }

    /// Replaces the cursor in one transaction.
    public func setFleetShipCursor(_ cursor: FleetShipCursor) throws {
        try withConnection { connection in
            try connection.transaction {
                try connection.execute("DELETE FROM fleet_ship_cursor")
                let statement = try connection.prepare("INSERT INTO fleet_ship_cursor (name, value) VALUES (?, ?)")
                var values: [(String, Int64)] = [("analysis_row_id", cursor.analysisRowID), ("ingest_total", cursor.ingestTotal),
                                                 ("shipments", cursor.shipments)]
                if let w = cursor.watermarkMicros { values.append(("watermark", w)) }
                for (name, value) in values {
                    statement.reset()
                    statement.bind(1, name)
                    statement.bind(2, value)
                    try statement.run()
                }
            }
        }
    }
}
