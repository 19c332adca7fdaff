public import DriftwatchCore

/// The streaming analyzer: records in, rollups, a version timeline and incident events out.
///
/// A pure state machine driven by record timestamps: whenever the stream crosses a fine-bucket boundary the
/// just-closed window is evaluated, so a replay of the same records yields the same incidents whatever the
/// batching, and tests need no clock. Records may arrive in any order: late ones within the lateness horizon are
/// folded into their buckets and the evaluations they affect replayed, and future-dated ones are counted, not
/// analysed (`AnalysisEngine+Lateness.swift`). The owner persists ``takeChanges()`` together with ``lastRowID`` in one
/// transaction and restores with ``restore(_:)``, which makes analysis exactly once across restarts.
public struct AnalysisEngine: Sendable {
    public let configuration: AnalysisConfiguration
    /// Interned scopes shared by both tables.
    public internal(set) var scopes = ScopeIndex()
    public private(set) var fine: RollupTable
    /// Only the coarse resolution's bucket arithmetic: its rows are sums of fine buckets, made on export.
    public private(set) var coarse: RollupTable
    public private(set) var timeline = VersionTimeline()
    /// What evaluations carry from one to the next (incidents, pending confirmations, ...): one value, so a
    /// replay after late records can rewind it (see `AnalysisEngine+Lateness.swift`).
    var evaluationState = EvaluationState()
    /// Counts by reason, the sidecar's clock and the snapshots replays start from.
    var lateness = LatenessTracker()
    /// The newest timestamp among records rolled up (future-dated and too-late records never move it).
    public private(set) var watermarkMicros: Int64?
    /// The next bucket boundary at which the analyzer evaluates.
    public private(set) var nextEvaluationMicros: Int64?
    /// The last store row id ingested (0 before any).
    public private(set) var lastRowID: Int64 = 0
    public private(set) var evaluations: Int64 = 0

    var events: [IncidentEvent] = []
    var changedIncidents: Set<String> = []
    /// Per-shape counts for failure-slice discovery (see ``SliceSearch``).
    public internal(set) var shapes: ShapeTable
    /// Running sums of each live cohort, by the cohort's scope id.
    var cohortSums: [Int: CohortSums] = [:]
    /// Per-scope sums of whole hours, for baselines; an hour is summed again after a record lands in it.
    private var hourly: [Int64: [MetricCounters]] = [:]
    private var touchedHours: Set<Int64> = []
    private var lastTouchedHour: Int64 = .min
    /// Every scope's baseline and current sums as of the last evaluation, slid one bucket per evaluation.
    private(set) var windowSums = RunningWindows()
    /// Scope ids and timeline slots by record shape (see ``ScopeSignature``).
    /// Keyed by ``ScopeSignature/fingerprint(_:)``; a fingerprint shared by different signatures keeps each.
    private var resolved: [UInt64: [(signature: ScopeSignature, scopes: ResolvedScopes)]] = [:]
    private var resolvedCount = 0

    public init(configuration: AnalysisConfiguration = AnalysisConfiguration()) throws(AnalysisError) {
        try configuration.validate()
        self.configuration = configuration
        fine = RollupTable(bucketMicros: configuration.bucketMicros)
        coarse = RollupTable(bucketMicros: configuration.coarseBucketMicros)
        shapes = ShapeTable(bucketMicros: configuration.bucketMicros)
    }

    /// Records before this are outside the in-memory horizon: rolling them up would overwrite stored buckets
    /// that memory no longer holds.
    public var horizonStartMicros: Int64? {
        watermarkMicros.map { coarse.bucketStart($0 - configuration.horizonMicros) }
    }

