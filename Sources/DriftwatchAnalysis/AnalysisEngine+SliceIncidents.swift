import DriftwatchCore

extension AnalysisEngine {
    /// Opens (or reopens) the incident of a failure slice found by the lattice search.
    mutating func openSlice(_ f: SliceFinding, at t: Int64) {
        let conjunction = f.predicates.map { "\($0.dimension)=\($0.value)" }
        if let id = recentlyResolved(task: f.task, metric: f.metric.name, at: t, matching: { $0.conjunction == conjunction }) {
            reopen(id, at: t)
            return
        }
        var scope = ["task": f.task]
        for p in f.predicates { scope[p.dimension] = p.value }
        let component = Dimension.component(of: f.cohort.dimension)
        let idScope = ScopeKey(task: f.task, dimension: f.cohort.dimension, value: conjunction.joined(separator: "\u{2227}"))
        let hours = max(Double(t - f.cohortFirstSeen) / 3_600_000_000, Double(configuration.bucketMicros) / 3_600_000_000)
        var incident = Incident(
            id: Self.incidentID(task: f.task, scope: idScope, metric: f.metric, detectedAt: t), status: .open,
            startedAt: RFC3339.format(micros: f.cohortFirstSeen), detectedAt: RFC3339.format(micros: t),
            updatedAt: RFC3339.format(micros: t), resolvedAt: nil, metric: f.metric.name, scope: scope,
            baseline: Self.measurement(f.reference), current: Self.measurement(f.current),
            pValue: f.pValue, adjustedPValue: f.adjustedPValue, component: component,
            // Unseparable candidates are equally likely from the logs alone: one in (1 + alternatives).
            confidence: f.confounded.isEmpty ? 0.9 : 1 / Double(f.confounded.count + 1),
            evidence: sliceEvidence(f), recommendation: ambiguous(sliceRecommendation(f, component: component), f, component: component),
            severity: max(0, f.excess) / hours,
            startedAtMicros: f.cohortFirstSeen, detectedAtMicros: t, updatedAtMicros: t, resolvedAtMicros: nil)
        incident.primaryScope = f.cohort
        incident.conjunction = conjunction
        let since = f.cohortFirstSeen, before = since - configuration.baselineWindowMicros
        incident.currentWindow = Incident.TimeWindow(fromMicros: since, toMicros: t)
        switch f.comparison {
        case .concurrent: incident.baselineWindow = Incident.TimeWindow(fromMicros: since, toMicros: t)
        case .before: incident.baselineWindow = Incident.TimeWindow(fromMicros: before, toMicros: since)
        case .pooled: incident.baselineWindow = Incident.TimeWindow(fromMicros: before, toMicros: t)
        }
        incidents[incident.id] = incident
        changedIncidents.insert(incident.id)
        lastEventValue[incident.id] = incident.current.value
        events.append(IncidentEvent(kind: .opened, atMicros: t, incident: incident))
    }

    /// When co-deployed versions of other components ride on the same requests, the logs cannot say which caused the
    /// failures: the recommendation says so first, names every candidate, and asks for the experiment that separates
    /// them. The action stays the found cohort's (the first candidate), at a confidence of one in the candidates.
    private func ambiguous(_ recommendation: Incident.Recommendation, _ f: SliceFinding, component: String) -> Incident.Recommendation {
        var r = recommendation
        r.details["attribution_basis"] = f.confounded.isEmpty ? "failure_slice" : "ambiguous"
        r.details["attribution_score"] = f.confounded.isEmpty ? "0.9" : format(1 / Double(f.confounded.count + 1))
        guard !f.confounded.isEmpty else { return r }
        let candidates = ["\(component) (\(f.cohort.dimension)=\(f.cohort.value))"]
            + f.confounded.map { "\(Dimension.component(of: $0.scope.dimension)) (\($0.scope.dimension)=\($0.scope.value), on \(percent($0.overlap)) of the same requests)" }
        r.details["ambiguous"] = "true"
        r.details["candidates"] = ([component + ":" + f.cohort.value] + f.confounded.map { Dimension.component(of: $0.scope.dimension) + ":" + $0.scope.value }).joined(separator: ",")
        r.details["experiment"] = "roll back one candidate, or split traffic between them"
        r.summary = "Cannot tell which change caused it: \(candidates.joined(separator: " or ")) shipped together to the same requests of \(f.task). To separate them, roll one back or split its traffic (e.g. half the requests on the old \(f.confounded[0].scope.dimension)); meanwhile: " + recommendation.summary
        return r
    }

