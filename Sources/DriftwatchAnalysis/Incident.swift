import DriftwatchCore

/// A detected regression with its attribution and recommendation: the document `driftwatch analyze --format json`
/// prints, and what the store keeps per incident.
public struct Incident: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case open, resolved }

    /// A rate with its sample size and 95% Wilson interval.
    public struct Measurement: Sendable, Equatable, Codable {
        public var value: Double
        public var n: Int64
        public var ciLower: Double?
        public var ciUpper: Double?

        enum CodingKeys: String, CodingKey {
            case value, n
            case ciLower = "ci_lower"
            case ciUpper = "ci_upper"
        }
    }

    /// One number behind the attribution.
    public struct Evidence: Sendable, Equatable, Codable {
        public var signal: String
        public var baseline: Double?
        public var current: Double?
        public var note: String
    }

    public struct Recommendation: Sendable, Equatable, Codable {
        /// `retrieval_fix`, `tool_fix`, `wrapper_fix`, `routing_change` or `targeted_retraining`.
        public var action: String
        public var summary: String
        public var details: [String: String]
    }

    public var id: String
    public var status: Status
    /// RFC 3339.
    public var startedAt: String
    public var detectedAt: String
    public var updatedAt: String
    public var resolvedAt: String?
    public var metric: String
    public var scope: [String: String]
    public var baseline: Measurement
    public var current: Measurement
    public var pValue: Double
    /// Benjamini–Hochberg adjusted p-value at detection.
    public var adjustedPValue: Double
    /// `retrieval`, `tools`, `wrapper`, `model` or `traffic`.
    public var component: String
    public var confidence: Double
    public var evidence: [Evidence]
    public var recommendation: Recommendation
    /// Excess failures per hour in the scope at the last evaluation; incidents are ranked by it.
    public var severity: Double

    // Machine fields, microseconds since the epoch (also in the RFC 3339 strings above).
    public var startedAtMicros: Int64
    public var detectedAtMicros: Int64
    public var updatedAtMicros: Int64
    public var resolvedAtMicros: Int64?
    /// The one rollup scope the incident is measured on (its task, or the slice or version that localizes it).
    public var primaryDimension: String = ""
    public var primaryValue: String = ""
    /// For a failure slice found by the lattice search: its predicates beyond the task, `dimension=value`, the new
    /// version first (e.g. `["model_version=support-ft@ft-8", "long_context=true"]`); nil for window incidents.
    public var conjunction: [String]?
    /// The latest re-measurement of the incident's scope and metric (``current`` and ``pValue`` stay those of the
    /// test that opened it), with its p-value against the frozen baseline.
    public var latest: Measurement?
    public var latestPValue: Double?
    /// The blamed stage's failure rate per request in the baseline (tool problems, or its family of checks): an
    /// incident also resolves when that stage is back, whatever else the task is going through.
    public var stageBaseline: Measurement?
    /// The 95% interval of the onset estimate (`started_at` may be a deploy marker inside it).
    public var onsetLowerMicros: Int64?
    public var onsetUpperMicros: Int64?
    /// The periods the opening test compared: `baseline` (less any time of other incidents of the task) against
    /// `current`.
    public var baselineWindow: TimeWindow?
    public var currentWindow: TimeWindow?
    /// The scope the opening test measured, `dimension=value` (e.g. the slice whose share moved, for a traffic
    /// incident); nil when it is the incident's own scope.
    public var testedScope: String?

    public struct TimeWindow: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        public var fromMicros: Int64
        public var toMicros: Int64

        public init(fromMicros: Int64, toMicros: Int64) {
            self.fromMicros = fromMicros
            self.toMicros = toMicros
            from = RFC3339.format(micros: fromMicros)
            to = RFC3339.format(micros: toMicros)
        }

        enum CodingKeys: String, CodingKey {
            case from, to
            case fromMicros = "from_us"
            case toMicros = "to_us"
        }
    }

    /// Set on a finding that shares its cause (the same version change, tool or traffic shift) with an incident
    /// opened before it on another scope: it is listed in that incident's ``affected`` and raises no events of its
    /// own, so one cause is one incident (see `AnalysisEngine+Groups.swift`).
    public var parentID: String?
    /// Every scope the cause hit, this incident's own first, each with the numbers of the test that found it.
    /// Nil while the incident has a single scope.
    public var affected: [AffectedScope]?
    /// Excess failures per hour over every affected scope (each at its last re-measurement); nil while the incident
    /// has a single scope.
    public var totalSeverity: Double?
    /// The central view's report only (nil on a sidecar, and never stored): which of the fleet's nodes show the
    /// regression, with each node's numbers (``NodeSpread``).
    public var nodes: Nodes?

    /// One scope of a cause that hit several, as its own test found it.
    public struct AffectedScope: Sendable, Equatable, Codable {
        public var incidentID: String
        public var task: String
        public var scope: [String: String]
        public var conjunction: [String]?
        public var metric: String
        public var baseline: Measurement
        public var current: Measurement
        public var pValue: Double
        public var adjustedPValue: Double
        public var detectedAt: String
        public var detectedAtMicros: Int64
        public var status: Status
        public var severity: Double

        enum CodingKeys: String, CodingKey {
            case task, scope, conjunction, metric, baseline, current, status, severity
            case incidentID = "incident_id"
            case pValue = "p_value"
            case adjustedPValue = "adjusted_p_value"
            case detectedAt = "detected_at"
            case detectedAtMicros = "detected_at_us"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, status, metric, scope, baseline, current, component, confidence, evidence, recommendation, severity
        case startedAt = "started_at"
        case detectedAt = "detected_at"
        case updatedAt = "updated_at"
        case resolvedAt = "resolved_at"
        case pValue = "p_value"
        case adjustedPValue = "adjusted_p_value"
        case startedAtMicros = "started_at_us"
        case detectedAtMicros = "detected_at_us"
        case updatedAtMicros = "updated_at_us"
        case resolvedAtMicros = "resolved_at_us"
        case primaryDimension = "primary_dimension"
        case primaryValue = "primary_value"
        case conjunction, latest
        case latestPValue = "latest_p_value"
        case stageBaseline = "stage_baseline"
        case onsetLowerMicros = "onset_lower_us"
        case onsetUpperMicros = "onset_upper_us"
        case parentID = "parent_id"
        case baselineWindow = "baseline_window"
        case currentWindow = "current_window"
        case testedScope = "tested_scope"
        case affected = "affected_scopes"
        case totalSeverity = "total_severity"
        case nodes
    }

    /// What ranks incidents: the excess failures per hour of every scope the cause hit.
    public var rankingSeverity: Double { totalSeverity ?? severity }

    /// The task the incident belongs to.
    public var task: String { scope["task"] ?? "" }

    public var primaryScope: ScopeKey {
        get { ScopeKey(task: task, dimension: primaryDimension, value: primaryValue) }
        set {
            primaryDimension = newValue.dimension
            primaryValue = newValue.value
        }
    }
}

/// Opening, updating or resolving an incident: what later alerting consumes.
public struct IncidentEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case opened, updated, resolved }

    public var kind: Kind
    public var atMicros: Int64
    /// The incident as of this event.
    public var incident: Incident

    public init(kind: Kind, atMicros: Int64, incident: Incident) {
        self.kind = kind
        self.atMicros = atMicros
        self.incident = incident
    }
}
