import DriftwatchStatistics

/// A failure slice found by ``SliceSearch``: a conjunction `task ∧ version ∧ predicate` (or `task ∧ version`)
/// whose failure rate since the version's first sighting is above the same slice's rate on the other versions.
struct SliceFinding: Sendable {
    var task: String
    /// The new version (e.g. `model_version=support-ft@ft-8`), the cohort the evidence accumulates in.
    var cohort: ScopeKey
    var cohortFirstSeen: Int64
    /// The further predicate narrowing the cohort (e.g. `long_context=true`), nil for the whole cohort.
    var predicate: ScopeKey?
    var metric: DetectedMetric
    /// Pass rate of the conjunction on the new version since its first sighting.
    var current: PassRate
    /// Pass rate of the same conjunction without the new version (the versions it replaces, before and beside it).
    var reference: PassRate
    /// The null failure rate the e-value was computed against (the reference's, raised by its uncertainty).
    var nullFailureRate: Double
    var logEValue: Double
    /// Hypotheses of this cohort's lattice (nodes × metrics): the Bonferroni factor.
    var hypotheses: Int
    /// Other new versions whose cohorts overlap this conjunction's requests almost entirely: the data cannot
    /// tell them apart from `cohort`. Share of the conjunction's trials that also carry each.
    var confounded: [(scope: ScopeKey, overlap: Double)] = []
    /// A confounded version also serves requests without the cohort, too few yet to clear or convict it: the data
    /// will separate the two soon, so opening waits (up to `deploySnap` after the sighting) rather than reporting an
    /// ambiguity that is about to resolve.
    var separableSoon = false
    /// Which reference the node was compared with (see ``CohortSums``).
    var comparison: Comparison = .concurrent

    enum Comparison: String, Sendable {
        /// The other versions serving beside the cohort, over the same time.
        case concurrent = "the other versions serving beside it"
        /// The task's traffic over the baseline window before the first sighting.
        case before = "the baseline window before its first sighting"
        /// Both: the baseline before and the versions beside it, when no other incident touched the task meanwhile.
        case pooled = "the baseline window before its first sighting and the other versions beside it"
    }

    var pValue: Double { logEValue <= 0 ? 1 : exp(-logEValue) }
    var adjustedPValue: Double { min(1, pValue * Double(hypotheses)) }
    /// Failure-rate increase over the reference.
    var effect: Double { (reference.value ?? 1) - (current.value ?? 1) }
    var excess: Double { effect * Double(current.trials) }
    /// The conjunction's predicates beyond the task, cohort first.
    var predicates: [ScopeKey] { [cohort] + (predicate.map { [$0] } ?? []) }
}

/// Failure-slice discovery over a lattice of conjunctions, evaluated on the shape counts (``ShapeTable``).
///
/// For each version first seen within `cohortHorizon` that serves a task, the lattice is that cohort alone and
/// the cohort narrowed by each other predicate its requests carry (another version, the route, a slice value):
/// `task ∧ version ∧ predicate`, three predicates. Evidence accumulates from the version's first sighting,
/// not inside a fixed window. Each node and metric (the success rate, each validation check) is tested with
/// ``BinomialMixtureSPRT`` against the same predicate's failure rate on the other versions over the baseline
/// window before the sighting and beside the cohort since, raised to its upper 97.5% Wilson bound (the reference is
/// itself a sample). The e-value is valid under any number of looks; the lattice's multiplicity is a Bonferroni
/// factor, the number of node × metric hypotheses of the cohort, so a cohort raises a false alarm with
/// probability at most `sliceAlpha` over its whole life (Ville's inequality and a union bound).
/// Nodes are pruned by support (fewer trials than `sliceMinimumTrials`) and by an upper bound (even all trials
/// failing could not reach the threshold).
struct SliceSearch {
    let configuration: AnalysisConfiguration

    /// A version's scope, its first sighting and whether it is a live cohort (new, not the component's first).
    struct Cohort {
        var scopeID: Int
        var key: ScopeKey
        var firstSeen: Int64
        /// Evidence accumulates from here: the first sighting, or the resolution of the version's last incident.
        var evidenceFrom: Int64
    }