    private func sliceEvidence(_ f: SliceFinding) -> [Incident.Evidence] {
        let name = f.predicates.map { "\($0.dimension)=\($0.value)" }.joined(separator: " ∧ ")
        var out = [Incident.Evidence(
            signal: f.metric == .successRate ? "success_rate" : f.metric.name + " pass_rate",
            baseline: f.reference.value, current: f.current.value,
            note: "\(f.task) ∧ \(name) since \(RFC3339.format(micros: f.cohortFirstSeen)) (n \(f.current.trials)) against the same slice in \(f.comparison.rawValue) (n \(f.reference.trials)); mixture SPRT e-value \(format(exp(min(f.logEValue, 700)))) against a failure rate of \(percent(f.nullFailureRate)), \(f.hypotheses) hypotheses in the lattice, always-valid p \(format(f.pValue)), adjusted \(format(f.adjustedPValue))")]
        if f.predicate != nil {
            out.append(Incident.Evidence(signal: "narrowed_by", baseline: nil, current: nil,
                                         note: "\(f.predicate!.dimension)=\(f.predicate!.value): the failures concentrate there on \(f.cohort.value)"))
        }
        for (other, overlap) in f.confounded {
            out.append(Incident.Evidence(signal: "confounded:\(other.dimension)=\(other.value)", baseline: nil, current: overlap,
                                         note: "deployed with \(f.cohort.value) and on \(percent(overlap)) of the same requests: the logs cannot tell which of the two caused it; roll one back or split traffic between them to separate them"))
        }
        return out
    }

    private func sliceRecommendation(_ f: SliceFinding, component: String) -> Incident.Recommendation {
        let task = f.task
        let slice = f.predicate.map { "\($0.dimension)=\($0.value)" }
        let target = slice.map { "\($0) requests of \(task)" } ?? task
        let rate = "\(percent(1 - (f.reference.value ?? 1))) → \(percent(1 - (f.current.value ?? 1))) \(f.metric == .successRate ? "failures" : f.metric.name + " failures")"
        let (componentKey, version) = Self.timelineKey(dimension: f.cohort.dimension, value: f.cohort.value)
        // The version it replaced on this task: indexes of every pool share one timeline component, so only versions
        // that served this task count.
        let previous = timeline.all.filter { entry in
            guard entry.component == componentKey, entry.version != version, entry.firstSeenMicros < f.cohortFirstSeen else { return false }
            let value = componentKey.contains(":") ? componentKey.split(separator: ":", maxSplits: 1)[1] + "@" + entry.version : entry.version
            return scopes.existingID(ScopeKey(task: task, dimension: f.cohort.dimension, value: value)) != nil
        }.max { $0.lastSeenMicros < $1.lastSeenMicros }?.version
        var details = ["task": task, "version": f.cohort.value]
        if let slice { details["slice"] = slice }
        if let previous { details["previous_version"] = previous }
        var alternatives = ""
        if !f.confounded.isEmpty {
            details["alternatives"] = f.confounded.map { "\($0.scope.dimension)=\($0.scope.value)" }.joined(separator: ",")
            alternatives = " It shipped together with \(details["alternatives"]!): roll one of them back (or split traffic between them) to tell which."
        }
        switch component {
        case "retrieval":
            details["index_version"] = f.cohort.value
            if let previous { details["previous_index_version"] = previous }
            return .init(action: "retrieval_fix", summary: "Index \(f.cohort.value) degraded \(target) (\(rate)); check the reindex and chunking for that slice\(previous.map { " or roll back to \($0)" } ?? "").\(alternatives)", details: details)
        case "tools":
            details["tool"] = f.cohort.value
            return .init(action: "tool_fix", summary: "Tool version \(f.cohort.value) fails \(target) (\(rate)); fix or roll back the tool.\(alternatives)", details: details)
        case "wrapper":
            details["template"] = f.cohort.value
            if let previous { details["previous_template"] = previous }
            return .init(action: "wrapper_fix", summary: "Template \(f.cohort.value) broke \(target) (\(rate)); roll it back\(previous.map { " to \($0)" } ?? "") or fix it.\(alternatives)", details: details)
        default:
            let parts = f.cohort.value.split(separator: "@", maxSplits: 1).map(String.init)
            details["model"] = parts.first ?? f.cohort.value
            details["model_version"] = parts.count > 1 ? parts[1] : ""
            // Tuned when the version's requests carry `tuned=true`.
            var tuned = false
            if let tunedID = scopes.existingID(ScopeKey(task: task, dimension: Dimension.tuned, value: "true")),
               let cohortID = scopes.existingID(f.cohort) {
                tuned = shapes.shapes.contains { $0.predicates.contains(cohortID) && $0.predicates.contains(tunedID) }
            }
            if tuned, let slice, f.confounded.isEmpty {
                details["export"] = "request_ids"
                return .init(action: "targeted_retraining", summary: "Tuned checkpoint \(f.cohort.value) fails on \(target) (\(rate)) while the previous checkpoint handles that slice; a new failure slice: curate the exported \(slice) requests for targeted retraining, and route that slice to \(previous ?? "the previous checkpoint") meanwhile.", details: details)
            }
            return .init(action: "routing_change", summary: "Model \(f.cohort.value) got worse on \(target) (\(rate)); route that traffic back to \(previous ?? "the previous version").\(alternatives)", details: details)
        }
    }

