import DriftwatchCore

/// Opening, re-measuring and resolving the window detector's incidents.
extension AnalysisEngine {
    mutating func open(task: String, result: RegressionDetector.TaskResult, windows: WindowCounters, at t: Int64) {
        let findings = result.findings
        let primary = localize(result)

        let cohorts = findings.filter { $0.kind == .newVersion || ($0.kind == .segment && $0.scope != primary.scope && $0.share <= 0.8) }
            .sorted { $0.excess > $1.excess }
        let mix = findings.filter { $0.kind == .mix }.max { $0.effect < $1.effect }
        let attribution = Attributor(configuration: configuration).attribute(primary: primary, cohorts: cohorts, mix: mix, windows: windows)
        let headline = headline(primary: primary, findings: findings, attribution: attribution, windows: windows)
        // The same cause on the same scope again: the incident it resolved comes back rather than a new one.
        if let id = recentlyResolved(task: task, metric: headline.metric, at: t, matching: {
            $0.conjunction == nil && $0.primaryScope == primary.scope && $0.component == attribution.component
                && $0.recommendation.action == attribution.recommendation.action
        }) {
            reopen(id, at: t)
            return
        }
        var scope = ["task": task]
        if !primary.scope.isTask { scope[primary.scope.dimension] = primary.scope.value }
        for cohort in cohorts where cohort.kind == .newVersion && scope[cohort.scope.dimension] == nil {
            scope[cohort.scope.dimension] = cohort.scope.value
        }
        let onset = onset(primary: primary, cohorts: cohorts, mixDriver: attribution.mixDriver, component: attribution.component,
                          recommendation: attribution.recommendation, windows: windows)
        let started = onset.estimate
        var incident = Incident(
            id: Self.incidentID(task: task, scope: primary.scope, metric: result.metric, detectedAt: t), status: .open,
            startedAt: RFC3339.format(micros: started), detectedAt: RFC3339.format(micros: t),
            updatedAt: RFC3339.format(micros: t), resolvedAt: nil, metric: headline.metric, scope: scope,
            baseline: Self.measurement(headline.reference), current: Self.measurement(headline.current),
            pValue: headline.pValue, adjustedPValue: headline.adjustedPValue, component: attribution.component,
            confidence: attribution.confidence, evidence: attribution.evidence, recommendation: attribution.recommendation,
            severity: Self.severity(primary, windowMicros: configuration.currentWindowMicros),
            startedAtMicros: started, detectedAtMicros: t, updatedAtMicros: t, resolvedAtMicros: nil)
        incident.primaryScope = primary.scope
        incident.testedScope = headline.scope
        incident.baselineWindow = Incident.TimeWindow(fromMicros: windows.baselineRange.lowerBound, toMicros: windows.baselineRange.upperBound)
        incident.currentWindow = Incident.TimeWindow(fromMicros: windows.currentRange.lowerBound, toMicros: windows.currentRange.upperBound)
        let stage = StageSignals.stageFailures(attribution.component, in: primary.reference)
        if stage.trials > 0 { incident.stageBaseline = Self.measurement(stage) }
        incident.onsetLowerMicros = onset.lower
        incident.onsetUpperMicros = onset.upper
        incident.evidence.append(Incident.Evidence(signal: "onset", baseline: nil, current: nil, note: onset.method))
        incidents[incident.id] = incident
        changedIncidents.insert(incident.id)
        lastEventValue[incident.id] = incident.latest?.value ?? incident.current.value
        events.append(IncidentEvent(kind: .opened, atMicros: t, incident: incident))
    }

    /// The numbers of the test that opened the incident: the primary finding's, or for a traffic incident the test
    /// on the share of the slice the traffic moved toward (the task's own success rate may not have moved
    /// significantly; the mix did).
    struct Headline {
        var metric: String
        var reference: PassRate
        var current: PassRate
        var pValue: Double
        var adjustedPValue: Double
        var scope: String?
    }

    func headline(primary: Finding, findings: [Finding], attribution: Attributor.Result, windows: WindowCounters) -> Headline {
        if attribution.component == "traffic", let driver = attribution.mixDriver,
           let test = findings.first(where: { $0.kind == .mix && $0.scope == driver }),
           let share = Self.share(of: driver, in: windows) {
            return Headline(metric: "share:\(driver.dimension)=\(driver.value)", reference: share.baseline, current: share.current,
                            pValue: test.pValue, adjustedPValue: test.adjustedPValue, scope: "\(driver.dimension)=\(driver.value)")
        }
        return Headline(metric: primary.metric.name, reference: primary.referenceRate, current: primary.currentRate,
                        pValue: primary.pValue, adjustedPValue: primary.adjustedPValue, scope: nil)
    }

    /// A slice value's share of its task's requests with an outcome, in the baseline and current windows.
    static func share(of slice: ScopeKey, in windows: WindowCounters) -> (baseline: PassRate, current: PassRate)? {
        let task = ScopeKey(task: slice.task)
        guard let b = windows.baseline[task], let c = windows.current[task], b.outcomes > 0, c.outcomes > 0 else { return nil }
        return (PassRate(passes: windows.baseline[slice]?.outcomes ?? 0, trials: b.outcomes),
                PassRate(passes: windows.current[slice]?.outcomes ?? 0, trials: c.outcomes))
    }