    /// Adds one record, evaluating first at every bucket boundary its timestamp passes. Records dated in the
    /// future or beyond the lateness horizon are only counted; late ones are folded in and their windows
    /// replayed (see ``admit(_:)``).
    public mutating func ingest(_ record: RequestRecord, rowID: Int64? = nil) {
        if let rowID { lastRowID = max(lastRowID, rowID) }
        let t = record.timestampMicros
        guard admit(t) else { return }
        advance(to: t)
        let observation = RecordObservation(record)
        let resolved = resolve(record)
        fine.add(observation, scopeIDs: resolved.scopeIDs)
        // A bucket already in the running window sums changed: they are summed again at the next evaluation.
        if t < windowSums.sealedBefore { windowSums.invalidate() }
        if configuration.detectSlices {
            shapes.add(observation, shape: resolved.shape)
            // A bucket already read into the lattice's running sums changed: they are rebuilt from the buckets at
            // the next evaluation (a replay after late records rebuilds them the same way).
            if t < shapes.sealedBefore { cohortSums.removeAll() }
        }
        let hour = coarse.bucketStart(t)
        if hour != lastTouchedHour {
            touchedHours.insert(hour)
            lastTouchedHour = hour
        }
        for slot in resolved.timelineSlots { timeline.see(slot: slot, at: t) }
        if t > (watermarkMicros ?? .min) { watermarkMicros = t }
    }

    /// The scope ids and timeline slots of the record's shape: one lookup on a hit; on a miss the scopes are
    /// built and interned once. The cache is bounded (cleared when full), since shapes multiply with slices.
    private mutating func resolve(_ r: RequestRecord) -> ResolvedScopes {
        let key = ScopeSignature.fingerprint(r)
        if let hits = resolved[key] {
            // By index: iterating the elements would copy each signature (a retain per string in it).
            for i in hits.indices where hits[i].signature.matches(r) { return hits[i].scopes }
        }
        if resolvedCount >= 1 << 16 {
            resolved.removeAll(keepingCapacity: true)
            resolvedCount = 0
        }
        var ids: [Int] = []
        for scope in r.analysisScopes() { ids.append(scopes.id(scope)) }
        var slots: [Int] = []
        if let m = r.model { slots.append(timeline.slot("model:" + m.name, m.version)) }
        if let tpl = r.template { slots.append(timeline.slot("template:" + tpl.id, tpl.version)) }
        if let index = r.retrieval?.indexVersion { slots.append(timeline.slot("index", index)) }
        for call in r.tools { if let v = call.version { slots.append(timeline.slot("tool:" + call.name, v)) } }
        if let release = r.release {
            if let v = release.dataset { slots.append(timeline.slot("release.dataset", v)) }
            if let v = release.validator { slots.append(timeline.slot("release.validator", v)) }
            if let v = release.evalSuite { slots.append(timeline.slot("release.eval_suite", v)) }
        }
        let shape = ResolvedScopes(scopeIDs: ids, timelineSlots: slots, shape: shapes.intern(ids))
        resolved[key, default: []].append((ScopeSignature(r), shape))
        resolvedCount += 1
        return shape
    }

    /// Moves the checkpoint past a stored row that could not be decoded.
    public mutating func skip(rowID: Int64) {
        lastRowID = max(lastRowID, rowID)
    }

    /// Adds details to an incident's recommendation (e.g. the path of an export written by the owner),
    /// without raising an event: the owner stores them with the step that opened it.
    public mutating func annotate(incidentID: String, details: [String: String]) {
        incidents[incidentID]?.recommendation.details.merge(details) { $1 }
    }

    /// Evaluates at every boundary up to and including `t` (e.g. on a wall-clock tick when traffic stops).
    public mutating func advance(to t: Int64) {
        guard var next = nextEvaluationMicros else {
            nextEvaluationMicros = fine.bucketStart(t) + configuration.bucketMicros
            return
        }
        // Late records since the last evaluation are replayed before anything new is evaluated.
        if t >= next { replayLateWindows() }
        if t - next > configuration.horizonMicros {
            // A long gap: skip straight to the boundary before `t`.
            next = fine.bucketStart(t)
        }
        while t >= next {
            keepSnapshot(at: next)
            evaluate(at: next)
            next += configuration.bucketMicros
        }
        nextEvaluationMicros = next
    }

    /// The incidents ranked by the impact of their cause, open first; findings listed in another incident's
    /// affected scopes are left out.
    public var rankedIncidents: [Incident] {
        incidents.values.filter { $0.parentID == nil }.sorted {
            ($0.status == .open ? 0 : 1, -$0.rankingSeverity, $0.id) < ($1.status == .open ? 0 : 1, -$1.rankingSeverity, $1.id)
        }
    }

