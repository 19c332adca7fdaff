public import DriftwatchStatistics

/// One monitored feature and how it is compared.
public struct DriftFeature: Sendable, Hashable, Codable {
    /// Which window a feature's current values are compared against.
    public enum ReferenceMode: String, Sendable, Hashable, Codable {
        /// The fixed baseline period (see ``DriftConfiguration/baseline``).
        case baseline
        /// The window of ``DriftConfiguration/trailingReferenceMicros`` just before the current one.
        case trailing
    }

    public var source: FeatureSource
    public var reference: ReferenceMode
    /// The statistic to use instead of Evidently's default choice (stored as its Evidently name).
    public var testName: String?
    /// The threshold to use instead of the statistic's default.
    public var threshold: Double?

    public init(_ source: FeatureSource, reference: ReferenceMode = .baseline, test: DriftTest? = nil, threshold: Double? = nil) {
        self.source = source
        self.reference = reference
        self.testName = test?.rawValue
        self.threshold = threshold
    }

    public var name: String { source.name }
    public var test: DriftTest? { testName.flatMap(DriftTest.init(rawValue:)) }

    /// The defaults derived from the record format: every field the issue lists. Slice keys are
    /// added as they are first seen when ``DriftConfiguration/monitorAllSliceKeys`` is on.
    public static let defaults: [DriftFeature] = {
        var sources: [FeatureSource] = [
            .task, .route, .modelName, .modelVersion, .templateVersion, .indexVersion, .toolSet, .validationFailures,
            .outcome, .documents, .topScore, .meanScore, .evidenceCount, .evidenceAgeDays, .inputTokens, .outputTokens,
        ]
        sources += FeatureSource.LatencyStage.allCases.map { .latency($0) }
        sources += [.cost, .retries]
        return sources.map { DriftFeature($0) }
    }()
}
