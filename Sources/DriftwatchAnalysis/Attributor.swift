import DriftwatchCore
import DriftwatchStatistics

/// Names the component behind a regression, with a confidence and the numbers behind it, and the action.
///
/// Three lines of evidence are combined: the stage signals of the regressed scope (which stage's failures rose
/// with the drop), cohort contrasts (a new version or a slice value concentrating the excess failures), and the
/// mix/rate decomposition (traffic moving toward weaker slices while each slice's rate held).
struct Attributor {
    let configuration: AnalysisConfiguration

    struct Result {
        var component: String
        var confidence: Double
        var evidence: [Incident.Evidence]
        var recommendation: Incident.Recommendation
        /// For traffic: the slice whose share moved, to date the onset from.
        var mixDriver: ScopeKey?
    }

    func attribute(primary: Finding, cohorts: [Finding], mix: Finding?, windows: WindowCounters) -> Result {
        let task = primary.scope.task
        let base = primary.reference, cur = primary.current
        var evidence: [Incident.Evidence] = []
        if primary.metric != .successRate {
            let b = primary.referenceRate, c = primary.currentRate
            evidence.append(Incident.Evidence(signal: primary.metric.name + " pass_rate", baseline: b.value, current: c.value,
                                              note: "n \(b.trials) → \(c.trials), one-sided p \(format(primary.pValue)), adjusted \(format(primary.adjustedPValue)); the success rate moved \(percent(base.successRate ?? 0)) → \(percent(cur.successRate ?? 0)), not significantly"))
        }
        evidence.append(Incident.Evidence(signal: "success_rate", baseline: base.successRate, current: cur.successRate,
                                          note: "n \(base.outcomes) → \(cur.outcomes)"
                                              + (primary.metric == .successRate ? ", one-sided p \(format(primary.pValue))" : "")))
        let bs = StageSignals(base), cs = StageSignals(cur)
        let excess = StageSignals.excess(base: bs, cur: cs)
        let dropped = max(0, primary.effect)

        // Traffic: only when the whole task regressed and no new version explains it.
        if primary.metric == .successRate, primary.scope.isTask, !cohorts.contains(where: { $0.kind == .newVersion }),
           let (decomposition, share) = mixExplanation(task: task, preferred: mix?.scope.dimension, windows: windows) {
            let part = decomposition.drivingPart
            evidence.append(Incident.Evidence(signal: "mix_term", baseline: nil, current: decomposition.mix,
                                              note: "Σ(w1−w0)·p0 over \(decomposition.key): change in success rate due to the traffic mix"))
            evidence.append(Incident.Evidence(signal: "rate_term", baseline: nil, current: decomposition.rate,
                                              note: "Σw1·(p1−p0) over \(decomposition.key): change due to per-slice rates"))
            var details = ["task": task, "slice_key": decomposition.key, "mix_term": format(decomposition.mix), "rate_term": format(decomposition.rate)]
            var summary = "Traffic in \(task) shifted"
            var driver: ScopeKey?
            if let part {
                evidence.append(Incident.Evidence(signal: "share:\(decomposition.key)=\(part.value)", baseline: part.w0, current: part.w1,
                                                  note: "share of requests; its own success rate \(percent(part.p0)) → \(percent(part.p1)), lower than the task's"))
                details["slice"] = "\(decomposition.key)=\(part.value)"
                details["share_before"] = format(part.w0)
                details["share_after"] = format(part.w1)
                details["slice_success_rate"] = format(part.p1)
                summary = "Traffic in \(task) shifted toward \(decomposition.key)=\(part.value) (\(percent(part.w0)) → \(percent(part.w1)) of requests), which the current model serves at only \(percent(part.p1)) success; route that slice to a stronger model or the fallback."
                driver = ScopeKey(task: task, dimension: decomposition.key, value: part.value)
            }
            details["attribution_basis"] = "traffic_mix"
            details["attribution_score"] = format(min(1, share))
            return Result(component: "traffic", confidence: min(1, share),
                          evidence: evidence + stageEvidence(bs, cs, base, cur),
                          recommendation: .init(action: "routing_change", summary: summary, details: details), mixDriver: driver)
        }

        // A tool's own calls failing is the tools component by definition: the stage signals only say how much of
        // it reached the requests.
        if case .tool(let name) = primary.metric {
            evidence += stageEvidence(bs, cs, base, cur)
            let rate = 1 - (primary.currentRate.value ?? 1)
            let reached = cs.toolProblems - bs.toolProblems
            return Result(component: "tools", confidence: 0.9, evidence: evidence, recommendation: .init(
                action: "tool_fix",
                summary: "Tool \(name) is failing on \(percent(rate)) of calls in \(task) (was \(percent(1 - (primary.referenceRate.value ?? 1)))); fix the tool or its orchestration (retries, timeouts), not the model.",
                details: ["tool": name, "task": task, "failure_rate": format(rate),
                          "tool_problem_rate_change": format(reached), "missing_required_calls": "\(cur.toolMissingRequests)",
                          "attribution_basis": "tool_failure_rate", "attribution_score": "0.9"]),
                          mixDriver: nil)
        }

        let positive = excess.reduce(0) { $0 + $1.value }
        let top = excess.max { $0.value < $1.value }!
        let confidence = top.value > 0 ? min(1, top.value / max(positive, dropped, 1e-9)) : 0.2
        evidence += stageEvidence(bs, cs, base, cur)
        for cohort in cohorts where cohort.scope != primary.scope || cohort.kind == .newVersion {
            let rr = riskRatio(cohort)
            evidence.append(Incident.Evidence(
                signal: "cohort:\(cohort.scope.dimension)=\(cohort.scope.value)", baseline: cohort.referenceRate.value,
                current: cohort.currentRate.value,
                note: "\(cohort.kind == .newVersion ? "new version" : "segment"), failure risk ratio \(format(rr)), \(percent(cohort.share)) of current traffic"))
        }
        let component = top.value > 0 ? top.component : "model"
        var recommendation = recommend(component, primary: primary, cohorts: cohorts, windows: windows, base: base, cur: cur)
        recommendation.details["attribution_basis"] = top.value > 0 ? "stage_signals" : "no_stage_signal"
        recommendation.details["attribution_score"] = format(confidence)
        return Result(component: component, confidence: confidence, evidence: evidence,
                      recommendation: recommendation, mixDriver: nil)
    }

