public import DriftwatchCore

/// The metrics derived from one record, computed once and added to every scope the record belongs to.
public struct RecordObservation: Sendable, Equatable {
    public var timestampMicros: Int64
    /// nil when the record carries no outcome; such records count as requests but not as trials.
    public var success: Bool?
    public var outcome: Outcome?
    public var checks: [ValidationCheck]
    public var feedback: Double?
    public var latencyMs: Double?
    public var stageLatencyMs: (retrieval: Double, tools: Double, generation: Double, validation: Double)
    public var tokensIn: Int64
    public var tokensOut: Int64
    public var costUSD: Double
    public var retries: Int64
    public var fallback: Bool
    public var tools: [ToolCall]
    /// Expected tools that were called / expected tools (recall), and called tools that were expected / distinct
    /// tools called (precision).
    public var toolRecall: (hits: Int64, expected: Int64)
    public var toolPrecision: (hits: Int64, called: Int64)
    /// An expected tool was never called.
    public var toolMissing: Bool
    /// An expected tool was not called or never returned ok: the request ran without that tool's data.
    public var toolProblem: Bool
    public var hasRetrieval: Bool
    public var emptyRetrieval: Bool
    public var topScore: Double?
    public var evidenceCount: Int64
    /// Mean age of the evidence at request time, in days.
    public var evidenceAgeDays: Double?

    public init(_ r: RequestRecord) {
        timestampMicros = r.timestampMicros
        outcome = r.outcome
        success = r.outcome.map { $0 == .success }
        checks = r.validation
        feedback = r.feedback?.score
        latencyMs = r.latency?.total
        stageLatencyMs = (r.latency?.retrieval ?? 0, r.latency?.tools ?? 0, r.latency?.generation ?? 0, r.latency?.validation ?? 0)
        tokensIn = Int64(r.tokens?.input ?? 0)
        tokensOut = Int64(r.tokens?.output ?? 0)
        costUSD = r.costUSD ?? 0
        retries = Int64(r.retries ?? 0)
        fallback = r.route.map { $0 != "primary" } ?? false
        tools = r.tools
        var recallHits: Int64 = 0
        var missing = false
        var problem = false
        for expected in r.toolsExpected {
            var called = false
            var ok = false
            for call in r.tools where call.name == expected {
                called = true
                if call.status == .ok { ok = true }
            }
            if called { recallHits += 1 } else { missing = true }
            if !ok { problem = true }
        }
        toolRecall = (recallHits, Int64(r.toolsExpected.count))
        var called: Int64 = 0, calledExpected: Int64 = 0
        for i in r.tools.indices {
            let name = r.tools[i].name
            var repeated = false
            for j in 0..<i where r.tools[j].name == name { repeated = true; break }
            if repeated { continue }
            called += 1
            if r.toolsExpected.contains(name) { calledExpected += 1 }
        }
        toolPrecision = (calledExpected, called)
        toolMissing = missing
        toolProblem = problem
        if let retrieval = r.retrieval {
            hasRetrieval = true
            emptyRetrieval = retrieval.evidence.isEmpty
            evidenceCount = Int64(retrieval.evidence.count)
            var top: Double?
            var ageSum = 0.0
            var aged = 0
            for item in retrieval.evidence {
                if let score = item.score, score > (top ?? -.infinity) { top = score }
                if let updated = item.updatedAtMicros {
                    ageSum += Double(r.timestampMicros - updated) / 86_400_000_000
                    aged += 1
                }
            }
            topScore = top
            evidenceAgeDays = aged > 0 ? ageSum / Double(aged) : nil
        } else {
            hasRetrieval = false
            emptyRetrieval = false
            evidenceCount = 0
            topScore = nil
            evidenceAgeDays = nil
        }
    }

    public static func == (lhs: RecordObservation, rhs: RecordObservation) -> Bool {
        lhs.timestampMicros == rhs.timestampMicros && lhs.success == rhs.success && lhs.checks == rhs.checks
            && lhs.tools == rhs.tools && lhs.latencyMs == rhs.latencyMs && lhs.toolProblem == rhs.toolProblem
            && lhs.topScore == rhs.topScore && lhs.evidenceAgeDays == rhs.evidenceAgeDays
    }
}

extension RequestRecord {
    /// Every scope the record contributes to: its task, then one scope per dimension value it carries.
    /// Records without a task are grouped under `(none)`.
    public func analysisScopes() -> [ScopeKey] {
        let task = self.task ?? "(none)"
        var scopes = [ScopeKey(task: task)]
        scopes.reserveCapacity(10 + slices.count + tools.count)
        if let model {
            scopes.append(ScopeKey(task: task, dimension: Dimension.model, value: model.name + "@" + model.version))
            scopes.append(ScopeKey(task: task, dimension: Dimension.tuned, value: model.tuned ? "true" : "false"))
        }
        if let template {
            scopes.append(ScopeKey(task: task, dimension: Dimension.template, value: template.id + "@" + template.version))
        }
        if let retrieval { scopes.append(ScopeKey(task: task, dimension: Dimension.index, value: retrieval.indexVersion)) }
        if let route { scopes.append(ScopeKey(task: task, dimension: Dimension.route, value: route)) }
        if let release {
            if let v = release.dataset { scopes.append(ScopeKey(task: task, dimension: Dimension.dataset, value: v)) }
            if let v = release.validator { scopes.append(ScopeKey(task: task, dimension: Dimension.validator, value: v)) }
            if let v = release.evalSuite { scopes.append(ScopeKey(task: task, dimension: Dimension.evalSuite, value: v)) }
        }
        for call in tools {
            let key = ScopeKey(task: task, dimension: Dimension.tool, value: call.name + "@" + (call.version ?? "-"))
            if !scopes.contains(key) { scopes.append(key) }
        }
        for slice in slices where !Dimension.builtIn.contains(slice.key) {
            scopes.append(ScopeKey(task: task, dimension: slice.key, value: slice.value.description))
        }
        return scopes
    }
}