    /// Tests the lattice of one live cohort of `task` from its running sums (see ``CohortSums``).
    /// `blamed`: scope ids of versions an open incident of the task already blames; requests carrying them are left
    /// out of both sides, so a version riding along with a known cause is not found guilty of its failures.
    func search(task: Int, cohort: Cohort, cohorts: [Cohort], taskShapes allTaskShapes: [Int], sums: CohortSums, shapes: ShapeTable,
                scopes: ScopeIndex, blamed: Set<Int> = []) -> [SliceFinding] {
        let taskShapes = blamed.isEmpty ? allTaskShapes
            : allTaskShapes.filter { shapes.shapes[$0].predicates.allSatisfy { !blamed.contains($0) } }
        let stride = ShapeTable.stride
        let metrics: [DetectedMetric] = [.successRate] + shapes.checkNames.map { .check($0) }
        var out: [SliceFinding] = []
        do {
            // Node counts: -1 is the cohort alone, otherwise the narrowing predicate's scope id. Summed into flat
            // rows (one per node, `stride` counts each) and turned into dictionaries once: the sums run over every
            // shape of the task each evaluation.
            var rowOf: [Int: Int] = [-1: 0]
            var nodeList = [-1]
            var cohortShapes: [Int] = [], otherShapes: [Int] = []
            for shape in taskShapes {
                let predicates = shapes.shapes[shape].predicates
                if predicates.contains(cohort.scopeID) {
                    guard sums.cohortAll.count > shape * stride, sums.cohortAll[shape * stride] > 0 || hasChecks(sums.cohortAll, shape) else { continue }
                    cohortShapes.append(shape)
                    for p in predicates where p != cohort.scopeID && rowOf[p] == nil && scopes.keys[p].dimension != cohort.key.dimension {
                        rowOf[p] = nodeList.count
                        nodeList.append(p)
                    }
                } else {
                    otherShapes.append(shape)
                }
            }
            guard !cohortShapes.isEmpty else { return [] }
            let width = nodeList.count * stride
            var flatAll = [Int64](repeating: 0, count: width), flatClean = flatAll, flatConcurrent = flatAll, flatBefore = flatAll
            func add(_ flat: inout [Int64], _ row: Int, _ source: [Int64], _ shape: Int) {
                guard source.count > shape * stride else { return }
                let from = shape * stride, to = row * stride
                for k in 0..<stride { flat[to + k] += source[from + k] }
            }
            for shape in cohortShapes {
                add(&flatAll, 0, sums.cohortAll, shape)
                add(&flatClean, 0, sums.cohortClean, shape)
                for p in shapes.shapes[shape].predicates {
                    guard let row = rowOf[p], row > 0 else { continue }
                    add(&flatAll, row, sums.cohortAll, shape)
                    add(&flatClean, row, sums.cohortClean, shape)
                }
            }
            for shape in otherShapes {
                add(&flatConcurrent, 0, sums.concurrent, shape)
                add(&flatBefore, 0, sums.before, shape)
                for p in shapes.shapes[shape].predicates {
                    guard let row = rowOf[p], row > 0 else { continue }
                    add(&flatConcurrent, row, sums.concurrent, shape)
                    add(&flatBefore, row, sums.before, shape)
                }
            }
            func table(_ flat: [Int64]) -> [Int: [Int64]] {
                var out: [Int: [Int64]] = [:]
                for (row, node) in nodeList.enumerated() { out[node] = Array(flat[(row * stride)..<((row + 1) * stride)]) }
                return out
            }
            let curAll = table(flatAll), curClean = table(flatClean), refConcurrent = table(flatConcurrent), refBefore = table(flatBefore)
            var flatPooled = flatBefore
            for k in 0..<width { flatPooled[k] += flatConcurrent[k] }
            let refPooled = table(flatPooled)
            let hypotheses = curAll.count * metrics.count
            let threshold = log(Double(hypotheses) / configuration.sliceAlpha)
            let zero = [Int64](repeating: 0, count: stride)
            for node in curAll.keys.sorted() {
                for (m, metric) in metrics.enumerated() {
                    let trialsAt = m == 0 ? 0 : 2 * m
                    // A concurrent reference when the other versions still serve enough beside the cohort (a
                    // canary), else the baseline before it (a full rollout).
                    let concurrent = (refConcurrent[node] ?? zero)[trialsAt] >= max(configuration.sliceMinimumTrials, curAll[node]![trialsAt] / 4)
                    // Without another incident on the task since the baseline began, the baseline before and the
                    // versions beside are one population: pooled, the reference is tighter.
                    let pooled = concurrent && sums.exclusions.allSatisfy { $0.upperBound <= sums.from - configuration.baselineWindowMicros }
                    let nodeCur = concurrent ? curAll : curClean
                    let nodeRef = pooled ? refPooled : concurrent ? refConcurrent : refBefore
                    guard let cur = nodeCur[node], let ref = nodeRef[node] else { continue }
                    let (ct, cf) = (cur[trialsAt], cur[trialsAt + 1])
                    let (rt, rf) = (ref[trialsAt], ref[trialsAt + 1])
                    guard ct >= configuration.sliceMinimumTrials, rt >= configuration.sliceMinimumTrials else { continue }
                    var pRef = Double(rf) / Double(rt)
                    var upper = Self.wilsonUpper(failures: rf, trials: rt)
                    if node < 0, let standardized = standardizedReference(metric: m, nodeCur: nodeCur, nodeRef: nodeRef, scopes: scopes),
                       standardized > pRef {
                        // The cohort's traffic mix differs from the reference's: compare with the reference's
                        // per-slice rates at the cohort's mix, so a traffic shift is not charged to the version.
                        upper += standardized - pRef
                        pRef = standardized
                    }
                    let p0 = min(0.999, max(upper, pRef + configuration.minimumEffect / 2, 1e-4))
                    // Upper bound: every trial failing.
                    guard Double(ct) * -log(p0) >= threshold else { continue }
                    let pCur = Double(cf) / Double(ct)
                    guard pCur - pRef >= configuration.minimumEffect else { continue }
                    var logE = BinomialMixtureSPRT.logEValue(failures: cf, trials: ct, p0: p0)
                    guard logE >= threshold else { continue }
                    if node >= 0, let standardized = standardizedNodeReference(
                        node: node, trialsAt: trialsAt, cohortShapes: cohortShapes, otherShapes: otherShapes, shapes: shapes, scopes: scopes,
                        current: concurrent ? [sums.cohortAll] : [sums.cohortClean],
                        reference: pooled ? [sums.before, sums.concurrent] : concurrent ? [sums.concurrent] : [sums.before],
                        nodeReferenceRate: Double(rf) / Double(rt)), standardized > pRef {
                        // A narrowed node (the cohort on one slice value) has its own mix over the other slice keys,
                        // which a traffic shift moves (more `language=de` inside `customer_tier=pro`): compare with
                        // the reference's rates at the node's mix, as the cohort node is. Only for nodes that would
                        // open, since it sums shape pairs.
                        let shifted = min(0.999, max(upper + standardized - pRef, standardized + configuration.minimumEffect / 2, 1e-4))
                        guard pCur - standardized >= configuration.minimumEffect else { continue }
                        logE = BinomialMixtureSPRT.logEValue(failures: cf, trials: ct, p0: shifted)
                        guard logE >= threshold else { continue }
                        pRef = standardized
                    }
                    var finding = SliceFinding(
                        task: scopes.keys[task].task, cohort: cohort.key, cohortFirstSeen: cohort.firstSeen,
                        predicate: node >= 0 ? scopes.keys[node] : nil, metric: metric,
                        current: PassRate(passes: ct - cf, trials: ct), reference: PassRate(passes: rt - rf, trials: rt),
                        nullFailureRate: p0, logEValue: logE, hypotheses: hypotheses)
                    let separation = confounders(
                        of: cohort, node: node, among: cohorts, taskShapes: taskShapes, shapes: shapes, sums: sums, metric: m,
                        failureRate: pCur, referenceRate: pRef)
                    if separation.cleared { continue }
                    (finding.confounded, finding.separableSoon) = (separation.confounded, separation.separableSoon)
                    finding.comparison = pooled ? .pooled : concurrent ? .concurrent : .before
                    out.append(finding)
                }
            }
        }
        return out
    }

