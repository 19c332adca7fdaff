/// The detector's persisted state: vocabularies, scopes, the reference buckets, the time buckets of
/// the current (and trailing reference) window, and the streaming detectors. Bounded by the caps of
/// ``DriftConfiguration``: scopes × features × (categories or fine bins) × buckets.
struct DriftState: Sendable, Equatable, Codable {
    static let formatVersion = 3

    var formatVersion = DriftState.formatVersion
    var fingerprint: String
    /// Configured features, then slice features in the order their keys were first seen.
    var features: [DriftFeature]
    /// By feature index; unused (cap 0) for numeric features.
    var vocabularies: [Vocabulary]
    var documents: Vocabulary
    /// Model names and tasks for the quality tables.
    var models: Vocabulary
    var tasks: Vocabulary
    /// Sorted, so snapshots of equal states are equal bytes.
    var tunedModels: [String] = []
    /// Scope names `task=<task>` and `<slice key>=<value>`; id 0 (`__other__` in the vocabulary) is
    /// the `all` scope, which every record belongs to (scopes past the cap are not tracked).
    var scopes: Vocabulary

    func scopeName(_ id: Int) -> String { id == 0 ? "all" : scopes[Int32(id)] }
    var firstMicros: Int64?
    var newestMicros: Int64?
    var baselineFromMicros: Int64?
    var baselineToMicros: Int64?
    /// The reference in buckets of ``DriftConfiguration/referenceBucketMicros`` (ascending by
    /// index): the baseline period for `leading` and `fixed`, the buckets that left the current
    /// window within the last reference span for `rolling`. Kept in parts so open incidents can be
    /// cut out and the new-document test can measure the reference's own variation.
    var reference: [TimeBucket] = []
    /// Quality counters since the first record, by scope id: small, and what comparing a rarely used
    /// fallback model with the serving model needs.
    var lifetimeQuality: [QualityTable] = []
    /// Ascending by index.
    var buckets: [TimeBucket] = []
    var detectors: [RateDetector]
    var recordsSeen = 0
    /// Records older than every kept bucket (and outside the baseline), counted but not binned.
    var lateRecords = 0

    init(configuration: DriftConfiguration) {
        fingerprint = configuration.stateFingerprint
        features = configuration.features
        vocabularies = configuration.features.map { Vocabulary(cap: $0.source.kind == .categorical ? configuration.maxCategories : 0) }
        documents = Vocabulary(cap: configuration.maxDocuments)
        models = Vocabulary(cap: 255)
        tasks = Vocabulary(cap: 4095)
        scopes = Vocabulary(cap: configuration.maxScopes)
        detectors = DriftState.detectorNames.map { RateDetector(name: $0, settings: configuration.detectors, bucketMicros: configuration.bucketMicros) }
        switch configuration.baseline {
        case .fixed(let from, let to):
            baselineFromMicros = from
            baselineToMicros = to
        case .leading, .rolling:
            break
        }
    }

    static let detectorNames = [
        "tools.timeout_rate", "tools.error_rate", "tools.expected_missing_rate", "retrieval.empty_rate",
        "validation.grounded_failure_rate",
    ]
    static let timeoutDetector = 0, errorDetector = 1, missingDetector = 2, emptyDetector = 3, groundedDetector = 4
}