    mutating func update(_ id: String, windows: WindowCounters, at t: Int64) {
        guard var incident = incidents[id] else { return }
        let scope = incident.primaryScope
        let metric = DetectedMetric(name: incident.metric)
        guard let counters = windows.current[scope], metric.rate(counters).trials >= configuration.minimumCurrent / 2 else {
            // A version that stopped serving (rolled back or replaced) ends its incident; a quiet scope does not.
            if Dimension.versioned.contains(scope.dimension), let last = lastSeen(scope), last < t - 2 * configuration.bucketMicros {
                resolve(&incident, at: t)
                incidents[id] = incident
                changedIncidents.insert(id)
            }
            return
        }
        var cur = metric.rate(counters)
        if scope.isTask {
            // Leave out the cohorts other open incidents of the task are measured on (e.g. a canary during an outage).
            for other in incidents.values where other.id != id && other.status == .open && other.task == incident.task
                && !other.primaryScope.isTask {
                if let c = windows.current[other.primaryScope] {
                    let r = metric.rate(c)
                    cur.trials = max(0, cur.trials - r.trials)
                    cur.passes = min(cur.trials, max(0, cur.passes - r.passes))
                }
            }
            guard cur.trials >= configuration.minimumCurrent / 2 else { return }
        }
        let isShare = incident.metric.hasPrefix("share:")
        // A share headline (traffic) has no success-rate baseline of its own: the recovery test below does not use it.
        let baselineRate = isShare ? (windows.baseline[scope].flatMap { metric.rate($0).value } ?? 0) : incident.baseline.value
        let rate = cur.value ?? baselineRate
        let reference = PassRate(passes: Int64((baselineRate * Double(incident.baseline.n)).rounded()), trials: incident.baseline.n)
        // The opening test's numbers stay as they were; the re-measurement is reported beside them.
        incident.latest = Self.measurement(cur)
        incident.latestPValue = RegressionDetector.pWorse(current: cur, reference: reference, fisherBelow: configuration.fisherBelowExpected)
        var effect = baselineRate - rate
        if incident.component == "traffic", let key = incident.recommendation.details["slice_key"],
           let base = windows.baseline[ScopeKey(task: incident.task)] {
            // A traffic incident lasts as long as the mix keeps predicting a drop, whatever the noise in the rate.
            let mix = RegressionDetector(configuration: configuration).mixFinding(
                task: incident.task, key: key, windows: windows, base: base, cur: counters)
            effect = max(0, mix?.effect ?? 0)
            if isShare, let tested = incident.testedScope, let eq = tested.firstIndex(of: "=") {
                // Re-measured as it was opened: the slice's share now, tested against the baseline share.
                let slice = ScopeKey(task: incident.task, dimension: String(tested[..<eq]), value: String(tested[tested.index(after: eq)...]))
                let now = PassRate(passes: windows.current[slice]?.outcomes ?? 0, trials: counters.outcomes)
                incident.latest = Self.measurement(now)
                incident.latestPValue = mix?.scope == slice ? mix?.pValue : nil
            }
        }
        incident.severity = max(0, effect) * Double(cur.trials) * 3_600_000_000 / Double(configuration.currentWindowMicros)
        incident.updatedAt = RFC3339.format(micros: t)
        incident.updatedAtMicros = t
        let isRecovered: Bool
        if incident.component == "traffic" {
            // The mix keeps predicting a drop, or it does not: no sampling test on the rates.
            if effect < configuration.minimumEffect / 2 {
                isRecovered = streak(id)
            } else {
                recovering[id] = nil
                isRecovered = false
            }
        } else {
            let recent = recentRate(incident, metric: metric, at: t)
            var back = passesRecovery(current: recent, baselineFailureRate: 1 - baselineRate, baselineTrials: incident.baseline.n)
            if !back, let stageBaseline = incident.stageBaseline, !metric.isTool {
                // The blamed stage is healthy again: what is left on the task is another cause's, to be found anew.
                // (A tool's call failures are that stage's own signal: the test above is the whole story.)
                let component = incident.component
                let stage = recentRate(incident, at: t, subtractingOthers: false, baselineFailureRate: 1 - stageBaseline.value) {
                    StageSignals.stageFailures(component, in: $0)
                }
                back = passesRecovery(current: stage, baselineFailureRate: 1 - stageBaseline.value, baselineTrials: stageBaseline.n)
            }
            isRecovered = back ? streak(id) : resetStreak(id)
        }
        if isRecovered {
            resolve(&incident, at: t)
        } else if abs(rate - (lastEventValue[id] ?? rate)) >= 0.01 {
            events.append(IncidentEvent(kind: .updated, atMicros: t, incident: incident))
            lastEventValue[id] = rate
        }
        incidents[id] = incident
        changedIncidents.insert(id)
    }

    mutating func resolve(_ incident: inout Incident, at t: Int64) {
        // One cause, one incident: it stays open while any scope it hit has not recovered.
        guard !hasOpenMembers(incident.id) else { return }
        recovering[incident.id] = nil
        if incident.conjunction != nil, let cohort = scopes.existingID(incident.primaryScope) {
            cohortRestarts[cohort] = t
            cohortSums[cohort] = nil
        }
        incident.status = .resolved
        incident.resolvedAt = RFC3339.format(micros: t)
        incident.resolvedAtMicros = t
        incident.updatedAt = RFC3339.format(micros: t)
        incident.updatedAtMicros = t
        events.append(IncidentEvent(kind: .resolved, atMicros: t, incident: incident))
        lastEventValue[incident.id] = incident.latest?.value ?? incident.current.value
    }
}
