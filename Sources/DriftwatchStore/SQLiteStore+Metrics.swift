import DriftwatchCore

/// What `/metrics` reads from the store at scrape time, so every writer's work counts (`run`, `ingest`,
/// `analyze`, `alerts dispatch` on the same store) and values survive restarts.
public struct StoreMetrics: Sendable, Equatable {
    /// When the newest block of records was stored.
    public var lastIngestMicros: Int64?
    /// When the analyzer last committed its checkpoint.
    public var lastAnalysisMicros: Int64?
    /// When a notification was last delivered.
    public var lastDeliveryMicros: Int64?
    /// Pending notifications by receiver.
    public var outboxPending: [String: Int64] = [:]
    /// Failed delivery attempts by receiver, from the outbox's attempt counts (a delivered notification's last
    /// attempt succeeded). `alerts outbox --retry` restarts a notification's count.
    public var sendFailures: [String: Int64] = [:]
    /// Open incidents by component.
    public var openIncidents: [String: Int64] = [:]

    public init() {}
}

extension SQLiteStore {
    /// Reads ``StoreMetrics``: a handful of small queries (indexed lookups and the outbox and open incidents, which stay small).
    public func metrics() throws -> StoreMetrics {
        try withConnection { connection in
            var m = StoreMetrics()
            let ingest = try connection.prepare("SELECT ingested_at FROM record_blocks ORDER BY first_row DESC LIMIT 1")
            if try ingest.step() { m.lastIngestMicros = ingest.optionalInt64(0) }
            let analysis = try connection.prepare("SELECT value FROM analysis_state WHERE name = '\(Self.analysisCommittedAtKey)'")
            if try analysis.step() { m.lastAnalysisMicros = analysis.optionalInt64(0) }
            let outbox = try connection.prepare("""
                SELECT receiver, SUM(status = 'pending'), SUM(attempts - (status = 'delivered')), MAX(delivered_at)
                FROM alert_outbox GROUP BY receiver
                """)
            while try outbox.step() {
                let receiver = outbox.text(0) ?? ""
                m.outboxPending[receiver] = outbox.int64(1)
                m.sendFailures[receiver] = max(0, outbox.int64(2))
                if let delivered = outbox.optionalInt64(3) { m.lastDeliveryMicros = max(m.lastDeliveryMicros ?? .min, delivered) }
            }
            let incidents = try connection.prepare("SELECT component, COUNT(*) FROM incidents WHERE status = 'open' GROUP BY component")
            while try incidents.step() { m.openIncidents[incidents.text(0) ?? ""] = incidents.int64(1) }
            return m
        }
    }

    /// The `analysis_state` row that holds the wall-clock time of the analyzer's last commit.
    static let analysisCommittedAtKey = "committed_at"
}
