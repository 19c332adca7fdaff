/// A version change with no quality effect: the kind of deploy an analyzer must not raise an incident for.
///
/// Kinds: `benign_template` (`task` [policy_lookup], `share` [1], `version`), `benign_model` (`model`
/// [tuned|general|fallback], `share` [1], `version`), `benign_index` (`index` [support|claims], `version`),
/// `benign_tool` (`tool` [crm_lookup], `version`). Each also takes `for`, after which the old version returns.
public struct BenignChange: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case templateVersion = "benign_template"
        case modelVersion = "benign_model"
        case indexVersion = "benign_index"
        case toolVersion = "benign_tool"

        public var parameterNames: [String] {
            switch self {
            case .templateVersion: return ["task", "share", "version"]
            case .modelVersion: return ["model", "share", "version"]
            case .indexVersion: return ["index", "version"]
            case .toolVersion: return ["tool", "version"]
            }
        }
    }

    public var kind: Kind
    public var startOffsetMicros: Int64
    public var durationMicros: Int64?
    public var parameters: [String: String]

    public init(kind: Kind, startOffsetMicros: Int64, parameters: [String: String] = [:], durationMicros: Int64? = nil) {
        self.kind = kind
        self.startOffsetMicros = startOffsetMicros
        self.parameters = parameters
        self.durationMicros = durationMicros
    }

    /// The component whose version changes: `wrapper`, `model`, `retrieval` or `tools`.
    public var component: String {
        switch kind {
        case .templateVersion: return "wrapper"
        case .modelVersion: return "model"
        case .indexVersion: return "retrieval"
        case .toolVersion: return "tools"
        }
    }

    /// Always `none`: nothing should be done about a benign change.
    public var expectedAction: String { "none" }

    public var description: String {
        var parts = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let durationMicros { parts.append("for=\(WorkloadSpecParser.formatDuration(durationMicros))") }
        let head = "\(kind.rawValue)@\(WorkloadSpecParser.formatDuration(startOffsetMicros))"
        return parts.isEmpty ? head : head + ":" + parts.joined(separator: ",")
    }
}
