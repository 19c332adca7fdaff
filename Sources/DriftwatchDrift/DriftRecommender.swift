import DriftwatchStatistics

/// Turns drifted features into recommendations: `retrieval_fix`, `tool_fix`, `routing_change`,
/// `targeted_retraining`, or `none` with the reason, joined with analyzer incidents.
///
/// Rules, in order (a row used by one rule is not reported again as "no action"):
/// - retrieval score, freshness, evidence-count or document drift, or grounded failures rising → `retrieval_fix`;
/// - tool-mix drift, expected tools not called more often, or tool failures rising → `tool_fix`, naming the tool;
/// - a tuned model failing more on one slice (and not on the rest), with stable mix, retrieval and
///   tools → `targeted_retraining`, with the slice and the example set;
/// - slice-mix drift toward the slice the serving model handles worst while its quality there is
///   stable → `routing_change`, naming the slice and the best model observed on it;
/// - any other drift → no lever, saying why; version features are reported, never recommended on:
///   a deploy is a known change that the analyzer attributes.
///
/// The rules only suggest. ``join(_:_:)`` makes the analyzer the one recommender: a recommendation
/// whose scope and window have incidents links them and takes their action; one without is `watch`.
struct DriftRecommender {
    let context: RecommendationContext
    private var claimed: Set<String> = []
    private var result: [DriftRecommendation] = []

    init(context: RecommendationContext) {
        self.context = context
    }

    static let retrievalFeatures: Set<String> = [
        "retrieval.top_score", "retrieval.mean_score", "retrieval.evidence_age_days", "retrieval.documents", "retrieval.evidence_count",
    ]
    static let knockOnFeatures: Set<String> = [
        "outcome", "validation.failures", "tokens.input", "tokens.output", "cost_usd", "retries",
        "latency_ms.total", "latency_ms.retrieval", "latency_ms.tools", "latency_ms.generation", "latency_ms.validation",
    ]

    var driftedRows: [FeatureDrift] { context.rows.filter { $0.drifted && !$0.informational } }

    static func tag(_ row: FeatureDrift) -> String { "\(row.feature)@\(row.scope)" }

    func describe(_ row: FeatureDrift) -> String {
        let typ = RecommendationContext.self
        var shape = ""
        if let a = row.reference.mean, let b = row.current.mean {
            shape = " mean \(typ.number(a)) → \(typ.number(b))"
        } else if let a = row.reference.topDocumentShare, let b = row.current.topDocumentShare {
            shape = " top-\(context.configuration.topDocuments) share \(typ.percent(a)) → \(typ.percent(b)), new documents \(typ.percent(row.current.newDocumentShare))"
        }
        let isPValue = DriftTest(rawValue: row.statistic)?.scoreIsPValue ?? false
        let score = isPValue ? (row.pValueAdjusted ?? row.value) : row.value
        return "\(row.feature) (\(row.scope))\(shape), \(row.statistic) \(typ.number(score)) \(isPValue ? "<" : "≥") \(typ.number(row.threshold))"
    }

    mutating func recommend(incidents: [IncidentSummary]) -> [DriftRecommendation] {
        retrieval()
        tools()
        retraining()
        traffic()
        remaining()
        return result.map { join($0, incidents) }
    }

    // MARK: - Retrieval

    private mutating func retrieval() {
        let rows = driftedRows.filter { Self.retrievalFeatures.contains($0.feature) && ($0.scope == "all" || $0.scope.hasPrefix("task=")) }
        var reasons = rows.sorted { ($0.scope == "all" ? 0 : 1, $0.feature) < ($1.scope == "all" ? 0 : 1, $1.feature) }.prefix(4).map(describe)
        let before = context.quality("all", .baseline), now = context.quality("all", .current)
        let groundedRose = RecommendationContext.rose(before.groundedFailed, before.groundedChecked, now.groundedFailed, now.groundedChecked)
        if groundedRose {
            reasons.append("grounded failures \(RecommendationContext.percent(Double(before.groundedFailed) / Double(before.groundedChecked))) → \(RecommendationContext.percent(Double(now.groundedFailed) / Double(now.groundedChecked)))")
        }
        guard !rows.isEmpty || groundedRose else { return }
        let scope = rows.contains { $0.scope == "all" } || rows.isEmpty ? "all" : rows.max { $0.value < $1.value }!.scope
        let index = context.shares("retrieval.index_version", scope: scope, .current).max { $0.value < $1.value }?.key
        var reason = "retrieval drifted: " + reasons.joined(separator: "; ")
        if let index { reason += "; serving index \(index)" }
        claim(rows)
        claimKnockOn(scope: nil, features: Self.retrievalFeatures.union(["retrieval.index_version"]))
        if groundedRose { claimKnockOn(scope: nil, features: Self.knockOnFeatures) }
        result.append(DriftRecommendation(
            action: "retrieval_fix", component: "retrieval", scope: scope, features: rows.map(Self.tag), reason: reason))
    }

