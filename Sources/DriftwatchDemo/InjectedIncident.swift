/// A fault (or a drift) injected into the demo workload from a point in time on, with its ground truth.
///
/// Each kind perturbs one stage of the simulated pipeline, so the records show the incident the way it would
/// appear in production; ``component`` and ``expectedAction`` are what an analyzer should conclude from them.
/// Kinds and parameters (defaults in brackets; `effect` may also be given under the alias shown):
///
/// - `retrieval_index_change`: a new index version on which `effect` [0.3] of requests get irrelevant or empty
///   evidence, raising grounded failures by about `effect`. `index` [support|claims], `version`. With `slice`
///   (any slice key, e.g. `slice=language=de`) only that slice's requests degrade; every request of the pool
///   still moves to the new version, so the version alone does not point at the slice.
/// - `tool_outage`: `tool` [refund_api] fails on `rate` [0.5] of calls. `mode` [mixed|error|timeout]. With
///   `grounded` [0], a request whose required call to the tool still failed after its retry also fails the
///   grounded check with that probability (the answer lacks the tool's data): a retrieval-family symptom while
///   retrieval itself is healthy (issue #13's causal chain).
/// - `template_canary`: a new template `version` of `task` [refund_question] on `share` [0.3] of its traffic,
///   raising schema failures on that version by `effect` [0.4]. `share=1` is a full rollout: e.g.
///   `template_canary@26h:task=claim_triage,share=1,effect=0.055` takes claim_triage from about 1 % schema
///   failures to about 6.5 %.
/// - `checkpoint_regression`: a new tuned checkpoint `version` [ckpt-0503] on `share` [1] of tuned traffic,
///   raising content/policy failures on `slice` [language=de] (any slice key, e.g. `long_context=true`) by
///   `effect` [0.25]. With `task` (one the tuned model serves) only that task's requests regress: the failure
///   slice is the conjunction task × slice × new checkpoint, while every tuned task moves to the checkpoint.
///   The old checkpoint fails policy on about 9–10 % of long-context requests of each tuned task, so
///   `task=order_status,slice=long_context=true,effect=0.2` takes that conjunction to about 29 %; at 20
///   requests/min the conjunction sees about 35 requests/hour on a full rollout and about 10 with `share=0.3`.
/// - `traffic_shift`: the share of `slice` [language=de] moves to `share` [0.5]; per-slice quality unchanged.
/// - `language_shift`: the share of `language` [es] moves to `share` [0.4]; drift, and a routing problem only
///   when the language is the one the tuned model handles worst.
/// - `reindex_lower_scores`: a re-embedded index `version` whose scores are `effect` [0.12] lower, relevance unchanged.
/// - `stale_evidence`: `share` [0.7] of requests get evidence `days` [180] older than it should be.
/// - `tool_call_drop`: a required `tool` [order_status_api] is not called on `rate` [0.5] of requests;
///   such a request fails with probability `failure` [0.5].
///
/// Every kind also takes `for` (a duration after which it ends, e.g. a rollback) and `ramp` (a duration over
/// which its effect grows linearly from zero at the start offset to full strength; for `template_canary` and
/// `traffic_shift` it is the share that grows).
public struct InjectedIncident: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case retrievalIndexChange = "retrieval_index_change"
        case toolOutage = "tool_outage"
        case templateCanary = "template_canary"
        case checkpointRegression = "checkpoint_regression"
        case trafficShift = "traffic_shift"
        case languageShift = "language_shift"
        case reindexLowerScores = "reindex_lower_scores"
        case staleEvidence = "stale_evidence"
        case toolCallDrop = "tool_call_drop"

        /// The parameter name under which the spec may give ``InjectedIncident/effect``.
        public var effectAlias: String {
            switch self {
            case .toolOutage, .toolCallDrop: return "rate"
            case .trafficShift, .languageShift, .staleEvidence: return "share"
            default: return "effect"
            }
        }

        /// Default effect size when a spec gives none.
        public var defaultEffect: Double {
            switch self {
            case .retrievalIndexChange: return 0.3
            case .toolOutage: return 0.5
            case .templateCanary: return 0.4
            case .checkpointRegression: return 0.25
            case .trafficShift: return 0.5
            case .languageShift: return 0.4
            case .reindexLowerScores: return 0.12
            case .staleEvidence: return 0.7
            case .toolCallDrop: return 0.5
            }
        }

        /// Parameters the kind accepts besides `effect`, its alias, `for` and `ramp`.
        public var parameterNames: [String] {
            switch self {
            case .retrievalIndexChange: return ["index", "version", "slice"]
            case .reindexLowerScores: return ["index", "version"]
            case .toolOutage: return ["tool", "mode", "grounded"]
            case .templateCanary: return ["task", "share", "version"]
            case .checkpointRegression: return ["slice", "share", "version", "task"]
            case .trafficShift: return ["slice"]
            case .languageShift: return ["language"]
            case .staleEvidence: return ["index", "days"]
            case .toolCallDrop: return ["tool", "failure"]
            }
        }
    }

    public var kind: Kind
    /// When the incident starts, relative to the workload start.
    public var startOffsetMicros: Int64
    /// How long it lasts; nil means until the end of the workload.
    public var durationMicros: Int64?
    /// Time over which the effect grows linearly from zero to ``effect``; zero is a step.
    public var rampMicros: Int64
    /// The effect size; its meaning depends on ``kind`` (see the type's documentation).
    public var effect: Double
    /// Kind-specific parameters as strings, exactly as a spec gives them.
    public var parameters: [String: String]

    public init(
        kind: Kind,
        startOffsetMicros: Int64,
        effect: Double? = nil,
        parameters: [String: String] = [:],
        durationMicros: Int64? = nil,
        rampMicros: Int64 = 0
    ) {
        self.kind = kind
        self.startOffsetMicros = startOffsetMicros
        self.effect = effect ?? kind.defaultEffect
        self.parameters = parameters
        self.durationMicros = durationMicros
        self.rampMicros = rampMicros
    }

    /// The component an analyzer should blame: `retrieval`, `tools`, `wrapper`, `model` or `traffic`.
    public var component: String {
        switch kind {
        case .retrievalIndexChange, .reindexLowerScores, .staleEvidence: return "retrieval"
        case .toolOutage, .toolCallDrop: return "tools"
        case .templateCanary: return "wrapper"
        case .checkpointRegression: return "model"
        case .trafficShift, .languageShift: return "traffic"
        }
    }

    /// The action an analyzer should recommend, or `none` for drift that needs no action.
    public var expectedAction: String {
        switch kind {
        case .retrievalIndexChange, .reindexLowerScores, .staleEvidence: return "retrieval_fix"
        case .toolOutage, .toolCallDrop: return "tool_fix"
        case .templateCanary: return "wrapper_fix"
        case .checkpointRegression: return "targeted_retraining"
        case .trafficShift:
            return "routing_change"
        case .languageShift:
            let language = parameters["language"] ?? "es"
            return language == WorkloadCatalog.tunedWeakestSlice.value ? "routing_change" : "none"
        }
    }

    /// Whether success rates change (as opposed to distributions only).
    public var affectsQuality: Bool {
        switch kind {
        case .reindexLowerScores, .staleEvidence: return false
        case .languageShift: return expectedAction != "none"
        case .toolCallDrop: return (Double(parameters["failure"] ?? "0.5") ?? 0.5) > 0
        default: return effect > 0
        }
    }

    /// The incident in spec form, e.g. `tool_outage@1h30m:rate=0.6,tool=refund_api`.
    public var description: String {
        var parts = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        parts.insert("\(kind.effectAlias)=\(effect)", at: 0)
        if let durationMicros { parts.append("for=\(WorkloadSpecParser.formatDuration(durationMicros))") }
        if rampMicros > 0 { parts.append("ramp=\(WorkloadSpecParser.formatDuration(rampMicros))") }
        return "\(kind.rawValue)@\(WorkloadSpecParser.formatDuration(startOffsetMicros)):" + parts.joined(separator: ",")
    }
}