    // MARK: - Merged buckets (the fleet view)

    /// Folds one fine bucket of state merged from several sidecars, as ``ingest(_:rowID:)`` folds one record: the
    /// boundaries up to the bucket's start are evaluated first, then its rollups, shape counts and version sightings
    /// are added. Fed every bucket oldest first, the engine makes the evaluations a single sidecar that saw all the
    /// records would make, from sums of the same counters (docs/fleet.md says what differs).
    public mutating func fold(_ bucket: MergedBucket, timeline merged: MergedTimeline) {
        let start = fine.bucketStart(bucket.startMicros)
        let end = start + configuration.bucketMicros
        advance(to: start)
        var seen: [VersionTimeline.Key: Int64] = [:]
        for row in bucket.rollups where row.counters.requests > 0 {
            let id = scopes.id(row.scope)
            fine.merge(row.counters, id: id, at: start)
            if Dimension.versioned.contains(row.scope.dimension) {
                let (component, version) = Self.timelineKey(dimension: row.scope.dimension, value: row.scope.value)
                seen[VersionTimeline.Key(component: component, version: version), default: 0] += row.counters.requests
            }
        }
        if configuration.detectSlices {
            for shape in bucket.shapes {
                let ids = [scopes.id(ScopeKey(task: shape.task))] + shape.predicates.sorted().map { scopes.id($0) }
                let id = self.shapes.intern(ids)
                self.shapes.merge(shape: id, outcomes: shape.outcomes, failures: shape.failures, checks: shape.checks, at: start)
            }
        }
        // A sighting is known to the bucket only: first sightings are exact (the merged minimum), last ones exact
        // once the version stopped, else the bucket's end, which every comparison of the analyzer (bucket-aligned)
        // treats alike.
        for (key, requests) in seen.sorted(by: { ($0.key.component, $0.key.version) < ($1.key.component, $1.key.version) }) {
            guard let final = merged.entries[key] else { continue }
            let before = timeline.entry(component: key.component, version: key.version)
            timeline.set(VersionTimeline.Entry(
                component: key.component, version: key.version, firstSeenMicros: final.firstSeenMicros,
                lastSeenMicros: max(before?.lastSeenMicros ?? .min, min(final.lastSeenMicros, end - 1)),
                requests: (before?.requests ?? 0) + requests))
        }
        let hour = coarse.bucketStart(start)
        touchedHours.insert(hour)
        lastTouchedHour = hour
        let newest = min(bucket.newestMicros, end - 1)
        if newest > (watermarkMicros ?? .min) { watermarkMicros = newest }
    }

    // MARK: - Persistence

    /// Everything changed since the last call: what the owner stores in one transaction.
    public struct Changes: Sendable {
        public var rollups: [RollupTable.Row]
        public var timeline: [VersionTimeline.Entry]
        public var incidents: [Incident]
        public var events: [IncidentEvent]
        public var lastRowID: Int64
        public var watermarkMicros: Int64?
        public var nextEvaluationMicros: Int64?
        public var pending: [String: Int]
        public var recovering: [String: Int] = [:]
        /// Shapes interned since the last call: id, task and predicates.
        public var shapes: [(id: Int, task: String, predicates: [ScopeKey])] = []
        public var shapeBuckets: [ShapeTable.BucketRow] = []
        public var checkNames: [String] = []
        public var recordCounts: RecordCounts

        public var isEmpty: Bool { rollups.isEmpty && timeline.isEmpty && incidents.isEmpty && events.isEmpty }
    }

    public mutating func takeChanges() -> Changes {
        replayLateWindows()
        let withdrawn = takeWithdrawn()
        var changes = Changes(
            rollups: exportRollups(), timeline: timeline.takeDirty(),
            incidents: changedIncidents.sorted().compactMap { incidents[$0] ?? withdrawn[$0] }, events: events,
            lastRowID: lastRowID, watermarkMicros: watermarkMicros, nextEvaluationMicros: nextEvaluationMicros,
            pending: pending, recordCounts: lateness.counts)
        changes.recovering = recovering
        changes.shapes = shapes.takeNewShapes().map { id in
            let shape = shapes.shapes[id]
            return (id, scopes.keys[shape.task].task, shape.predicates.map { scopes.keys[$0] })
        }
        changes.shapeBuckets = shapes.takeDirtyBuckets()
        changes.checkNames = shapes.checkNames
        events.removeAll()
        changedIncidents.removeAll()
        prune()
        return changes
    }