    // MARK: - Tools

    private mutating func tools() {
        let rows = driftedRows.filter { $0.feature == "tools.called" }
        let before = context.quality("all", .baseline), now = context.quality("all", .current)
        let missingRose = RecommendationContext.rose(before.expectedToolMissing, before.expectingTools, now.expectedToolMissing, now.expectingTools, margin: 0.02)
        let failuresRose = RecommendationContext.rose(before.toolFailures, before.toolCalls, now.toolFailures, now.toolCalls, margin: 0.02)
        guard !rows.isEmpty || missingRose || failuresRose else { return }
        let (tool, rates) = mostChangedTool()
        var reasons = rows.prefix(3).map(describe)
        if let rates {
            reasons.insert("\(tool ?? "?") called on \(RecommendationContext.percent(rates.0)) → \(RecommendationContext.percent(rates.1)) of requests", at: 0)
        }
        if missingRose {
            reasons.append("expected tool not called \(RecommendationContext.percent(Double(before.expectedToolMissing) / Double(max(before.expectingTools, 1)))) → \(RecommendationContext.percent(Double(now.expectedToolMissing) / Double(max(now.expectingTools, 1))))")
        }
        if failuresRose {
            reasons.append("tool call failures \(RecommendationContext.percent(Double(before.toolFailures) / Double(max(before.toolCalls, 1)))) → \(RecommendationContext.percent(Double(now.toolFailures) / Double(max(now.toolCalls, 1))))")
        }
        claim(rows)
        claimKnockOn(scope: nil, features: Self.knockOnFeatures)
        result.append(DriftRecommendation(
            action: "tool_fix", component: "tools", scope: "all", features: rows.map(Self.tag), tool: tool,
            reason: "tool use drifted: " + reasons.joined(separator: "; ")))
    }

    /// The tool whose per-request call rate changed most between the baseline and current windows.
    private func mostChangedTool() -> (String?, (Double, Double)?) {
        func rates(_ which: RecommendationContext.Which) -> [String: Double] {
            var result: [String: Double] = [:]
            for (set, share) in context.shares("tools.called", scope: "all", which) where set != "(none)" {
                for tool in set.split(separator: "+") { result[String(tool), default: 0] += share }
            }
            return result
        }
        let before = rates(.baseline), now = rates(.current)
        let best = Set(before.keys).union(now.keys).max { abs((now[$0] ?? 0) - (before[$0] ?? 0)) < abs((now[$1] ?? 0) - (before[$1] ?? 0)) }
        guard let best else { return (nil, nil) }
        return (best, (before[best] ?? 0, now[best] ?? 0))
    }

    // MARK: - Targeted retraining

    private mutating func retraining() {
        var best: (score: Double, rec: DriftRecommendation, sliceFeature: String)?
        for model in context.state.tunedModels.sorted() {
            for sliceFeature in context.state.features.compactMap({ feature -> String? in
                if case .slice(let key) = feature.source { return key } else { return nil }
            }) {
                guard !driftedRows.contains(where: { $0.feature == "slices.\(sliceFeature)" && $0.scope == "all" }) else { continue }
                for value in context.sliceValues(sliceFeature) {
                    let scope = "\(sliceFeature)=\(value)"
                    let ref = context.quality(scope, .baseline, model: model), cur = context.quality(scope, .current, model: model)
                    let allRef = context.quality("all", .baseline, model: model), allCur = context.quality("all", .current, model: model)
                    let restRefJudged = allRef.judged - ref.judged, restCurJudged = allCur.judged - cur.judged
                    guard ref.judged >= context.configuration.minCount, cur.judged >= context.configuration.minCount,
                          restRefJudged > 0, restCurJudged > 0 else { continue }
                    let rise = Double(cur.failures) / Double(cur.judged) - Double(ref.failures) / Double(ref.judged)
                    let restRise = Double(allCur.failures - cur.failures) / Double(restCurJudged)
                        - Double(allRef.failures - ref.failures) / Double(restRefJudged)
                    // 1e-6: a Bonferroni share of 1e-4 over the up to a hundred model × slice pairs asked.
                    guard RecommendationContext.rose(ref.failures, ref.judged, cur.failures, cur.judged, level: 1e-6), rise - restRise >= 0.03 else { continue }
                    // Healthy retrieval and tools on the slice: their failure rates explain less than
                    // half of the rise.
                    let explains = { (before: Int, nBefore: Int, now: Int, nNow: Int) -> Bool in
                        nBefore > 0 && nNow > 0 && Double(now) / Double(nNow) - Double(before) / Double(nBefore) >= rise / 2
                    }
                    let groundedRose = explains(ref.groundedFailed, ref.groundedChecked, cur.groundedFailed, cur.groundedChecked)
                    let toolsRose = explains(ref.expectedToolMissing, ref.judged, cur.expectedToolMissing, cur.judged)
                        || explains(ref.toolFailures, ref.judged, cur.toolFailures, cur.judged)
                    let retrievalDrift = driftedRows.contains { Self.retrievalFeatures.contains($0.feature) && ($0.scope == scope || $0.scope == "all") }
                    guard !groundedRose, !toolsRose, !retrievalDrift else { continue }
                    let typ = RecommendationContext.self
                    let reason = "\(model) fails more on \(scope): success \(typ.percent(ref.successRate)) → \(typ.percent(cur.successRate)) "
                        + "(rest of its traffic \(typ.percent(allRef.judged > 0 ? 1 - Double(allRef.failures - ref.failures) / Double(restRefJudged) : nil)) → "
                        + "\(typ.percent(1 - Double(allCur.failures - cur.failures) / Double(restCurJudged)))) while the slice's share, retrieval and tools are stable; "
                        + "retrain on the slice's failures"
                    let rec = DriftRecommendation(
                        action: "targeted_retraining", component: "model", scope: scope, features: [], slice: scope, model: model,
                        reason: reason,
                        examples: ExampleSet(fromMicros: context.currentFrom, toMicros: context.currentTo, modelName: model,
                                             sliceKey: sliceFeature, sliceValue: value, outcome: "failure", limit: 5000))
                    if best.map({ rise - restRise > $0.score }) ?? true { best = (rise - restRise, rec, sliceFeature) }
                }
            }
        }
        guard var chosen = best?.rec else { return }
        let knock = driftedRows.filter { Self.knockOnFeatures.contains($0.feature) && ($0.scope == chosen.scope || $0.scope == "all") }
        chosen.features = knock.map(Self.tag)
        claim(knock)
        claimKnockOn(scope: nil, features: ["model.version"])
        result.append(chosen)
    }