    /// Re-measures an open slice incident on its conjunction since the version's first sighting; it resolves when
    /// the version stopped serving, or when the recovery test passes (``recoveredRecently``).
    mutating func updateSlice(_ id: String, windows: WindowCounters, at t: Int64) {
        guard var incident = incidents[id], let conjunction = incident.conjunction else { return }
        let cohort = incident.primaryScope
        if let last = lastSeen(cohort), last < t - 2 * configuration.bucketMicros {
            resolve(&incident, at: t)
            incidents[id] = incident
            changedIncidents.insert(id)
            return
        }
        guard let taskID = scopes.existingID(ScopeKey(task: incident.task)), let cohortID = scopes.existingID(cohort) else { return }
        let predicateIDs = conjunction.dropFirst().compactMap { text -> Int? in
            guard let eq = text.firstIndex(of: "=") else { return nil }
            return scopes.existingID(ScopeKey(task: incident.task, dimension: String(text[..<eq]), value: String(text[text.index(after: eq)...])))
        }
        let metric = DetectedMetric(name: incident.metric)
        let m = metric == .successRate ? 0 : (shapes.checkIndex(String(incident.metric.dropFirst(6))).map { $0 + 1 } ?? -1)
        guard m >= 0 else { return }
        func nodeRate(_ sums: [Int64]) -> PassRate {
            var trials: Int64 = 0, failures: Int64 = 0
            for (s, shape) in shapes.shapes.enumerated() where shape.task == taskID && shape.predicates.contains(cohortID)
                && predicateIDs.allSatisfy({ shape.predicates.contains($0) }) && sums.count > s * ShapeTable.stride {
                trials += sums[s * ShapeTable.stride + 2 * m]
                failures += sums[s * ShapeTable.stride + 2 * m + 1]
            }
            return PassRate(passes: trials - failures, trials: trials)
        }
        if let sums = cohortSums[cohortID] {
            let cur = nodeRate(sums.cohortAll)
            incident.latest = Self.measurement(cur)
            incident.updatedAt = RFC3339.format(micros: t)
            incident.updatedAtMicros = t
        }
        // Recovery: the conjunction's recent requests, over the shortest window (from one hour, doubling up to
        // twelve) holding enough of them.
        var window = configuration.recoveryWindowMicros
        var recent = PassRate(passes: 0, trials: 0)
        let table = shapes
        while true {
            var sums: [Int64] = []
            table.accumulate(into: &sums, range: max(t - window, incident.detectedAtMicros - configuration.currentWindowMicros)..<t,
                             only: { table.shapes[$0].task == taskID && table.shapes[$0].predicates.contains(cohortID) })
            recent = nodeRate(sums)
            if recent.trials >= configuration.minimumCurrent || window >= 12 * 3_600_000_000 { break }
            window *= 2
        }
        let baselineFailure = 1 - incident.baseline.value
        if recovered(current: recent, baselineFailureRate: baselineFailure, baselineTrials: incident.baseline.n, incidentID: id) {
            resolve(&incident, at: t)
        } else if let value = incident.latest?.value, abs(value - (lastEventValue[id] ?? value)) >= 0.01 {
            events.append(IncidentEvent(kind: .updated, atMicros: t, incident: incident))
            lastEventValue[id] = value
        }
        incidents[id] = incident
        changedIncidents.insert(id)
    }

    /// The recovery test: enough recent trials and a failure-rate increase over the baseline whose one-sided 90%
    /// upper bound is below the effect floor, in ``AnalysisConfiguration/resolveConfirmations`` consecutive
    /// evaluations. A point estimate alone (the old rule) resolved incidents whose cause persisted on ~50 requests.
    mutating func recovered(current: PassRate, baselineFailureRate p0: Double, baselineTrials n0: Int64, incidentID id: String) -> Bool {
        passesRecovery(current: current, baselineFailureRate: p0, baselineTrials: n0) ? streak(id) : resetStreak(id)
    }

