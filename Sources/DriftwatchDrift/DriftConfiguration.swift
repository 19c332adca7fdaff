/// Windows, caps and thresholds of the drift detector. Every value has a default.
public struct DriftConfiguration: Sendable, Hashable, Codable {
    /// The reference period features with ``DriftFeature/ReferenceMode/baseline`` are compared against.
    public enum Baseline: Sendable, Hashable, Codable {
        /// The `durationMicros` just before the current window, moving with it (the default, 24 h):
        /// a stable recent baseline, so a change is reported while it is new and a settled one stops
        /// being reported once the reference has caught up with it. Kept as whole reference buckets
        /// (see ``DriftConfiguration/referenceBucketMicros``), so it spans up to one bucket more.
        case rolling(durationMicros: Int64)
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
    public var baseline: Baseline = .rolling(durationMicros: 86_400_000_000)
    /// Width of a time bucket; windows are whole buckets.
    public var bucketMicros: Int64 = 300_000_000
    /// Buckets start at this time plus multiples of ``bucketMicros`` (0: the epoch), so a window can
    /// be made to start exactly at a given record (the file comparison does).
    public var bucketOriginMicros: Int64 = 0
    /// Length of the current window, ending at the newest record.
    public var currentWindowMicros: Int64 = 3_600_000_000
    /// Width of a reference bucket, the unit in which the reference moves, open incidents are cut
    /// out of it, and the new-document test measures its own variation. nil: an hour, or a twelfth of
    /// a shorter baseline (a multiple of ``bucketMicros``, at least one).
    public var referenceBucketOverride: Int64?
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
    /// A row only counts as drift when its (adjusted) p-value is below this as well: a distance
    /// (Jensen–Shannon, Wasserstein, PSI) needs the same bins to differ significantly (chi-squared or
    /// KS), a p-value test needs it below both its threshold and this. Evidently has no such guard.
    /// 1e-4 because a report is made every hour: Benjamini–Hochberg at this level over a report's
    /// rows keeps a quiet service under one false drift per 30 days (docs/analysis.md, "Drift on
    /// quiet data"); at 0.01 small scopes drifted on noise several times a week, at 0.001 two to six
    /// times a month at 20 requests/min. nil turns it off.
    public var significanceGuard: Double? = 0.0001
    /// Streaming detectors on rates (tool timeouts and errors, empty retrieval, expected tools not called).
    public var detectors = DetectorSettings()

    public struct DetectorSettings: Sendable, Hashable, Codable {
        /// ADWIN's confidence, on per-bucket rates (one value per ``DriftConfiguration/bucketMicros``).
        public var adwinDelta = 0.002
        /// Page–Hinkley runs on each batch's standardized rate, z = (events − n·p) / √(n·p·(1−p)) with p
        /// the stream's rate before the batch (divided by the z-scores' own spread when above 1), so its
        /// threshold and delta are in standard errors and the
        /// false-alarm rate does not grow with traffic (on raw 0/1 values it fired several times a day
        /// at 200 requests/min). Threshold and delta were set by measurement on 30-day quiet runs at
        /// 20 and 200 requests/min (docs/analysis.md, "Drift on quiet data").
        public var pageHinkleyThreshold = 12.0
        public var pageHinkleyDelta = 0.5
        /// Buckets of data in the null rate before Page–Hinkley starts.
        public var pageHinkleyMinInstances = 12
        /// A detector batch spans buckets until it expects this many events at the stream's rate: with
        /// one or two expected events a z-score is far from normal (one event is a large step), and at
        /// 20 requests/min Page–Hinkley fired five to nine times per quiet 30 days on 5-minute buckets.
        public var minimumExpectedEvents = 10.0

        public init() {}
    }

    public init() {}

    /// See ``referenceBucketOverride``.
    public var referenceBucketMicros: Int64 {
        if let referenceBucketOverride { return max(bucketMicros, referenceBucketOverride / bucketMicros * bucketMicros) }
        let span: Int64
        switch baseline {
        case .rolling(let d), .leading(let d): span = d
        case .fixed(let from, let to): span = to - from
        }
        let width = min(3_600_000_000, span / 12) / bucketMicros * bucketMicros
        return max(bucketMicros, width)
    }

    /// The features and the settings that shape stored state; when they change, stored state is
    /// not compatible and the detector starts afresh.
    var stateFingerprint: String {
        let names = features.map(\.name).joined(separator: ",")
        return "\(names)|\(monitorAllSliceKeys)|\(bucketMicros)@\(bucketOriginMicros)|\(relativeAccuracy)|\(taskScopes)|\(sliceScopes)|\(baseline)|\(referenceBucketMicros)"
    }
}
