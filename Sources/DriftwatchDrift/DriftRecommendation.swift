/// A recommendation from drift: one of the levers a team has, or an explicit "no action".
public struct DriftRecommendation: Sendable, Equatable, Codable {
    /// `retrieval_fix`, `routing_change`, `targeted_retraining`, `tool_fix` or `none`.
    public var action: String
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
/// the analyzer: component (`retrieval`, `tools`, `model`, `wrapper`, `traffic`), scope (`all`,
/// `task=…`, `key=value`) and the action it recommends.
public struct IncidentSummary: Sendable, Equatable, Hashable, Codable {
    public var component: String
    public var scope: String
    public var action: String

    public init(component: String, scope: String, action: String) {
        self.component = component
        self.scope = scope
        self.action = action
    }
}
