import DriftwatchCore

extension AnalysisEngine {
    /// Versions first seen within the cohort horizon that are not their component's first version, by scope id,
    /// for the tasks they serve.
    func liveCohorts(at t: Int64) -> [Int: [SliceSearch.Cohort]] {
        var out: [Int: [SliceSearch.Cohort]] = [:]
        var earliest: [String: Int64?] = [:]
        for (id, key) in scopes.keys.enumerated() where Dimension.versioned.contains(key.dimension) {
            let (component, version) = Self.timelineKey(dimension: key.dimension, value: key.value)
            // A version no longer serving (rolled back or replaced) is no cohort to accumulate evidence in.
            guard let entry = timeline.entry(component: component, version: version),
                  entry.firstSeenMicros >= t - configuration.cohortHorizonMicros, entry.firstSeenMicros < t,
                  entry.lastSeenMicros >= t - 2 * configuration.bucketMicros else { continue }
            if earliest[component] == nil { earliest[component] = timeline.earliestFirstSeen(component: component) }
            guard let first = earliest[component] ?? nil, entry.firstSeenMicros > first + configuration.bucketMicros,
                  let task = scopes.existingID(ScopeKey(task: key.task)) else { continue }
            // After an incident about this version resolved, evidence starts again from its resolution.
            let restart = cohortRestarts[id] ?? .min
            out[task, default: []].append(SliceSearch.Cohort(scopeID: id, key: key, firstSeen: entry.firstSeenMicros,
                                                             evidenceFrom: max(entry.firstSeenMicros, restart)))
        }
        return out
    }

    /// Searches every live cohort's lattice and opens an incident for the best conjunction of each cohort that
    /// crossed its threshold, unless an open incident already covers that version.
    mutating func evaluateSlices(at t: Int64) {
        let live = liveCohorts(at: t)
        let liveIDs = Set(live.values.flatMap { $0.map(\.scopeID) })
        for id in cohortSums.keys where !liveIDs.contains(id) { cohortSums[id] = nil }
        guard !live.isEmpty else { return }
        var taskShapes: [Int: [Int]] = [:]
        for (i, shape) in shapes.shapes.enumerated() where live[shape.task] != nil { taskShapes[shape.task, default: []].append(i) }
        let search = SliceSearch(configuration: configuration)
        for task in live.keys.sorted() {
            let taskName = scopes.keys[task].task
            var findings: [SliceFinding] = []
            // Versions the task's open incidents blame: their requests are another cause's.
            var blamed: Set<Int> = []
            for incident in incidents.values where incident.status == .open && incident.task == taskName {
                for (dimension, value) in incident.scope where Dimension.versioned.contains(dimension) {
                    if let id = scopes.existingID(ScopeKey(task: taskName, dimension: dimension, value: value)) { blamed.insert(id) }
                }
            }
            for cohort in live[task]!.sorted(by: { $0.scopeID < $1.scopeID }) {
                // Other causes' intervals stay out of both sides; an incident about this version does not.
                let exclusions = incidents.values.filter { $0.task == taskName && $0.scope[cohort.key.dimension] != cohort.key.value }
                    .map { $0.startedAtMicros..<max($0.resolvedAtMicros ?? .max, $0.startedAtMicros + 1) }.sorted { $0.lowerBound < $1.lowerBound }
                var sums = cohortSums[cohort.scopeID]
                    ?? CohortSums(from: RollupTable.floor(cohort.evidenceFrom, configuration.bucketMicros))
                sums.advance(to: t, cohortScope: cohort.scopeID, task: task, shapes: shapes,
                             baselineMicros: configuration.baselineWindowMicros, exclusions: exclusions)
                cohortSums[cohort.scopeID] = sums
                guard !coveredByOpenIncident(task: taskName, cohort: cohort.key) else { continue }
                let found = search.search(task: task, cohort: cohort, cohorts: live[task]!, taskShapes: taskShapes[task] ?? [],
                                          sums: sums, shapes: shapes, scopes: scopes, blamed: blamed.subtracting([cohort.scopeID]))
                guard let best = Self.bestSlice(found) else { continue }
                // Its failures concentrate on another version an open incident already blames (checkpoint ∧
                // template@v8 while template@v8 is open): that incident's, not a second cause.
                if let p = best.predicate, Dimension.versioned.contains(p.dimension),
                   incidents.values.contains(where: { $0.status == .open && $0.task == taskName && $0.scope[p.dimension] == p.value }) {
                    continue
                }
                // A co-deployed version the data is about to clear or convict: wait for it (within deploySnap).
                if best.separableSoon && t - cohort.firstSeen < configuration.deploySnapMicros { continue }
                findings.append(best)
            }
            // One incident per task and evaluation: the strongest cohort's slice; the others wait for the next look.
            if var best = findings.max(by: { ($0.logEValue - log(Double($0.hypotheses))) < ($1.logEValue - log(Double($1.hypotheses))) }) {
                // A cohort narrowed by another new version (checkpoint ∧ template@v6) is that version's failure when
                // its own lattice found it too: the version named by the narrowing predicate is the one that changed.
                if let p = best.predicate, Dimension.versioned.contains(p.dimension),
                   let other = findings.first(where: { $0.cohort == p && $0.predicate != best.cohort }) {
                    best = other
                }
                openSlice(best, at: t)
            }
        }
    }