    /// One evaluation of the recovery test, without counting it.
    func passesRecovery(current: PassRate, baselineFailureRate p0: Double, baselineTrials n0: Int64) -> Bool {
        guard current.trials >= configuration.minimumCurrent, let pass = current.value else { return false }
        let p1 = 1 - pass
        let variance = p1 * (1 - p1) / Double(current.trials) + (n0 > 0 ? p0 * (1 - p0) / Double(n0) : 0)
        return (p1 - p0) + 1.2816 * max(variance, 1e-12).squareRoot() < configuration.minimumEffect
    }

    mutating func resetStreak(_ id: String) -> Bool {
        recovering[id] = nil
        return false
    }

    /// An incident of the task and metric resolved within ``AnalysisConfiguration/reopenWithinMicros`` that
    /// `matches`: the same cause on the same scope, to reopen rather than open anew.
    func recentlyResolved(task: String, metric: String, at t: Int64, matching: (Incident) -> Bool) -> String? {
        incidents.values.filter {
            $0.status == .resolved && $0.task == task && $0.metric == metric
                && ($0.resolvedAtMicros ?? .min) >= t - configuration.reopenWithinMicros && matching($0)
        }.max { ($0.resolvedAtMicros ?? 0) < ($1.resolvedAtMicros ?? 0) }?.id
    }

    /// Reopens a resolved incident: the same cause came back (or never left); its numbers stay those of the
    /// test that opened it.
    mutating func reopen(_ id: String, at t: Int64) {
        guard var incident = incidents[id] else { return }
        incident.status = .open
        incident.resolvedAt = nil
        incident.resolvedAtMicros = nil
        incident.updatedAt = RFC3339.format(micros: t)
        incident.updatedAtMicros = t
        incidents[id] = incident
        changedIncidents.insert(id)
        recovering[id] = nil
        events.append(IncidentEvent(kind: .updated, atMicros: t, incident: incident))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AnalysisEngine {
    /// Counts one more evaluation toward resolution; true once there are enough in a row.
    mutating func streak(_ id: String) -> Bool {
        let n = (recovering[id] ?? 0) + 1
        recovering[id] = n
        if n >= configuration.resolveConfirmations {
            recovering[id] = nil
            return true
        }
        return false
    }

    /// A window incident's recent pass rate on its scope (less the cohorts other open incidents of the task are
    /// measured on, for a task-wide one: a canary or a failing slice's whole version, so a later cause on the same
    /// task does not keep an earlier one open), over the shortest window from ``AnalysisConfiguration/recoveryWindowMicros``,
    /// doubling up to 12 h, whose standard error lets a recovered scope pass the recovery test.
    func recentRate(_ incident: Incident, metric: DetectedMetric, at t: Int64) -> PassRate {
        recentRate(incident, at: t, subtractingOthers: true, baselineFailureRate: 1 - incident.baseline.value) { metric.rate($0) }
    }

    /// ``recentRate(_:metric:at:)`` of any pass rate read from the counters, with or without the other incidents'
    /// cohorts (a stage's own signal needs no subtraction).
    func recentRate(_ incident: Incident, at t: Int64, subtractingOthers: Bool, baselineFailureRate p0: Double,
                    rate passRate: (MetricCounters) -> PassRate) -> PassRate {
        guard let id = scopes.existingID(incident.primaryScope) else { return PassRate(passes: 0, trials: 0) }
        let others = subtractingOthers && incident.primaryScope.isTask ? incidents.values.filter {
            $0.id != incident.id && $0.status == .open && $0.task == incident.task && !$0.primaryScope.isTask
        }.compactMap { scopes.existingID($0.primaryScope) } : []
        var rate = PassRate(passes: 0, trials: 0)
        var start = t - configuration.bucketMicros
        let earliest = max(t - 12 * 3_600_000_000, incident.startedAtMicros)
        while start >= earliest {
            if let c = fine.counters(id, at: start) {
                var r = passRate(c)
                for other in others {
                    if let o = fine.counters(other, at: start) {
                        let x = passRate(o)
                        r.passes -= x.passes
                        r.trials -= x.trials
                    }
                }
                rate.passes += max(0, r.passes)
                rate.trials += max(0, r.trials)
            }
            let span = t - start
            if span >= configuration.recoveryWindowMicros, rate.trials >= configuration.minimumCurrent {
                let p1 = 1 - (rate.value ?? 1), p = max(p0, p1, 0.01)
                if 1.2816 * (p * (1 - p) / Double(rate.trials)).squareRoot() < configuration.minimumEffect / 2 { break }
            }
            start -= configuration.bucketMicros
        }
        return rate
    }
}
