public import DriftwatchCore

/// Out-of-order and late records (rotated files backfilled in any order, several sources, late OTLP traces).
///
/// The watermark is the newest timestamp among records the engine accepted. A record is
/// * `future` when dated more than `maxClockSkewMicros` after the sidecar's clock (``AnalysisEngine/wallClockMicros``):
///   counted, not rolled up, and it never moves the watermark (one line dated 9999-12-31, or an epoch in
///   microseconds read as milliseconds, would otherwise make every later record late);
/// * `beyond_lateness` when older than the watermark minus `latenessMicros`: counted, not rolled up;
/// * otherwise rolled up into its own bucket, and `late` when that bucket was already read by an evaluation
///   (its timestamp is before the last evaluated boundary). The earliest boundary late records affect is
///   remembered, and before the next evaluation, or when the owner takes changes, the engine rewinds to the
///   evaluation state it kept before that boundary and replays every evaluation up to the last one. Rewinds
///   are coalesced: one per batch of records, however many of them were late.
///
/// A replay re-emits only what consumers have not seen: no second `opened` for an incident that already exists
/// (ids are a hash of task, scope, metric and detection time, so a reproduced incident has the same id and is
/// stored over itself), no `updated` older than the incident's last update, no `resolved` for one already
/// resolved. An incident the replay does not reproduce is *withdrawn*: stored resolved, with
/// `recommendation.details["withdrawn"] = "late data"` and, if it was open, a `resolved` event, so alerting
/// stops firing it; withdrawn incidents are not loaded back into an engine.
extension AnalysisEngine {
    /// The value `recommendation.details["withdrawn"]` carries on an incident that late data withdrew.
    public static let withdrawnByLateData = "late data"

    /// The sidecar's clock, in microseconds since the epoch, as the owner last set it (per batch); records dated
    /// more than `configuration.maxClockSkewMicros` after it are counted as `future` and left out. Nil (the
    /// default) puts no bound on timestamps: a replay of fixed data in a test or a tool.
    public var wallClockMicros: Int64? {
        get { lateness.wallClockMicros }
        set {
            lateness.wallClockMicros = newValue
            lateness.futureLimitMicros = newValue.map { $0 &+ configuration.maxClockSkewMicros } ?? .max
        }
    }

    /// Adds one record as ``ingest(_:rowID:)`` does, first setting the sidecar's clock to `now`.
    public mutating func ingest(_ record: RequestRecord, rowID: Int64? = nil, now: Int64) {
        wallClockMicros = now
        ingest(record, rowID: rowID)
    }

    /// What happened to the records ingested so far (persisted with the checkpoint).
    public var recordCounts: RecordCounts { lateness.counts }

    /// Replays run so far by this engine, and the evaluations they re-ran.
    public var replays: (count: Int64, evaluations: Int64) { (lateness.replays, lateness.replayedEvaluations) }

    /// Whether a record dated `t` is rolled up; counts it by reason and notes the boundary a late one affects.
    /// On every record: comparisons and counter increments only, no allocation.
    @inline(__always)
    mutating func admit(_ t: Int64) -> Bool {
        if t > lateness.futureLimitMicros {
            lateness.counts.future += 1
            return false
        }
        if let watermark = watermarkMicros, t < watermark &- configuration.latenessMicros {
            lateness.counts.beyondLateness += 1
            return false
        }
        lateness.counts.analysed += 1
        if let next = nextEvaluationMicros, t < next - configuration.bucketMicros {
            // The bucket was read by the evaluation at its end and by those after it.
            lateness.counts.late += 1
            let boundary = fine.bucketStart(t) + configuration.bucketMicros
            if boundary < lateness.rewindFromMicros { lateness.rewindFromMicros = boundary }
        }
        return true
    }

    /// Keeps the evaluation state before `evaluate(at: boundary)` for a later replay.
    mutating func keepSnapshot(at boundary: Int64) {
        let oldest = (watermarkMicros ?? boundary) &- configuration.latenessMicros &- configuration.bucketMicros
        lateness.keep(evaluationState, at: boundary, oldest: oldest)
    }