    /// The slice key whose mix term explains the change: at least 60% of it (the rate term counted beyond its noise), a predicted drop of at least half
    /// the effect floor, per-slice rates that held (|rate term| below the floor) and a share shift that is
    /// itself significant. The key of a significant mix finding is preferred; otherwise the largest mix term wins.
    private func mixExplanation(task: String, preferred: String?, windows: WindowCounters) -> (MixRateDecomposition, Double)? {
        var best: (MixRateDecomposition, Double)?
        let keys = Set(windows.current.keys.filter { $0.task == task && Dimension.isSlice($0.dimension) }.map(\.dimension)).sorted()
        for key in keys {
            var b: [String: MetricCounters] = [:], c: [String: MetricCounters] = [:]
            for (scope, counters) in windows.baseline where scope.task == task && scope.dimension == key { b[scope.value] = counters }
            for (scope, counters) in windows.current where scope.task == task && scope.dimension == key { c[scope.value] = counters }
            let d = MixRateDecomposition(key: key, baseline: b, current: c)
            // The rate part counts only beyond two of its standard errors: noise in per-slice rates is not a regression.
            let excessRate = max(0, -d.rate - 2 * d.rateStandardError)
            let share = -d.mix / max(-d.mix + excessRate, 1e-9)
            let rawShare = min(1, max(0, -d.mix / max(-d.mix - d.rate, 1e-9)))
            guard -d.mix >= configuration.minimumEffect / 2, share >= 0.6, excessRate < configuration.minimumEffect,
                  let part = d.drivingPart else { continue }
            let nb = b.values.reduce(0) { $0 + $1.outcomes }, nc = c.values.reduce(0) { $0 + $1.outcomes }
            let shift = Proportions.twoProportionZTest(
                successes1: Int(c[part.value]?.outcomes ?? 0), trials1: Int(nc), successes2: Int(b[part.value]?.outcomes ?? 0), trials2: Int(nb)).pValue
            guard shift < 0.001 else { continue }
            // Confidence: the share explained with rate noise discounted, tempered by the raw share.
            let confidence = 0.5 * min(1, share) + 0.5 * rawShare
            if key == preferred { return (d, confidence) }
            if -d.mix > -(best?.0.mix ?? 0) { best = (d, confidence) }
        }
        return best
    }

