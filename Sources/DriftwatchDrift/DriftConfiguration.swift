/// Windows, caps and thresholds of the drift detector. Every value has a default.
public struct DriftConfiguration: Sendable, Hashable, Codable {
    /// The fixed reference period.
    public enum Baseline: Sendable, Hashable, Codable {
        /// The first `durationMicros` of data the detector sees.
        case leading(durationMicros: Int64)
        /// An explicit period [from, to), microseconds since the epoch.
        case fixed(fromMicros: Int64, toMicros: Int64)
    }

    public var features: [DriftFeature] = DriftFeature.defaults
    /// Monitor `slices.<key>` for every slice key seen (up to ``maxSliceKeys``).
    public var monitorAllSliceKeys = true
    /// Settings applied to slice features added automatically.
    public var sliceReference: DriftFeature.ReferenceMode = .baseline
    public var baseline: Baseline = .leading(durationMicros: 3_600_000_000)
    /// Width of a time bucket; windows are whole buckets.
    public var bucketMicros: Int64 = 300_000_000
    /// Buckets start at this time plus multiples of ``bucketMicros`` (0: the epoch), so a window can
    /// be made to start exactly at a given record (the file comparison does).
    public var bucketOriginMicros: Int64 = 0
    /// Length of the current window, ending at the newest record.
    public var currentWindowMicros: Int64 = 3_600_000_000
    /// Length of the trailing reference (features with ``DriftFeature/ReferenceMode/trailing``).
    public var trailingReferenceMicros: Int64 = 3_600_000_000
    /// Track per-task scopes.
    public var taskScopes = true
    /// Track one scope per slice key=value.
    public var sliceScopes = true
    /// Scopes beyond this many (all + tasks + slice values) are not tracked.
    public var maxScopes = 64
    public var maxSliceKeys = 16
    /// Distinct values kept per categorical feature; later ones count as `__other__`.
    public var maxCategories = 256
    /// Distinct evidence documents kept; later ones count as `__other__`.
    public var maxDocuments = 20_000
    /// Both windows need at least this many values for a feature and scope to be tested.
    public var minCount = 100
    /// Relative accuracy of the fine numeric bins.
    public var relativeAccuracy = 0.0025
    /// Reference-quantile bins for PSI.
    public var psiBins = 10
    /// Documents counted as the reference's head in ``FeatureSource/documents``.
    public var topDocuments = 100
    /// Adjust p-value tests across features and scopes with Benjamini–Hochberg before comparing to
    /// the threshold (Evidently does not; with hundreds of tests per report it keeps false alarms rare).
    public var adjustPValues = true
    /// A distance (Jensen–Shannon, Wasserstein, PSI) only counts as drift when the same bins also
    /// differ significantly: chi-squared (categorical) or KS (numeric) p below this, after adjustment.
    /// Evidently has no such guard; without it, small scopes drift on sampling noise alone. nil turns it off.
    public var significanceGuard: Double? = 0.01
    /// Streaming detectors on rates (tool timeouts and errors, empty retrieval, expected tools not called).
    public var detectors = DetectorSettings()

    public struct DetectorSettings: Sendable, Hashable, Codable {
        public var adwinDelta = 0.002
        public var pageHinkleyThreshold = 25.0
        public var pageHinkleyDelta = 0.005
        public var pageHinkleyMinInstances = 30

        public init() {}
    }

    public init() {}

    /// The features and the settings that shape stored state; when they change, stored state is
    /// not compatible and the detector starts afresh.
    var stateFingerprint: String {
        let names = features.map(\.name).joined(separator: ",")
        return "\(names)|\(monitorAllSliceKeys)|\(bucketMicros)@\(bucketOriginMicros)|\(relativeAccuracy)|\(taskScopes)|\(sliceScopes)|\(baseline)"
    }
}
