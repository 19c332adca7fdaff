public import DriftwatchStore

/// What one sidecar ships: its mergeable state since the last shipment, each value whole (a bucket's counters, a
/// version's span, a shape's counts per bucket), so the fleet store replaces rather than adds.
public struct NodeSnapshot: Sendable {
    public var node: String
    public var bucketMicros: Int64
    public var watermarkMicros: Int64?
    public var analysisRowID: Int64
    public var records: Int64
    public var deadLetters: Int64
    public var duplicates: Int64
    /// What the analyzer did with the records (`analysed`, `late`, ...).
    public var recordCounts: [String: Int64]
    /// Fine rollup buckets (coarse ones are sums of them, remade centrally).
    public var rollups: [AnalysisRollupRow]
    public var versions: [AnalysisVersionRow]
    public var shapes: [AnalysisShapeRow]
    public var shapeBuckets: [AnalysisShapeBucketRow]
    public var checkNames: [String]
    /// The cursor to store once the fleet store committed this.
    public var cursor: FleetShipCursor

    public init(node: String, bucketMicros: Int64, watermarkMicros: Int64?, analysisRowID: Int64, records: Int64,
                deadLetters: Int64, duplicates: Int64, recordCounts: [String: Int64], rollups: [AnalysisRollupRow],
                versions: [AnalysisVersionRow], shapes: [AnalysisShapeRow], shapeBuckets: [AnalysisShapeBucketRow],
                checkNames: [String], cursor: FleetShipCursor) {
        self.node = node
        self.bucketMicros = bucketMicros
        self.watermarkMicros = watermarkMicros
        self.analysisRowID = analysisRowID
        self.records = records
        self.deadLetters = deadLetters
        self.duplicates = duplicates
        self.recordCounts = recordCounts
        self.rollups = rollups
        self.versions = versions
        self.shapes = shapes
        self.shapeBuckets = shapeBuckets
        self.checkNames = checkNames
        self.cursor = cursor
    }
}

/// One node's row of `fleet_nodes`: its counts and where its analysis stood when it last shipped.
public struct FleetNode: Sendable, Equatable {
    public var node: String
    public var bucketMicros: Int64
    public var watermarkMicros: Int64?
    public var analysisRowID: Int64
    public var records: Int64
    public var deadLetters: Int64
    public var duplicates: Int64
    public var recordCounts: [String: Int64]
    public var checkNames: [String]
    public var shipments: Int64
    /// When the fleet store committed its last shipment (PostgreSQL's clock), microseconds since 1970.
    public var shippedAtMicros: Int64 = 0
}
