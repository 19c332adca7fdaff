public import DriftwatchAnalysis
public import DriftwatchDrift

/// Everything pages are rendered from: aggregates only, never raw records, so a page's size and render time
/// depend on the number of buckets and scopes, not on traffic.
public struct DashboardSnapshot: Sendable {
    /// When the snapshot was taken.
    public var generatedAtMicros: Int64
    /// The newest data time (the analyzer's watermark); ranges end here. Nil before any analysis.
    public var dataThroughMicros: Int64?
    /// The bucket size of `rollups`.
    public var bucketMicros: Int64
    /// Rollup buckets (task scopes and task × dimension scopes), any order.
    public var rollups: [RollupTable.Row]
    public var versions: [VersionTimeline.Entry]
    public var incidents: [Incident]
    /// The drift report; nil when drift detection has not run.
    public var drift: DriftReport?

    public init(generatedAtMicros: Int64, dataThroughMicros: Int64?, bucketMicros: Int64, rollups: [RollupTable.Row],
                versions: [VersionTimeline.Entry] = [], incidents: [Incident] = [], drift: DriftReport? = nil) {
        self.generatedAtMicros = generatedAtMicros
        self.dataThroughMicros = dataThroughMicros
        self.bucketMicros = bucketMicros
        self.rollups = rollups
        self.versions = versions
        self.incidents = incidents
        self.drift = drift
    }
}