    /// Rewinds to the state before the earliest boundary late records affected and replays every evaluation up
    /// to the last one; then reconciles the replay's events with what was already emitted.
    mutating func replayLateWindows() {
        let from = lateness.rewindFromMicros
        guard from != .max else { return }
        lateness.rewindFromMicros = .max
        guard let next = nextEvaluationMicros else { return }
        let bucket = configuration.bucketMicros
        let last = next - bucket
        let start = max(from, lateness.snapshotFloorMicros)
        guard start <= last else { return }
        let before = evaluationState
        let firstReplayEvent = events.count
        if let state = lateness.rewind(to: start) { evaluationState = state }
        // The lattice's running sums hold evidence up to the newest evaluation: they are rebuilt from the buckets
        // as the replay goes (exact for cohorts first seen within the in-memory horizon less a baseline window).
        cohortSums.removeAll()
        shapes.sealedBefore = start - bucket
        var boundary = start
        while boundary <= last {
            lateness.keep(evaluationState, at: boundary, oldest: .min)
            evaluate(at: boundary)
            lateness.replayedEvaluations += 1
            boundary += bucket
        }
        lateness.replays += 1
        reconcile(before: before, firstReplayEvent: firstReplayEvent, at: last)
    }

    /// Drops replayed events consumers already have, carries the owner's annotations over, and withdraws the
    /// incidents the replay did not reproduce.
    private mutating func reconcile(before: EvaluationState, firstReplayEvent: Int, at t: Int64) {
        let replayed = events[firstReplayEvent...]
        var kept: [IncidentEvent] = []
        for event in replayed {
            if let old = before.incidents[event.incident.id] {
                switch event.kind {
                case .opened: continue
                case .updated: if event.atMicros <= old.updatedAtMicros { continue }
                case .resolved: if old.status == .resolved { continue }
                }
            }
            kept.append(event)
        }
        events.replaceSubrange(firstReplayEvent..., with: kept)
        for (id, old) in before.incidents.sorted(by: { $0.key < $1.key }) {
            if let current = incidents[id] {
                // Details the owner added (an export's path) are not evaluation results: the replay lacks them.
                if current.recommendation.details != old.recommendation.details {
                    incidents[id]!.recommendation.details.merge(old.recommendation.details) { mine, _ in mine }
                    for i in firstReplayEvent..<events.count where events[i].incident.id == id {
                        events[i].incident.recommendation.details.merge(old.recommendation.details) { mine, _ in mine }
                    }
                }
                continue
            }
            var incident = old
            incident.recommendation.details["withdrawn"] = Self.withdrawnByLateData
            incident.updatedAt = RFC3339.format(micros: t)
            incident.updatedAtMicros = t
            if incident.status == .open {
                incident.status = .resolved
                incident.resolvedAt = incident.updatedAt
                incident.resolvedAtMicros = t
                events.append(IncidentEvent(kind: .resolved, atMicros: t, incident: incident))
            }
            lateness.withdrawn[id] = incident
            changedIncidents.insert(id)
        }
    }

    /// Whether a stored incident was withdrawn by late data (and must not be loaded back).
    public static func isWithdrawn(_ incident: Incident) -> Bool {
        incident.recommendation.details["withdrawn"] != nil
    }

    /// Resets the lateness bookkeeping after a restore: the persisted counts, no snapshots, and no replay
    /// before the first boundary evaluated from now on. The clock stays as the owner set it.
    mutating func restoreLateness(counts: RecordCounts) {
        let clock = lateness.wallClockMicros
        lateness = LatenessTracker()
        lateness.counts = counts
        lateness.snapshotFloorMicros = nextEvaluationMicros ?? .min
        wallClockMicros = clock
    }

    /// The withdrawn incidents to store with the next changes, which it forgets.
    mutating func takeWithdrawn() -> [String: Incident] {
        defer { lateness.withdrawn.removeAll() }
        return lateness.withdrawn
    }
}