    // MARK: - Traffic

    private mutating func traffic() {
        for row in driftedRows where row.scope == "all" && row.feature.hasPrefix("slices.") {
            let key = String(row.feature.dropFirst("slices.".count))
            let before = context.shares(row.feature, scope: "all", .baseline), now = context.shares(row.feature, scope: "all", .current)
            guard let grown = Set(before.keys).union(now.keys).max(by: { (now[$0] ?? 0) - (before[$0] ?? 0) < (now[$1] ?? 0) - (before[$1] ?? 0) }) else { continue }
            let slice = "\(key)=\(grown)"
            let typ = RecommendationContext.self
            let shift = "\(row.feature) moved toward \(grown) (\(typ.percent(before[grown])) → \(typ.percent(now[grown])) of traffic, \(row.statistic) \(typ.number(row.value)))"
            claim(context.rows.filter { $0.feature == row.feature })
            guard let model = context.models(in: slice).first(where: { context.state.tunedModels.contains($0) }) ?? context.models(in: slice).first else {
                none(row, reason: shift + "; no model traffic on the slice to judge")
                continue
            }
            // The serving model's success per value of the key, on the baseline.
            var rates: [String: Double] = [:]
            for value in context.sliceValues(key) {
                let q = context.quality("\(key)=\(value)", .baseline, model: model)
                if q.judged >= context.configuration.minCount, let rate = q.successRate { rates[value] = rate }
            }
            let overall = context.quality("all", .baseline, model: model).successRate
            let worst = rates.min { $0.value < $1.value }
            let ref = context.quality(slice, .baseline, model: model), cur = context.quality(slice, .current, model: model)
            let dropped = RecommendationContext.rose(ref.failures, ref.judged, cur.failures, cur.judged)
            let isWorst = worst?.key == grown && (overall.map { worst!.value < $0 - 0.02 } ?? false)
            if isWorst && !dropped {
                let target = alternative(to: model, on: slice)
                var reason = shift + "; \(grown) is \(model)'s worst \(key) (success \(typ.percent(rates[grown])) vs \(typ.percent(overall)) overall), stable on the slice (\(typ.percent(ref.successRate)) → \(typ.percent(cur.successRate)))"
                if let target {
                    reason += "; \(target.model) does better on the same tasks there since the first record (\(typ.percent(target.rate)) vs \(typ.percent(target.servingRate)), \(target.requests) requests): route \(slice) to \(target.model)"
                } else {
                    reason += "; no other model observed on the slice yet: route \(slice) to a stronger model or a fallback"
                }
                claimKnockOn(scope: "all", features: Self.knockOnFeatures)
                result.append(DriftRecommendation(
                    action: "routing_change", component: "traffic", scope: "all", features: [Self.tag(row)], slice: slice,
                    model: model, routeTo: target?.model, reason: reason))
            } else if dropped {
                none(row, reason: shift + "; \(model)'s success on \(grown) also fell (\(typ.percent(ref.successRate)) → \(typ.percent(cur.successRate))): a quality regression for the analyzer, not a mix problem")
            } else {
                let worstText = worst.map { "its worst is \($0.key) at \(typ.percent($0.value))" } ?? "no per-slice rates yet"
                none(row, reason: shift + "; \(model) handles \(grown) at \(typ.percent(rates[grown])) (\(worstText)) and per-slice quality is stable: drift without quality effect, no action")
            }
        }
    }

