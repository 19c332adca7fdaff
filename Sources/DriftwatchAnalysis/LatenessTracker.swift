/// The engine's bookkeeping for records that arrive out of order: the counts by reason, the sidecar's clock,
/// the earliest evaluation boundary late records have touched since the last replay, and a copy of the
/// evaluation state before each evaluation within the lateness horizon, which a replay starts from.
///
/// Not persisted except for ``counts``: a restart keeps no snapshots, so late records that land before the
/// first evaluation after a restart are rolled up (and read by every later evaluation) but the evaluations
/// before the restart are not replayed (see ``snapshotFloorMicros``).
struct LatenessTracker: Sendable {
    struct Snapshot: Sendable {
        /// The boundary about to be evaluated: ``state`` is the state before `evaluate(at: boundaryMicros)`.
        var boundaryMicros: Int64
        var state: EvaluationState
    }

    var counts = RecordCounts()
    /// The sidecar's clock as the owner last set it; nil puts no bound on timestamps.
    var wallClockMicros: Int64?
    /// Records dated after this are `future`: the wall clock plus the allowed skew (`Int64.max` without a clock).
    var futureLimitMicros: Int64 = .max
    /// The earliest boundary whose evaluation late records have changed since the last replay; `Int64.max`
    /// when none (a sentinel rather than an optional: it is checked on every record).
    var rewindFromMicros: Int64 = .max
    /// Oldest first, one per evaluated boundary within the lateness horizon.
    var snapshots: [Snapshot] = []
    /// Replays never start before this boundary: the first evaluation after a restore, before which no snapshot
    /// exists and the restored state already includes every earlier evaluation.
    var snapshotFloorMicros: Int64 = .min
    /// Incidents a replay did not reproduce, marked withdrawn, to be stored once with the next changes.
    var withdrawn: [String: Incident] = [:]
    /// Replays run and evaluations they re-ran (diagnostics; not persisted).
    var replays: Int64 = 0
    var replayedEvaluations: Int64 = 0

    /// Keeps the state before evaluating `boundary`, dropping snapshots older than `oldest` (no late record can
    /// reach them any more). Called once per evaluation, not per record.
    mutating func keep(_ state: EvaluationState, at boundary: Int64, oldest: Int64) {
        var drop = 0
        while drop < snapshots.count, snapshots[drop].boundaryMicros < oldest { drop += 1 }
        if drop > 0 { snapshots.removeFirst(drop) }
        snapshots.append(Snapshot(boundaryMicros: boundary, state: state))
    }

    /// The state to replay from `boundary` on, removing it and every later snapshot (the replay takes them
    /// again); nil when no evaluation at or after `boundary` was kept, i.e. none ran there since the floor,
    /// and the current state is the one to start from.
    mutating func rewind(to boundary: Int64) -> EvaluationState? {
        guard let i = snapshots.firstIndex(where: { $0.boundaryMicros >= boundary }) else { return nil }
        let state = snapshots[i].state
        snapshots.removeSubrange(i...)
        return state
    }
}
