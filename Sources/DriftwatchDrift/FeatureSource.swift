/// What a monitored feature reads from a ``RequestRecord``.
public enum FeatureSource: Sendable, Hashable, Codable {
    // Categorical: one value per record.
    case task
    case route
    case modelName
    /// `name@version`, so a bump of one model is not confused with another's.
    case modelVersion
    /// `template_id@version`.
    case templateVersion
    case indexVersion
    /// The sorted set of tools called, joined with `+` (`(none)` when no tool was called).
    case toolSet
    /// Failed validation checks as `check: reason`, joined with ` | ` (`(passed)` when all passed).
    case validationFailures
    case outcome
    /// One slice key, e.g. `language`.
    case slice(String)
    /// Evidence document ids (several per record); compared as the share of evidence going to the
    /// reference's top-N documents, to other known documents and to documents new in the window.
    case documents
    // Numeric.
    case topScore
    case meanScore
    case evidenceCount
    /// Mean age of the evidence at request time, in days.
    case evidenceAgeDays
    case inputTokens
    case outputTokens
    case latency(LatencyStage)
    case cost
    case retries

    public enum LatencyStage: String, Sendable, Hashable, Codable, CaseIterable {
        case total, retrieval, tools, generation, validation
    }

    /// How the feature's values are compared.
    public enum Kind: String, Sendable, Hashable, Codable {
        case categorical
        case numerical
        case documents
    }

    public var kind: Kind {
        switch self {
        case .task, .route, .modelName, .modelVersion, .templateVersion, .indexVersion, .toolSet,
             .validationFailures, .outcome, .slice:
            return .categorical
        case .documents:
            return .documents
        default:
            return .numerical
        }
    }

    /// The name in reports: the record field path, e.g. `slices.language`, `retrieval.top_score`.
    public var name: String {
        switch self {
        case .task: return "task"
        case .route: return "route"
        case .modelName: return "model.name"
        case .modelVersion: return "model.version"
        case .templateVersion: return "template.version"
        case .indexVersion: return "retrieval.index_version"
        case .toolSet: return "tools.called"
        case .validationFailures: return "validation.failures"
        case .outcome: return "outcome"
        case .slice(let key): return "slices.\(key)"
        case .documents: return "retrieval.documents"
        case .topScore: return "retrieval.top_score"
        case .meanScore: return "retrieval.mean_score"
        case .evidenceCount: return "retrieval.evidence_count"
        case .evidenceAgeDays: return "retrieval.evidence_age_days"
        case .inputTokens: return "tokens.input"
        case .outputTokens: return "tokens.output"
        case .latency(let stage): return "latency_ms.\(stage.rawValue)"
        case .cost: return "cost_usd"
        case .retries: return "retries"
        }
    }

    /// Parses a report name back (`slices.<key>` for any key).
    public init?(name: String) {
        if name.hasPrefix("slices."), name.count > 7 {
            self = .slice(String(name.dropFirst(7)))
            return
        }
        let fixed: [FeatureSource] = [
            .task, .route, .modelName, .modelVersion, .templateVersion, .indexVersion, .toolSet, .validationFailures,
            .outcome, .documents, .topScore, .meanScore, .evidenceCount, .evidenceAgeDays, .inputTokens, .outputTokens,
            .cost, .retries,
        ] + LatencyStage.allCases.map { .latency($0) }
        guard let match = fixed.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// Version features drift on every deploy; they are reported but never drive a recommendation
    /// on their own.
    public var isVersion: Bool {
        switch self {
        case .modelVersion, .templateVersion, .indexVersion: return true
        default: return false
        }
    }

    /// The pipeline component a drift in this feature points at.
    public var component: String {
        switch self {
        case .indexVersion, .documents, .topScore, .meanScore, .evidenceCount, .evidenceAgeDays: return "retrieval"
        case .toolSet: return "tools"
        case .task, .slice: return "traffic"
        case .modelName, .modelVersion, .route: return "model"
        case .templateVersion: return "wrapper"
        case .validationFailures, .outcome, .inputTokens, .outputTokens, .latency, .cost, .retries: return "output"
        }
    }
}