    /// The reference failure rate of metric `m` re-weighted to the cohort's mix over each slice key whose values
    /// cover the cohort (direct standardization); the highest over keys, nil without such a key.
    private func standardizedReference(metric m: Int, nodeCur: [Int: [Int64]], nodeRef: [Int: [Int64]], scopes: ScopeIndex) -> Double? {
        guard let whole = nodeCur[-1] else { return nil }
        let total = Double(whole[m == 0 ? 0 : 2 * m])
        guard total > 0 else { return nil }
        var byKey: [String: (covered: Double, rate: Double, complete: Bool)] = [:]
        for (node, cur) in nodeCur where node >= 0 && Dimension.isSlice(scopes.keys[node].dimension) {
            let key = scopes.keys[node].dimension
            let trials = Double(cur[m == 0 ? 0 : 2 * m])
            var entry = byKey[key] ?? (0, 0, true)
            entry.covered += trials
            if let ref = nodeRef[node], ref[m == 0 ? 0 : 2 * m] >= configuration.sliceMinimumTrials {
                entry.rate += trials / total * Double(ref[m == 0 ? 1 : 2 * m + 1]) / Double(ref[m == 0 ? 0 : 2 * m])
            } else if trials > 0 {
                entry.complete = false
            }
            byKey[key] = entry
        }
        return byKey.values.filter { $0.complete && $0.covered >= 0.99 * total }.map(\.rate).max()
    }