    private func stageEvidence(_ bs: StageSignals, _ cs: StageSignals, _ base: MetricCounters, _ cur: MetricCounters) -> [Incident.Evidence] {
        var out: [Incident.Evidence] = []
        for check in cur.checks {
            let b = base.check(check.name)
            let bRate = b.map { Double($0.failed) / Double(max(1, $0.passed + $0.failed)) }
            out.append(Incident.Evidence(signal: "check:\(check.name) failure_rate", baseline: bRate,
                                         current: Double(check.failed) / Double(max(1, check.passed + check.failed)),
                                         note: "\(familyName(StageSignals.family(ofCheck: check.name))) check"
                                             + (check.failedOnToolProblem > 0
                                                ? "; \(check.failedOnToolProblem) of \(check.failed) failures in requests with a tool problem (charged to tools)" : "")))
        }
        if cur.retrievalRequests > 0 || base.retrievalRequests > 0 {
            out.append(Incident.Evidence(signal: "empty_retrieval_rate", baseline: Double(base.emptyRetrievals) / Double(max(1, base.retrievalRequests)),
                                         current: Double(cur.emptyRetrievals) / Double(max(1, cur.retrievalRequests)), note: "retrieval"))
            out.append(Incident.Evidence(signal: "top_score_mean", baseline: base.meanTopScore, current: cur.meanTopScore, note: "retrieval"))
            out.append(Incident.Evidence(signal: "evidence_age_days", baseline: base.meanEvidenceAgeDays, current: cur.meanEvidenceAgeDays, note: "retrieval freshness"))
        }
        if cur.toolsExpected > 0 || cur.toolCalls > 0 {
            out.append(Incident.Evidence(signal: "tool_problem_rate", baseline: bs.toolProblems, current: cs.toolProblems,
                                         note: "requests where a required tool was not called or never returned ok"))
            for tool in cur.tools {
                let b = base.tool(tool.name)
                let bRate = b.map { Double($0.errors + $0.timeouts) / Double(max(1, $0.calls)) }
                out.append(Incident.Evidence(signal: "tool:\(tool.name) failure_rate", baseline: bRate,
                                             current: Double(tool.errors + tool.timeouts) / Double(max(1, tool.calls)),
                                             note: "errors \(tool.errors), timeouts \(tool.timeouts) of \(tool.calls) calls"))
            }
        }
        out.append(Incident.Evidence(signal: "tokens_in_mean", baseline: Double(base.tokensIn) / Double(max(1, base.requests)),
                                     current: Double(cur.tokensIn) / Double(max(1, cur.requests)), note: "wrapper size"))
        return out
    }

