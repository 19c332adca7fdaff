/// Everything ``AnalysisEngine/evaluate(at:)`` reads and changes from one evaluation to the next, in one value.
///
/// Late records are folded into their buckets and the evaluations they affect are replayed from a copy of this
/// state taken before the earliest of them (see `AnalysisEngine+Lateness.swift`), so anything an evaluation
/// carries forward belongs here: a field kept elsewhere would survive a rewind and make the replay differ from
/// an in-order run. Rollups, sketches and the version timeline are not here: they are data, which late records
/// complete rather than rewind. The copy is cheap: the collections are copy-on-write.
public struct EvaluationState: Sendable {
    /// Open incidents and those resolved within the in-memory horizon, by id.
    public var incidents: [String: Incident] = [:]
    /// Consecutive evaluations each candidate (task, or task|dimension=value) has shown a regression in
    /// without an incident yet.
    public var pending: [String: Int] = [:]
    /// The rate each incident's last event carried, so `updated` is raised only on a move of a point or more.
    public var lastEventValue: [String: Double] = [:]
    /// Consecutive evaluations each open incident has tested as recovered.
    public var recovering: [String: Int] = [:]
    /// When each version's last slice incident resolved (by the version's scope id): its evidence restarts there.
    var cohortRestarts: [Int: Int64] = [:]

    public init() {}
}

extension AnalysisEngine {
    /// Open incidents and those resolved within the baseline horizon, by id.
    public internal(set) var incidents: [String: Incident] {
        get { evaluationState.incidents }
        _modify { yield &evaluationState.incidents }
    }

    /// Consecutive evaluations each task has shown a regression in without an incident yet.
    public internal(set) var pending: [String: Int] {
        get { evaluationState.pending }
        _modify { yield &evaluationState.pending }
    }

    var lastEventValue: [String: Double] {
        get { evaluationState.lastEventValue }
        _modify { yield &evaluationState.lastEventValue }
    }

    public internal(set) var recovering: [String: Int] {
        get { evaluationState.recovering }
        _modify { yield &evaluationState.recovering }
    }

    var cohortRestarts: [Int: Int64] {
        get { evaluationState.cohortRestarts }
        _modify { yield &evaluationState.cohortRestarts }
    }
}