    /// The reference failure rate of a narrowed node (`cohort ∧ node`) re-weighted to the node's own mix over each
    /// other slice key (direct standardization), the highest over keys whose values cover the node; nil without one.
    /// A value with few reference trials is shrunk toward the node's reference rate (10 pseudo-trials), so a rare
    /// value neither blocks the standardization nor swings it.
    private func standardizedNodeReference(node: Int, trialsAt: Int, cohortShapes: [Int], otherShapes: [Int], shapes: ShapeTable,
                                           scopes: ScopeIndex, current: [[Int64]], reference: [[Int64]],
                                           nodeReferenceRate: Double) -> Double? {
        let stride = ShapeTable.stride
        let nodeDimension = scopes.keys[node].dimension
        var curTrials: [Int: Double] = [:], refCounts: [Int: (trials: Double, failures: Double)] = [:]
        var total = 0.0
        for shape in cohortShapes {
            let predicates = shapes.shapes[shape].predicates
            guard predicates.contains(node) else { continue }
            var trials = 0.0
            for source in current where source.count > shape * stride { trials += Double(source[shape * stride + trialsAt]) }
            guard trials > 0 else { continue }
            total += trials
            for p in predicates where p != node && Dimension.isSlice(scopes.keys[p].dimension) && scopes.keys[p].dimension != nodeDimension {
                curTrials[p, default: 0] += trials
            }
        }
        guard total > 0, !curTrials.isEmpty else { return nil }
        for shape in otherShapes {
            let predicates = shapes.shapes[shape].predicates
            guard predicates.contains(node) else { continue }
            var trials = 0.0, failures = 0.0
            for source in reference where source.count > shape * stride {
                trials += Double(source[shape * stride + trialsAt])
                failures += Double(source[shape * stride + trialsAt + 1])
            }
            guard trials > 0 else { continue }
            for p in predicates where curTrials[p] != nil {
                refCounts[p, default: (0, 0)].trials += trials
                refCounts[p, default: (0, 0)].failures += failures
            }
        }
        let prior = 10.0
        var byKey: [String: (covered: Double, rate: Double)] = [:]
        for (p, trials) in curTrials {
            let ref = refCounts[p] ?? (0, 0)
            let rate = (ref.failures + prior * nodeReferenceRate) / (ref.trials + prior)
            byKey[scopes.keys[p].dimension, default: (0, 0)].covered += trials
            byKey[scopes.keys[p].dimension, default: (0, 0)].rate += trials / total * rate
        }
        return byKey.values.filter { $0.covered >= 0.99 * total }.map(\.rate).max()
    }