    private func recommend(_ component: String, primary: Finding, cohorts: [Finding], windows: WindowCounters,
                           base: MetricCounters, cur: MetricCounters) -> Incident.Recommendation {
        let task = primary.scope.task
        func newVersion(_ dimension: String) -> Finding? {
            cohorts.first { $0.kind == .newVersion && $0.scope.dimension == dimension }
        }
        func dominant(_ dimension: String, in counters: [ScopeKey: MetricCounters]) -> String? {
            counters.filter { $0.key.task == task && $0.key.dimension == dimension }.max { $0.value.outcomes < $1.value.outcomes }?.key.value
        }
        switch component {
        case "retrieval":
            let index = newVersion(Dimension.index)?.scope.value ?? dominant(Dimension.index, in: windows.current) ?? "unknown"
            let previous = dominant(Dimension.index, in: windows.baseline)
            var details = ["index_version": index, "task": task]
            if let previous, previous != index { details["previous_index_version"] = previous }
            let grounded = "grounded failures \(percent(StageSignals(base).retrievalChecks)) → \(percent(StageSignals(cur).retrievalChecks))"
            let rollback = details["previous_index_version"].map { " or roll back to \($0)" } ?? ""
            return .init(action: "retrieval_fix", summary: "Retrieval on index \(index) degraded \(task) (\(grounded)); check the reindex, chunking and ranking\(rollback).", details: details)
        case "tools":
            let culprit = cur.tools.max { a, b in
                toolFailureIncrease(a, base) < toolFailureIncrease(b, base)
            }
            let name = culprit?.name ?? "unknown"
            let rate = culprit.map { Double($0.errors + $0.timeouts) / Double(max(1, $0.calls)) } ?? 0
            return .init(action: "tool_fix", summary: "Tool \(name) is failing on \(percent(rate)) of calls in \(task); fix the tool or its orchestration (retries, timeouts), not the model.",
                         details: ["tool": name, "task": task, "failure_rate": format(rate),
                                   "missing_required_calls": "\(cur.toolMissingRequests)"])
        case "wrapper":
            let template = newVersion(Dimension.template)?.scope.value ?? dominant(Dimension.template, in: windows.current) ?? "unknown"
            var details = ["template": template, "task": task]
            if let previous = dominant(Dimension.template, in: windows.baseline), previous != template { details["previous_template"] = previous }
            let schema = "format/schema failures \(percent(StageSignals(base).wrapperChecks)) → \(percent(StageSignals(cur).wrapperChecks))"
            return .init(action: "wrapper_fix", summary: "Template \(template) broke the output format for \(task) (\(schema)); roll it back or fix it.", details: details)
        default:
            let model = newVersion(Dimension.model)?.scope.value ?? dominant(Dimension.model, in: windows.current) ?? "unknown"
            let parts = model.split(separator: "@", maxSplits: 1).map(String.init)
            var details = ["task": task, "model": parts.first ?? model, "model_version": parts.count > 1 ? parts[1] : ""]
            let tuned = (windows.current[ScopeKey(task: task, dimension: Dimension.tuned, value: "true")]?.outcomes ?? 0) * 2
                > (windows.current[ScopeKey(task: task)]?.outcomes ?? 0)
            let slice = Dimension.isSlice(primary.scope.dimension) ? "\(primary.scope.dimension)=\(primary.scope.value)" : nil
            if let slice { details["slice"] = slice }
            if tuned, let slice {
                details["export"] = "request_ids"
                return .init(action: "targeted_retraining", summary: "Tuned model \(model) regressed on \(slice) in \(task) (\(percent(base.successRate ?? 0)) → \(percent(cur.successRate ?? 0)) success) while retrieval, tools and format are healthy; curate the exported \(slice) requests for targeted retraining.", details: details)
            }
            let target = slice.map { "\($0) of \(task)" } ?? task
            return .init(action: "routing_change", summary: "Model \(model) got worse on \(target) (\(percent(base.successRate ?? 0)) → \(percent(cur.successRate ?? 0)) success) with healthy retrieval and tools; route that traffic to the previous version or a stronger model.", details: details)
        }
    }

    private func toolFailureIncrease(_ tool: MetricCounters.ToolCount, _ base: MetricCounters) -> Double {
        let cur = Double(tool.errors + tool.timeouts) / Double(max(1, tool.calls))
        let b = base.tool(tool.name).map { Double($0.errors + $0.timeouts) / Double(max(1, $0.calls)) } ?? 0
        return cur - b
    }

    private func riskRatio(_ f: Finding) -> Double {
        let fc = 1 - (f.currentRate.value ?? 1), fr = 1 - (f.referenceRate.value ?? 1)
        return fr > 0 ? fc / fr : .infinity
    }

    private func familyName(_ family: StageSignals.CheckFamily) -> String {
        switch family {
        case .wrapper: return "format"
        case .retrieval: return "grounding"
        case .model: return "content/policy"
        }
    }
}

func percent(_ x: Double) -> String {
    guard x.isFinite else { return "n/a" }
    return "\((x * 1000).rounded() / 10)%"
}

func format(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    if x != 0, abs(x) < 0.001 { return String(x) }
    return String((x * 10_000).rounded() / 10_000)
}