    /// Whether an open incident of the task already names this version (found by either detector), or a version
    /// of the same component deployed with it (a checkpoint and its training dataset are one release).
    func coveredByOpenIncident(task: String, cohort: ScopeKey) -> Bool {
        let component = Dimension.component(of: cohort.dimension)
        let first = firstSeen(cohort) ?? .min
        return incidents.values.contains {
            $0.status == .open && $0.task == task && ($0.scope[cohort.dimension] == cohort.value
                || ($0.conjunction != nil && $0.component == component && abs($0.startedAtMicros - first) <= configuration.bucketMicros)
                // Named as the other candidate of an ambiguous incident: the same unseparated cause.
                || ($0.recommendation.details["candidates"] ?? "").split(separator: ",").contains { $0.hasSuffix(":" + cohort.value) })
        }
    }

    /// A version first seen less than ``AnalysisConfiguration/cohortPrecedenceMicros`` ago whose lattice is being
    /// searched: the window detector leaves it to the lattice, which can name the failing slice and accumulates
    /// evidence from the deploy on.
    func isYoungCohort(_ scope: ScopeKey, at t: Int64) -> Bool {
        guard configuration.detectSlices, Dimension.versioned.contains(scope.dimension), let first = firstSeen(scope) else { return false }
        return t - first < configuration.cohortPrecedenceMicros && scopes.existingID(scope).map { cohortSums[$0] != nil } == true
    }

    /// The conjunction to report among a cohort's significant nodes: a narrower node that carries at least half of
    /// the whole cohort's excess failures and is at least 1.5× as bad (explanatory power and surprise), else the
    /// cohort itself; without a significant cohort node, the strongest narrower one. The success rate is preferred
    /// to a check on the same node.
    static func bestSlice(_ findings: [SliceFinding]) -> SliceFinding? {
        guard !findings.isEmpty else { return nil }
        func strongest(_ list: [SliceFinding]) -> SliceFinding? {
            list.max { ($0.metric == .successRate ? 1 : 0, $0.logEValue) < ($1.metric == .successRate ? 1 : 0, $1.logEValue) }
        }
        let whole = strongest(findings.filter { $0.predicate == nil })
        let narrower = findings.filter { $0.predicate != nil }
        guard let whole else {
            // Prefer the node whose failures stand out most, not a broad predicate diluted by healthy traffic.
            return narrower.max { ($0.effect * $0.logEValue.squareRoot(), $0.logEValue) < ($1.effect * $1.logEValue.squareRoot(), $1.logEValue) }
        }
        let surprising = narrower.filter {
            $0.metric == whole.metric && $0.excess >= 0.5 * whole.excess && $0.effect >= 1.5 * whole.effect
        }
        return surprising.max { $0.effect < $1.effect } ?? whole
    }
}

extension AnalysisEngine {
    /// Restores the shape table and rebuilds the live cohorts' running sums up to the last evaluation, then drops
    /// shape buckets older than the in-memory horizon.
    mutating func restoreShapes(_ state: State) {
        shapes = ShapeTable(bucketMicros: configuration.bucketMicros)
        cohortSums.removeAll()
        cohortRestarts.removeAll()
        for incident in incidents.values where incident.conjunction != nil && incident.status == .resolved {
            let id = scopes.id(incident.primaryScope)
            cohortRestarts[id] = max(cohortRestarts[id] ?? .min, incident.resolvedAtMicros ?? .min)
        }
        for shape in state.shapes.sorted(by: { $0.id < $1.id }) {
            let task = scopes.id(ScopeKey(task: shape.task))
            let predicates = shape.predicates.map { scopes.id($0) }
            shapes.restore(id: shape.id, shape: ShapeTable.Shape(task: task, predicates: predicates.sorted()), scopeIDs: [task] + predicates)
        }
        shapes.restoreChecks(state.checkNames)
        for row in state.shapeBuckets {
            // A bucket that does not decode is left out of slice discovery rather than stopping the analyzer.
            try? shapes.restore(row)
        }
        if let next = nextEvaluationMicros {
            let last = next - configuration.bucketMicros
            for (task, cohorts) in liveCohorts(at: last) {
                for cohort in cohorts {
                    let exclusions = incidents.values.filter { $0.task == scopes.keys[task].task && $0.scope[cohort.key.dimension] != cohort.key.value }
                        .map { $0.startedAtMicros..<max($0.resolvedAtMicros ?? .max, $0.startedAtMicros + 1) }.sorted { $0.lowerBound < $1.lowerBound }
                    var sums = CohortSums(from: RollupTable.floor(cohort.evidenceFrom, configuration.bucketMicros))
                    sums.advance(to: last, cohortScope: cohort.scopeID, task: task, shapes: shapes,
                                 baselineMicros: configuration.baselineWindowMicros, exclusions: exclusions)
                    cohortSums[cohort.scopeID] = sums
                }
            }
            shapes.sealedBefore = last
        }
        if let start = horizonStartMicros { shapes.prune(before: start) }
        _ = shapes.takeNewShapes()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
