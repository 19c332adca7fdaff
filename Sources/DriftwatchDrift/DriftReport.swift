/// The drift report: one row per feature and scope, the streaming detectors, and recommendations.
/// Codable with snake_case keys; `driftwatch drift --format json` prints it.
public struct DriftReport: Sendable, Equatable, Codable {
    public struct Window: Sendable, Equatable, Codable {
        public var fromMicros: Int64
        public var toMicros: Int64
        public var from: String
        public var to: String

        enum CodingKeys: String, CodingKey {
            case from, to
            case fromMicros = "from_micros"
            case toMicros = "to_micros"
        }
    }

    public var newestRecord: String?
    public var recordsSeen: Int
    public var baseline: Window?
    public var current: Window?
    public var trailingReference: Window?
    public var features: [FeatureDrift]
    public var detectors: [DetectorStatus]
    public var recommendations: [DriftRecommendation]
    /// Feature/scope pairs not tested because a window held fewer than `min_count` values.
    public var skippedForCount: Int
    /// Reference buckets left out of the baseline because an analyzer incident's window overlaps them.
    public var excludedReferenceBuckets: Int = 0

    enum CodingKeys: String, CodingKey {
        case baseline, current, features, detectors, recommendations
        case excludedReferenceBuckets = "excluded_reference_buckets"
        case newestRecord = "newest_record"
        case recordsSeen = "records_seen"
        case trailingReference = "trailing_reference"
        case skippedForCount = "skipped_for_count"
    }

    /// Drifted rows, version features included.
    public var drifted: [FeatureDrift] { features.filter(\.drifted) }

    /// The row for a feature and scope, if it was tested.
    public func row(_ feature: String, scope: String = "all") -> FeatureDrift? {
        features.first { $0.feature == feature && $0.scope == scope }
    }
}

/// One feature in one scope: the statistic, its value against the threshold, and the two windows.
public struct FeatureDrift: Sendable, Equatable, Codable {
    public var feature: String
    /// `all`, `task=<task>` or `<slice key>=<value>`.
    public var scope: String
    /// Evidently's name of the statistic: chisquare, z, ks, jensenshannon, wasserstein, psi; or
    /// `new_documents` (evidence documents, a p-value: see `NewDocumentTest`).
    public var statistic: String
    /// The drift score: a p-value for chisquare/z/ks, a distance otherwise.
    public var value: Double
    public var threshold: Double
    public var pValue: Double?
    /// Benjamini–Hochberg adjusted p-value (when adjustment is on), which `drifted` is decided on.
    public var pValueAdjusted: Double?
    public var drifted: Bool
    /// Version features: reported, never acted on alone.
    public var informational: Bool
    /// PSI over the reference's quantile bins (numeric features), for comparison with the main score.
    public var psi: Double?
    public var reference: WindowSummary
    public var current: WindowSummary

    enum CodingKeys: String, CodingKey {
        case feature, scope, statistic, value, threshold, drifted, informational, psi, reference, current
        case pValue = "p_value"
        case pValueAdjusted = "p_value_adjusted"
    }
}

/// What a window held for one feature: counts and the shape in a few numbers.
public struct WindowSummary: Sendable, Equatable, Codable {
    public struct Share: Sendable, Equatable, Codable {
        public var value: String
        public var share: Double
    }

    public var count: Int
    public var mean: Double?
    public var p50: Double?
    public var p90: Double?
    /// Most frequent values (categorical) with their shares.
    public var top: [Share]?
    /// Documents: share of evidence going to the reference's top-N documents.
    public var topDocumentShare: Double?
    /// Documents: share of evidence going to documents absent from the reference (in the reference's
    /// summary, the mean of the same share in each reference bucket against the other buckets).
    public var newDocumentShare: Double?
    /// Documents: how many of the reference's top-N documents this window never returned.
    public var vanishedTopDocuments: Int?
    public var distinct: Int?

    enum CodingKeys: String, CodingKey {
        case count, mean, p50, p90, top, distinct
        case topDocumentShare = "top_document_share"
        case newDocumentShare = "new_document_share"
        case vanishedTopDocuments = "vanished_top_documents"
    }
}

/// A streaming detector on one rate.
public struct DetectorStatus: Sendable, Equatable, Codable {
    public var name: String
    public var observations: Int
    public var currentRate: Double
    public var rateBeforeLastDetection: Double?
    public var adwinDetections: Int
    public var pageHinkleyDetections: Int
    public var firstDetection: String?
    public var lastDetection: String?

    enum CodingKeys: String, CodingKey {
        case name, observations
        case currentRate = "current_rate"
        case rateBeforeLastDetection = "rate_before_last_detection"
        case adwinDetections = "adwin_detections"
        case pageHinkleyDetections = "page_hinkley_detections"
        case firstDetection = "first_detection"
        case lastDetection = "last_detection"
    }
}