    /// The changed fine buckets, and the coarse buckets containing them recomputed as sums of their fine
    /// buckets (all in memory within the horizon), so a record costs one rollup update, not two.
    private mutating func exportRollups() -> [RollupTable.Row] {
        let rows = fine.takeDirty(scopes)
        var hours: Set<CoarseKey> = []
        for row in rows { hours.insert(CoarseKey(scope: row.scope, start: coarse.bucketStart(row.startMicros))) }
        var coarseRows: [RollupTable.Row] = []
        for key in hours {
            guard let id = scopes.existingID(key.scope) else { continue }
            var sum = MetricCounters()
            var start = key.start
            while start < key.start + coarse.bucketMicros {
                if let c = fine.counters(id, at: start) { sum.merge(c) }
                start += fine.bucketMicros
            }
            coarseRows.append(RollupTable.Row(bucketMicros: coarse.bucketMicros, startMicros: key.start, scope: key.scope, counters: sum))
        }
        coarseRows.sort { ($0.startMicros, $0.scope) < ($1.startMicros, $1.scope) }
        return rows + coarseRows
    }

    private struct CoarseKey: Hashable { var scope: ScopeKey; var start: Int64 }

    /// The persisted state an engine resumes from.
    public struct State: Sendable {
        public var rollups: [RollupTable.Row]
        public var timeline: [VersionTimeline.Entry]
        public var incidents: [Incident]
        public var lastRowID: Int64
        public var watermarkMicros: Int64?
        public var nextEvaluationMicros: Int64?
        public var pending: [String: Int]
        public var recovering: [String: Int] = [:]
        /// Every stored shape: id, task and predicates.
        public var shapes: [(id: Int, task: String, predicates: [ScopeKey])] = []
        /// Shape buckets from the cohort horizon plus a baseline window before the watermark (older than the
        /// in-memory horizon, they only rebuild the live cohorts' running sums).
        public var shapeBuckets: [ShapeTable.BucketRow] = []
        public var checkNames: [String] = []
        public var recordCounts: RecordCounts

        public init(rollups: [RollupTable.Row], timeline: [VersionTimeline.Entry], incidents: [Incident], lastRowID: Int64,
                    watermarkMicros: Int64?, nextEvaluationMicros: Int64?, pending: [String: Int] = [:],
                    recordCounts: RecordCounts = RecordCounts()) {
            self.pending = pending
            self.recordCounts = recordCounts
            self.rollups = rollups
            self.timeline = timeline
            self.incidents = incidents
            self.lastRowID = lastRowID
            self.watermarkMicros = watermarkMicros
            self.nextEvaluationMicros = nextEvaluationMicros
        }
    }

