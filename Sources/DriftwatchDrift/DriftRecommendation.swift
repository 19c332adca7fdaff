/// A recommendation from drift. The analyzer is the one recommender: when it has incidents for the
/// same scope and window, the recommendation links them and names their action; drift alone only
/// says `watch`, with the lever its rules point at as ``suggestedAction`` for a person to check.
public struct DriftRecommendation: Sendable, Equatable, Codable {
    /// `watch` (drift without an analyzer incident), or the linked incident's action
    /// (`retrieval_fix`, `routing_change`, `targeted_retraining`, `tool_fix`, `prompt_rollback`, …).
    public var action: String
    /// With `watch`: the lever drift's own rules point at (`retrieval_fix`, `routing_change`,
    /// `targeted_retraining`, `tool_fix`), nil when they point at none.
    public var suggestedAction: String?
    /// `retrieval`, `traffic`, `model`, `tools`, `wrapper` or `output`.
    public var component: String
    /// Where it applies: `all`, `task=<task>` or `<key>=<value>`.
    public var scope: String
    /// The drifted features behind it, as `feature@scope`.
    public var features: [String]
    /// Routing: the slice whose share grew (`language=de`); retraining: the failing slice.
    public var slice: String?
    /// The serving model concerned.
    public var model: String?
    /// Routing: the model to route the slice to.
    public var routeTo: String?
    /// Tools: the tool called less often or failing.
    public var tool: String?
    /// Why, in a sentence a person can check against the numbers.
    public var reason: String
    /// Retraining: which stored records make up the example set.
    public var examples: ExampleSet?
    /// Analyzer incidents joined to this recommendation.
    public var incidents: [IncidentSummary]

    public init(
        action: String, component: String, scope: String, features: [String], slice: String? = nil,
        model: String? = nil, routeTo: String? = nil, tool: String? = nil, reason: String,
        examples: ExampleSet? = nil, incidents: [IncidentSummary] = []
    ) {
        self.action = action
        self.component = component
        self.scope = scope
        self.features = features
        self.slice = slice
        self.model = model
        self.routeTo = routeTo
        self.tool = tool
        self.reason = reason
        self.examples = examples
        self.incidents = incidents
    }

    enum CodingKeys: String, CodingKey {
        case action, component, scope, features, slice, model, tool, reason, examples, incidents
        case routeTo = "route_to"
        case suggestedAction = "suggested_action"
    }
}

/// The records a retraining example set is made of, as filters the store's `RecordQuery` takes:
/// the failing model's requests on the slice in the current window.
public struct ExampleSet: Sendable, Equatable, Codable {
    public var fromMicros: Int64
    public var toMicros: Int64
    public var modelName: String
    public var sliceKey: String
    public var sliceValue: String
    /// Only requests with this outcome (`failure`), or all when nil.
    public var outcome: String?
    public var limit: Int

    enum CodingKeys: String, CodingKey {
        case outcome, limit
        case fromMicros = "from_micros"
        case toMicros = "to_micros"
        case modelName = "model_name"
        case sliceKey = "slice_key"
        case sliceValue = "slice_value"
    }
}

/// An analyzer incident in the few terms drift needs to join on, so this target does not depend on
/// the analyzer: its id, component (`retrieval`, `tools`, `model`, `wrapper`, `traffic`), scope
/// (`all`, `task=…`, `key=value`), the slices it is narrowed to, the action it recommends and its
/// window (open incidents have no end).
public struct IncidentSummary: Sendable, Equatable, Hashable, Codable {
    public var id: String?
    public var component: String
    public var scope: String
    /// `key=value` predicates beyond the task (slice or version), e.g. `language=de`.
    public var slices: [String]?
    public var action: String
    public var fromMicros: Int64?
    /// nil while the incident is open.
    public var toMicros: Int64?

    public init(id: String? = nil, component: String, scope: String, slices: [String]? = nil, action: String,
                fromMicros: Int64? = nil, toMicros: Int64? = nil) {
        self.id = id
        self.component = component
        self.scope = scope
        self.slices = slices
        self.action = action
        self.fromMicros = fromMicros
        self.toMicros = toMicros
    }

    /// [from, to), open-ended while open; nil when the caller gave no times.
    public var window: Range<Int64>? {
        guard let fromMicros else { return nil }
        return fromMicros..<max(fromMicros + 1, toMicros ?? .max)
    }

    enum CodingKeys: String, CodingKey {
        case id, component, scope, slices, action
        case fromMicros = "from_micros"
        case toMicros = "to_micros"
    }
}