    /// The model with the best success on the slice over the serving model's tasks, if it beats it.
    private func alternative(to model: String, on slice: String) -> (model: String, rate: Double, servingRate: Double, requests: Int)? {
        let tasks = context.tasks(of: model, in: slice)
        var best: (model: String, rate: Double, servingRate: Double, requests: Int)?
        for other in context.state.models.values.dropFirst() where other != model {
            let shared = context.tasks(of: other, in: slice).intersection(tasks)
            let q = context.quality(slice, .lifetime, model: other, tasks: shared)
            guard q.judged >= 20, let rate = q.successRate else { continue }
            let serving = context.quality(slice, .lifetime, model: model, tasks: shared)
            guard let servingRate = serving.successRate, rate > servingRate else { continue }
            if best.map({ rate > $0.rate }) ?? true { best = (other, rate, servingRate, q.judged) }
        }
        return best
    }

    // MARK: - The rest

    private mutating func remaining() {
        var byFeature: [String: [FeatureDrift]] = [:]
        for row in context.rows where row.drifted && !row.informational && !claimed.contains(Self.tag(row)) {
            byFeature[row.feature, default: []].append(row)
        }
        for (feature, rows) in byFeature.sorted(by: { $0.key < $1.key }) {
            let first = rows.first { $0.scope == "all" } ?? rows[0]
            let scopes = rows.map(\.scope)
            let reason = "\(describe(first)) in \(scopes.count) scope(s) without a retrieval, tool or traffic cause; no quality effect attributed by drift alone"
            claim(rows)
            result.append(DriftRecommendation(
                action: "none", component: FeatureSource(name: feature)?.component ?? "output", scope: first.scope,
                features: rows.map(Self.tag), reason: reason))
        }
    }

    private mutating func none(_ row: FeatureDrift, reason: String) {
        result.append(DriftRecommendation(
            action: "none", component: "traffic", scope: row.scope, features: [Self.tag(row)],
            slice: nil, reason: reason))
    }

    private mutating func claim(_ rows: [FeatureDrift]) {
        for row in rows { claimed.insert(Self.tag(row)) }
    }

    /// Claims knock-on rows (in `scope`, or every scope when nil) so they are not reported as
    /// unexplained drift.
    private mutating func claimKnockOn(scope: String?, features: Set<String>) {
        for row in context.rows where features.contains(row.feature) && (scope == nil || row.scope == scope) {
            claimed.insert(Self.tag(row))
        }
    }

    /// Links the analyzer incidents of the recommendation's scope whose window overlaps the current
    /// one, whatever component they name: the analyzer has seen the quality effect and attributed it,
    /// so its action is the recommendation (drift's own suggestion, when different, stays in the
    /// reason). Without an incident, drift alone is a `watch`.
    private func join(_ rec: DriftRecommendation, _ incidents: [IncidentSummary]) -> DriftRecommendation {
        var rec = rec
        let now = context.currentFrom..<max(context.currentFrom + 1, context.currentTo)
        let matching = incidents.filter { incident in
            guard incident.window.map({ $0.overlaps(now) }) ?? true else { return false }
            return Self.scopesMeet(rec, incident)
        }
        rec.incidents = matching
        let suggestion = rec.action == "none" ? nil : rec.action
        if let incident = matching.first(where: { $0.action != "none" }) ?? matching.first {
            rec.action = incident.action
            rec.suggestedAction = nil
            let id = incident.id.map { " \($0)" } ?? ""
            rec.reason += "; the analyzer attributes the quality effect here to \(incident.component) (incident\(id), \(incident.action) on \(incident.scope))"
            if let suggestion, suggestion != incident.action { rec.reason += "; drift alone pointed at \(suggestion)" }
        } else {
            rec.action = "watch"
            rec.suggestedAction = suggestion
        }
        return rec
    }

    /// Whether an incident is about the recommendation's scope: either is `all`, the same task, or the
    /// recommendation's scope or slice among the incident's slices.
    static func scopesMeet(_ rec: DriftRecommendation, _ incident: IncidentSummary) -> Bool {
        if rec.scope == "all" || incident.scope == "all" || incident.scope == rec.scope { return true }
        let slices = incident.slices ?? []
        return slices.contains(rec.scope) || rec.slice.map { slices.contains($0) || incident.scope == $0 } ?? false
    }
}
