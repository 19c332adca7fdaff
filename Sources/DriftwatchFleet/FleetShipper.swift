public import DriftwatchAnalysis
import DriftwatchCore
public import DriftwatchStore

/// Reads a sidecar's mergeable state from its SQLite store and ships it to the fleet store; the shipped-up-to
/// cursor is stored in SQLite only after PostgreSQL committed, so nothing is lost when a shipment fails, and a
/// shipment sent again replaces the same rows with the same values (docs/fleet.md).
public struct FleetShipper: Sendable {
    public let store: SQLiteStore
    public let node: String
    public let configuration: AnalysisConfiguration
    /// `retention.max_age`: after each shipment this node's buckets older than that (record time against now) are
    /// deleted from the fleet store, in bounded batches; nil keeps them.
    public let retentionMaxAgeMicros: Int64?

    public init(store: SQLiteStore, node: String, configuration: AnalysisConfiguration, retentionMaxAgeMicros: Int64? = nil) {
        self.store = store
        self.node = node
        self.configuration = configuration
        self.retentionMaxAgeMicros = retentionMaxAgeMicros
    }

    /// What one ``ship(to:)`` sent.
    public struct Outcome: Sendable, Equatable {
        public var rollups = 0
        public var versions = 0
        public var shapeBuckets = 0
        /// Nothing changed since the last shipment: nothing was sent.
        public var upToDate = false
        /// Bucket rows retention deleted from the fleet store after it.
        public var deleted: Int64 = 0
    }

    /// The state changed since `cursor` (everything when nothing was shipped yet); nil when nothing changed.
    /// Buckets late records can still change are sent again: those starting after the shipped watermark minus the
    /// lateness (records older than that are not analysed).
    public func snapshot(since cursor: FleetShipCursor) throws -> NodeSnapshot? {
        // The checkpoint first: rows read after it are as new or newer, and the next shipment starts from it.
        let checkpoint = try store.analysisCheckpoint()
        let summary = try store.summary()
        let total = summary.records + summary.deadLetters + summary.duplicates
        if cursor.shipments > 0 && checkpoint.lastRowID == cursor.analysisRowID && total == cursor.ingestTotal { return nil }
        var from = Int64.min
        if let shipped = cursor.watermarkMicros {
            let table = RollupTable(bucketMicros: configuration.bucketMicros)
            from = table.bucketStart(shipped - configuration.latenessMicros) - configuration.coarseBucketMicros
        }
        let rollups = try store.analysisRollups(bucketMicros: configuration.bucketMicros, from: from)
        let shapes = try store.analysisShapes()
        let buckets = try store.analysisShapeBuckets(from: from)
        return NodeSnapshot(
            node: node, bucketMicros: configuration.bucketMicros, watermarkMicros: checkpoint.watermarkMicros,
            analysisRowID: checkpoint.lastRowID, records: summary.records, deadLetters: summary.deadLetters,
            duplicates: summary.duplicates, recordCounts: checkpoint.recordCounts, rollups: rollups,
            versions: try store.analysisVersions(), shapes: shapes, shapeBuckets: buckets.buckets, checkNames: buckets.checkNames,
            cursor: FleetShipCursor(analysisRowID: checkpoint.lastRowID, watermarkMicros: checkpoint.watermarkMicros,
                                    ingestTotal: total, shipments: cursor.shipments + 1))
    }

    /// Ships what changed since the stored cursor, then moves the cursor.
    @discardableResult
    public func ship(to fleet: FleetStore) async throws -> Outcome {
        var outcome = Outcome(upToDate: true)
        if let snapshot = try snapshot(since: try store.fleetShipCursor()) {
            try await fleet.ship(snapshot)
            try store.setFleetShipCursor(snapshot.cursor)
            outcome = Outcome(rollups: snapshot.rollups.count, versions: snapshot.versions.count, shapeBuckets: snapshot.shapeBuckets.count)
        }
        // Also when nothing new was shipped: buckets age out with the clock.
        if let maxAge = retentionMaxAgeMicros {
            outcome.deleted = try await fleet.deleteBuckets(node: node, bucketMicros: configuration.bucketMicros, endingBy: WallClock.nowMicros() - maxAge)
        }
        return outcome
    }
}
