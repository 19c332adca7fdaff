/// What was injected into a workload, in the terms an analyzer's verdict is checked against.
public struct GroundTruthLabel: Sendable, Equatable {
    /// The incident or benign-change kind, e.g. `tool_outage` or `benign_index`.
    public var kind: String
    /// The change in spec form, so a failing scenario test can print what it injected.
    public var spec: String
    /// `retrieval`, `tools`, `wrapper`, `model` or `traffic`.
    public var component: String
    /// `retrieval_fix`, `tool_fix`, `wrapper_fix`, `routing_change`, `targeted_retraining`, or `none`.
    public var expectedAction: String
    /// Absolute start, microseconds since the epoch.
    public var startMicros: Int64
    /// Absolute end (rollback), if the change ends within the workload.
    public var endMicros: Int64?
    /// Whether success rates change; false for pure drift and for benign changes.
    public var affectsQuality: Bool
    /// The effect size (see ``InjectedIncident``); zero for benign changes.
    public var effect: Double
    /// Where the change shows, keyed by record field path: `task`, `tool`, `template.id`, `template.version`,
    /// `model.name`, `model.version`, `retrieval.index_version`, `slices.<key>`.
    public var scope: [String: String]
    /// Tasks whose records the change touches.
    public var affectedTasks: [String]

    public init(
        kind: String, spec: String, component: String, expectedAction: String, startMicros: Int64, endMicros: Int64?,
        affectsQuality: Bool, effect: Double, scope: [String: String], affectedTasks: [String]
    ) {
        self.kind = kind
        self.spec = spec
        self.component = component
        self.expectedAction = expectedAction
        self.startMicros = startMicros
        self.endMicros = endMicros
        self.affectsQuality = affectsQuality
        self.effect = effect
        self.scope = scope
        self.affectedTasks = affectedTasks
    }
}