    /// Replaces the state with a persisted one. Only fine rollups are needed (coarse ones are recomputed from
    /// them); rows of other bucket sizes are ignored.
    public mutating func restore(_ state: State) {
        fine = RollupTable(bucketMicros: configuration.bucketMicros)
        coarse = RollupTable(bucketMicros: configuration.coarseBucketMicros)
        scopes = ScopeIndex()
        for row in state.rollups {
            let id = scopes.id(row.scope)
            if row.bucketMicros == fine.bucketMicros { fine.restore(row, id: id) }
        }
        timeline = VersionTimeline()
        resolved.removeAll()
        resolvedCount = 0
        for entry in state.timeline { timeline.restore(entry) }
        incidents = Dictionary(state.incidents.filter { !Self.isWithdrawn($0) }.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        lastEventValue = incidents.mapValues { $0.latest?.value ?? $0.current.value }
        lastRowID = state.lastRowID
        watermarkMicros = state.watermarkMicros
        nextEvaluationMicros = state.nextEvaluationMicros
        pending = state.pending
        recovering = state.recovering
        restoreShapes(state)
        hourly.removeAll()
        windowSums = RunningWindows()
        touchedHours.removeAll()
        lastTouchedHour = .min
        events.removeAll()
        changedIncidents.removeAll()
        restoreLateness(counts: state.recordCounts)
    }

    private mutating func prune() {
        guard let start = horizonStartMicros else { return }
        fine.prune(before: start)
        if let watermark = watermarkMicros {
            // No record older than the lateness horizon is accepted: the fine buckets of hours before it are final,
            // and their sketches (exported with them) no longer needed in memory.
            fine.dropSketches(before: coarse.bucketStart(watermark - configuration.latenessMicros))
        }
        shapes.prune(before: start)
        for hour in hourly.keys where hour < start { hourly[hour] = nil }
        for (id, incident) in incidents where incident.status == .resolved && (incident.resolvedAtMicros ?? 0) < start {
            incidents[id] = nil
            lastEventValue[id] = nil
        }
    }

    // MARK: - Evaluation

    /// Detects, opens, updates and resolves incidents for the window ending at `t`.
    public mutating func evaluate(at t: Int64) {
        evaluations += 1
        let firstEvent = events.count
        defer { foldGroups(eventsFrom: firstEvent, at: t) }
        fine.closeOpen()
        var excluded: [String: [Range<Int64>]] = [:], explained: [String: [Range<Int64>]] = [:]
        for incident in incidents.values {
            let end = incident.resolvedAtMicros ?? .max
            let span = incident.startedAtMicros..<max(end, incident.startedAtMicros + 1)
            excluded[incident.task, default: []].append(span)
            if incident.status == .resolved { explained[incident.task, default: []].append(span) }
        }
        if windowSums.canSlide(to: t, configuration: configuration, excluded: excluded, explained: explained) {
            windowSums.slide(table: fine, scopes: scopes, to: t, configuration: configuration)
        } else {
            refreshHourly(before: t - configuration.currentWindowMicros)
            windowSums.rebuild(table: fine, scopes: scopes, at: t, configuration: configuration, excluded: excluded,
                               explained: explained, hourly: hourly, hourMicros: coarse.bucketMicros)
        }
        let windows = WindowCounters(windowSums, scopes: scopes, at: t, configuration: configuration, excluded: excluded)
        let openTasks = Set(incidents.values.filter { $0.status == .open }.map(\.task))
        let results = RegressionDetector(configuration: configuration, dispersion: hourlyDispersion(windows))
            .evaluate(windows, skipping: openTasks)
        for id in incidents.keys.sorted() where incidents[id]!.status == .open {
            if incidents[id]!.conjunction != nil {
                updateSlice(id, windows: windows, at: t)
            } else {
                update(id, windows: windows, at: t)
            }
        }
        // Candidates: a task without an open incident, or a canary beside one (keyed task|dimension=value).
        var candidates: [String: (task: String, result: RegressionDetector.TaskResult)] = [:]
        for (task, result) in results {
            if !openTasks.contains(task) {
                candidates[task] = (task, result)
                continue
            }
            let open = incidents.values.filter { $0.status == .open && $0.task == task }
            let known = open.map(\.scope)
            let latestStart = open.map(\.startedAtMicros).max() ?? .min
            // Only a version deployed after the open incidents began is a separate cause.
            for finding in result.findings where finding.kind == .newVersion
                && !known.contains(where: { $0[finding.scope.dimension] == finding.scope.value })
                && (firstSeen(finding.scope) ?? .min) > latestStart {
                candidates["\(task)|\(finding.scope.dimension)=\(finding.scope.value)"] = (task, .init(comparison: nil, findings: [finding], metric: finding.metric))
            }
        }
        // A regression carried by a young version cohort is the lattice search's to report (see isYoungCohort).
        for (key, candidate) in candidates where candidate.result.findings.contains(where: {
            $0.kind == .newVersion && isYoungCohort($0.scope, at: t)
        }) {
            candidates[key] = nil
        }
        // A segment whose drop is its own mix moving over another slice key is the traffic's (the task's mix test
        // speaks for it), not a regression of its own.
        for (key, candidate) in candidates {
            var result = candidate.result
            result.findings.removeAll { segmentDropExplainedByMix($0, windows: windows) }
            candidates[key] = result.findings.isEmpty ? nil : (candidate.task, result)
        }
        for key in pending.keys where candidates[key] == nil { pending[key] = nil }
        for key in candidates.keys.sorted() {
            let seen = (pending[key] ?? 0) + 1
            if seen >= configuration.confirmations {
                pending[key] = nil
                open(task: candidates[key]!.task, result: candidates[key]!.result, windows: windows, at: t)
            } else {
                pending[key] = seen
            }
        }
        if configuration.detectSlices { evaluateSlices(at: t) }
        shapes.sealedBefore = t
    }

    /// Sums the whole hours that end before `end` and are missing or were touched since they were summed.
    /// Each task's ``HourlyDispersion`` over the baseline window's whole current-window-sized spans (incident time
    /// left out), from the fine buckets.
    func hourlyDispersion(_ windows: WindowCounters) -> [String: HourlyDispersion] {
        guard configuration.hourlyDispersion else { return [:] }
        var out: [String: HourlyDispersion] = [:]
        let span = configuration.currentWindowMicros, bucket = configuration.bucketMicros
        for key in windows.current.keys where key.isTask {
            guard let id = scopes.existingID(key) else { continue }
            var hours: [(trials: Int64, passes: Int64)] = []
            var start = windows.baselineRange.lowerBound
            while start + span <= windows.baselineRange.upperBound {
                defer { start += span }
                if windows.isExcluded(task: key.task, bucket: start..<(start + span)) { continue }
                var trials: Int64 = 0, passes: Int64 = 0
                var b = start
                while b < start + span {
                    if let (t, p) = fine.withCounters(id, at: b, { ($0.pointee.outcomes, $0.pointee.successes) }) {
                        trials += t
                        passes += p
                    }
                    b += bucket
                }
                hours.append((trials, passes))
            }
            let d = HourlyDispersion(hours: hours)
            if d.logitVariance > 0 { out[key.task] = d }
        }
        return out
    }

    private mutating func refreshHourly(before end: Int64) {
        let hourMicros = coarse.bucketMicros
        var hours = Set(fine.starts.map { coarse.bucketStart($0) }.filter { $0 + hourMicros <= end && hourly[$0] == nil })
        for hour in touchedHours where hour + hourMicros <= end { hours.insert(hour) }
        for hour in hours {
            touchedHours.remove(hour)
            if hour == lastTouchedHour { lastTouchedHour = .min }
            var column = [MetricCounters](repeating: MetricCounters(), count: scopes.count)
            var start = hour
            while start < hour + hourMicros {
                if let bucket = fine.buckets[start] {
                    bucket.counters.withUnsafeBufferPointer { counters in
                        for id in counters.indices where counters[id].requests > 0 {
                            column[id].merge(from: counters.baseAddress! + id, sketch: false)
                        }
                    }
                }
                start += fine.bucketMicros
            }
            hourly[hour] = column
        }
    }

    /// Picks the scope that best explains the task's drop: a narrower finding that carries at least
    /// `explanatoryPower` of the task's excess failures and is clearly worse than the task as a whole
    /// (Adtributor's explanatory power and surprise), the most surprising first; else the task itself.
    func localize(_ result: RegressionDetector.TaskResult) -> Finding {
        let findings = result.findings
        // The significant task-wide test, else the significant narrower one with the most excess failures: the
        // incident's headline is a test that passed the opening rule. Only when the mix alone is significant is the
        // task's comparison the reference (a traffic incident's headline is then the mix test, see `headline`).
        let top = findings.first { $0.kind == .task } ?? findings.filter { $0.kind != .mix }.max { $0.excess < $1.excess }
            ?? result.comparison ?? findings[0]
        let taskExcess = max(top.excess, 0)
        let candidates = findings.filter {
            $0.kind != .mix && !$0.scope.isTask && $0.share <= 0.8 && $0.excess >= configuration.explanatoryPower * min(taskExcess, $0.excess * 4)
                && $0.effect >= 1.5 * max(top.effect, 0)
        }
        return candidates.max { ($0.effect, -$0.share) < ($1.effect, -$1.share) } ?? top
    }


}