    private func hasChecks(_ sums: [Int64], _ shape: Int) -> Bool {
        var k = 2
        while k < ShapeTable.stride {
            if sums[shape * ShapeTable.stride + k] > 0 { return true }
            k += 2
        }
        return false
    }

    /// Other live cohorts first seen within `deploySnap` of this one whose versions ride on ≥ 90% of the node's
    /// trials: a change the logs cannot separate from this one. Unless the other version also serves enough requests
    /// *without* this one (it went to more traffic, e.g. a checkpoint at 100% beside a template at 50%) and those are
    /// healthy — their failure rate's upper 97.5% Wilson bound below the midpoint of the reference's and the node's:
    /// then the data separates the two, and the other version is cleared.
    private func confounders(of cohort: Cohort, node: Int, among cohorts: [Cohort], taskShapes: [Int], shapes: ShapeTable,
                             sums: CohortSums, metric m: Int, failureRate: Double,
                             referenceRate: Double) -> (confounded: [(scope: ScopeKey, overlap: Double)], separableSoon: Bool, cleared: Bool) {
        var out: [(ScopeKey, Double)] = []
        var soon = false
        var cleared = false
        let trialsAt = m == 0 ? 0 : 2 * m
        for other in cohorts where other.scopeID != cohort.scopeID
            && Dimension.component(of: other.key.dimension) != Dimension.component(of: cohort.key.dimension)
            && abs(other.firstSeen - cohort.firstSeen) <= configuration.deploySnapMicros {
            var total: Int64 = 0, both: Int64 = 0, bothFailed: Int64 = 0, alone: Int64 = 0, aloneFailed: Int64 = 0, without: Int64 = 0, withoutFailed: Int64 = 0
            for shape in taskShapes {
                let predicates = shapes.shapes[shape].predicates
                guard node < 0 || predicates.contains(node) else { continue }
                if predicates.contains(cohort.scopeID) {
                    guard sums.cohortAll.count > shape * ShapeTable.stride else { continue }
                    let trials = sums.cohortAll[shape * ShapeTable.stride + trialsAt]
                    total += trials
                    if predicates.contains(other.scopeID) {
                        both += trials
                        bothFailed += sums.cohortAll[shape * ShapeTable.stride + trialsAt + 1]
                    } else {
                        without += trials
                        withoutFailed += sums.cohortAll[shape * ShapeTable.stride + trialsAt + 1]
                    }
                } else if predicates.contains(other.scopeID), sums.concurrent.count > shape * ShapeTable.stride {
                    alone += sums.concurrent[shape * ShapeTable.stride + trialsAt]
                    aloneFailed += sums.concurrent[shape * ShapeTable.stride + trialsAt + 1]
                }
            }
            guard total > 0 else { continue }
            if Double(both) / Double(total) < 0.9 {
                // The mirror case: this node's requests *without* the other new version are healthy while those with
                // it fail — the other version is the cause and this one only rides along (a template at 100% beside
                // a checkpoint at 50%). The other cohort's own lattice finds it.
                if both > 0, without >= Self.minimumClearingTrials,
                   Self.wilsonUpper(failures: withoutFailed, trials: without) < (referenceRate + Double(bothFailed) / Double(both)) / 2 {
                    cleared = true
                }
                continue
            }
            // The Wilson bound carries the sample size: 30 trials are enough when the two rates are far apart.
            if alone >= Self.minimumClearingTrials,
               Self.wilsonUpper(failures: aloneFailed, trials: alone) < (referenceRate + failureRate) / 2 {
                continue
            }
            if alone > 0 { soon = true }
            out.append((other.key, Double(both) / Double(total)))
        }
        return (out, soon, cleared)
    }

    static let minimumClearingTrials: Int64 = 30

    /// The upper end of the one-sided 97.5% Wilson bound of a failure rate (the two-sided 95% interval's).
    static func wilsonUpper(failures: Int64, trials: Int64) -> Double {
        guard trials > 0 else { return 1 }
        return min(1, Proportions.wilsonInterval(successes: Int(failures), trials: Int(trials), alpha: 0.05).upper)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
