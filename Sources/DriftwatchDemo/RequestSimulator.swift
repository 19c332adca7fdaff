import DriftwatchCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The causal model behind one request: slices and task, then template, model, retrieval, tools, generation,
/// validation, outcome and feedback, each stage drawing from its own stream keyed by (seed, record, stage).
///
/// Incidents act on the stage they belong to and only ever through the stage's health (scores, empty evidence,
/// tool statuses, template breakage, model competence, traffic mix); the outcome is derived from those, never
/// set directly. Draws that decide whether an incident touches a request come from a separate stream, so a
/// record before an incident starts is identical to the same record in a run without it.
struct RequestSimulator: Sendable {
    let seed: UInt64
    let changes: [ScheduledChange]
    let noise: Double
    let feedbackRate: Double
    let tables: SimulatorTables
    private var noisePeriod: Int64 = .min
    private var noiseFactors: [Double]

    static let noisePeriodMicros: Int64 = 600_000_000

    init(seed: UInt64, startMicros: Int64, changes: [ScheduledChange], noise: Double, feedbackRate: Double) {
        self.seed = seed
        self.changes = changes.map { var change = $0; change.label = nil; return change }
        self.noise = noise
        self.feedbackRate = feedbackRate
        self.tables = SimulatorTables(seed: seed, startMicros: startMicros)
        self.noiseFactors = Array(repeating: 1, count: WorkloadCatalog.tasks.count)
    }

    /// Multiplicative wobble of baseline failure rates for the 10-minute period containing `t`, per task.
    private mutating func noiseFactor(task: Int, at t: Int64) -> Double {
        let period = t >= 0 ? t / Self.noisePeriodMicros : (t + 1) / Self.noisePeriodMicros - 1
        if period != noisePeriod {
            noisePeriod = period
            var global = SplitMix64(keys: seed, UInt64(bitPattern: period), 0xA11)
            let g = noise * global.normal()
            for i in noiseFactors.indices {
                var local = SplitMix64(keys: seed, UInt64(bitPattern: period), 0xB00 + UInt64(i))
                let z = g + 0.5 * noise * local.normal()
                noiseFactors[i] = exp(z - 0.625 * noise * noise)
            }
        }
        return noiseFactors[task]
    }

    mutating func simulate(index: Int, timestamp t: Int64, into r: inout SimulatedRequest) {
        let catalog = WorkloadCatalog.self
        r.index = index
        r.timestamp = t
        let key = UInt64(index)
        var change = SplitMix64(keys: seed, key, 100)

        // Traffic: slices, then task.
        var rng = SplitMix64(keys: seed, key, 1)
        let language = drawSlice(0, base: catalog.sliceDimensions[0].weights, u: rng.unit(), t: t)
        let channel = drawSlice(1, base: catalog.sliceDimensions[1].weights, u: rng.unit(), t: t)
        let tier = drawSlice(2, base: catalog.sliceDimensions[2].weights, u: rng.unit(), t: t)
        let long = drawSlice(3, base: tables.longContextWeights[channel], u: rng.unit(), t: t)
        func sliceValue(_ key: Int) -> Int {
            switch key {
            case 0: return language
            case 1: return channel
            case 2: return tier
            default: return long
            }
        }
        let taskIndex = pick(catalog.taskCumulativeWeights, rng.unit())
        let task = tables.tasks[taskIndex]
        let noiseFactor = noiseFactor(task: taskIndex, at: t)
        let isLong = long == 1

        // Wrapper: template version, canaries.
        var templateVersion = tables.templateVersions[taskIndex]
        var schemaExtra = 0.0
        var tokenInflation = 1.0
        for c in changes where c.task == taskIndex && c.isActive(at: t) {
            if c.action == .templateCanary, change.chance(c.share * c.intensity(at: t)) {
                templateVersion = c.version
                schemaExtra = c.effect
                tokenInflation = 1.3
            } else if c.action == .benignTemplate, change.chance(c.share) {
                templateVersion = c.version
                schemaExtra = 0
                tokenInflation = 1
            }
        }

        // Model: version overrides, transient errors, fallback route.
        rng = SplitMix64(keys: seed, key, 2)
        var role = task.value.model.rawValue
        var modelRetries = 0
        var failedAttemptMs = 0.0
        if rng.chance(0.02 * noiseFactor) {
            modelRetries = 1
            failedAttemptMs = rng.uniform(200, 2000)
            if rng.chance(0.25) {
                modelRetries = 2
                failedAttemptMs += rng.uniform(200, 2000)
                role = WorkloadCatalog.ModelRole.fallback.rawValue
            }
        }
        var modelVersion = tables.modelVersions[role]
        var regression: (key: Int, value: Int, effect: Double)?
        for c in changes where c.isActive(at: t) {
            if c.action == .checkpoint, role == 0, change.chance(c.share) {
                modelVersion = c.version
                // The checkpoint serves every tuned task; a task-restricted regression fails only that task.
                regression = c.task < 0 || c.task == taskIndex ? (c.sliceKey, c.sliceValue, c.effect * c.intensity(at: t)) : nil
            } else if c.action == .benignModel, c.modelRole == role, change.chance(c.share) {
                modelVersion = c.version
                regression = nil
            }
        }
        let modelProfile = tables.models[role]

        // Retrieval: latent relevance drives grounding; observed scores add the index's calibration.
        var relevance = 1.0
        var evidenceCount = 0
        var retrievalMs = 0.0
        r.pool = -1
        r.staleMicros = 0
        if let pool = task.value.pool?.rawValue {
            rng = SplitMix64(keys: seed, key, 3)
            var indexVersion = tables.indexVersions[pool]
            var scoreShift = 0.0
            var degrade = 0.0
            for c in changes where c.pool == pool && c.isActive(at: t) {
                switch c.action {
                case .indexChange:
                    indexVersion = c.version
                    scoreShift = -0.05
                    // A slice-restricted change moves the whole pool to the index but degrades only the slice.
                    let inSlice = c.sliceKey < 0 || sliceValue(c.sliceKey) == c.sliceValue
                    degrade = inSlice ? min(1, c.effect * c.intensity(at: t) / 0.93) : 0
                case .benignIndex:
                    indexVersion = c.version
                    scoreShift = 0
                    degrade = 0
                case .reindexScores:
                    indexVersion = c.version
                    scoreShift = -c.effect * c.intensity(at: t)
                    degrade = 0
                case .staleEvidence:
                    if change.chance(c.effect * c.intensity(at: t)) { r.staleMicros = Int64(c.days * 86_400) * 1_000_000 }
                default: break
                }
            }
            relevance = min(0.99, max(0.05, 0.80 + 0.07 * rng.normal()))
            var empty = rng.chance(0.004 * noiseFactor)
            var degraded = false
            if degrade > 0, change.chance(degrade) {
                degraded = true
                if change.chance(0.3) { empty = true } else { relevance = min(0.99, max(0.02, 0.35 + 0.08 * change.normal())) }
            }
            if !empty {
                evidenceCount = task.value.topK
                var score = min(0.999, max(0.01, relevance + scoreShift + 0.03 * rng.normal()))
                let documentCount = Double(tables.documentIDs[pool].count)
                for i in 0..<evidenceCount {
                    var doc: Int32 = 0
                    var duplicate = true
                    while duplicate {
                        let u = rng.unit()
                        doc = Int32(documentCount * (degraded ? u : u * u * u))
                        duplicate = false
                        for j in 0..<i where r.documents[j] == doc { duplicate = true }
                    }
                    r.documents[i] = doc
                    r.scores[i] = quantize(score, 10_000)
                    score = max(0.01, score - rng.uniform(0.005, 0.06))
                }
            }
            retrievalMs = quantize(rng.logNormal(median: 60, sigma: 0.35), 10)
            r.pool = pool
            r.indexVersion = indexVersion
        }
        r.evidenceCount = evidenceCount

        // Tools: required calls (maybe skipped), one retry on failure, occasional unrequired calls.
        rng = SplitMix64(keys: seed, key, 4)
        r.toolCount = 0
        var toolsMs = 0.0
        var toolRetries = 0
        var requiredToolFailed = false
        var groundedOnToolFailure = 0.0
        var requiredToolSkipped = false
        var skipFailure = 0.0
        for toolIndex in task.value.toolsExpected {
            // A skipped required tool usually means an answer made up without its data.
            var skipped = rng.chance(0.003)
            var failure = skipped ? 0.7 : 0
            for c in changes where c.action == .toolCallDrop && c.tool == toolIndex && c.isActive(at: t) {
                if change.chance(c.effect * c.intensity(at: t)) { skipped = true; failure = max(failure, c.failure) }
            }
            if skipped {
                requiredToolSkipped = true
                skipFailure = max(skipFailure, failure)
                continue
            }
            var status = callTool(toolIndex, rng: &rng, change: &change, noise: noiseFactor, t: t, into: &r, ms: &toolsMs)
            if status != .ok {
                toolRetries += 1
                status = callTool(toolIndex, rng: &rng, change: &change, noise: noiseFactor, t: t, into: &r, ms: &toolsMs)
                if status != .ok {
                    requiredToolFailed = true
                    for c in changes where c.action == .toolOutage && c.tool == toolIndex && c.grounded > 0 && c.isActive(at: t) {
                        groundedOnToolFailure = max(groundedOnToolFailure, c.grounded)
                    }
                }
            }
        }
        if let optional = task.value.optionalTool, rng.chance(optional.probability) {
            _ = callTool(optional.tool, rng: &rng, change: &change, noise: noiseFactor, t: t, into: &r, ms: &toolsMs)
        }

        // Generation and validation.
        rng = SplitMix64(keys: seed, key, 5)
        let inputTokens = Int(task.value.promptTokens * tokenInflation + Double(evidenceCount) * rng.uniform(120, 200)
            + rng.logNormal(median: 120, sigma: 0.6) + (isLong ? rng.uniform(5000, 15000) : 0))
        let outputTokens = max(5, Int(rng.logNormal(median: task.value.outputTokens, sigma: 0.35)))
        let schemaFailed = rng.unit() < task.value.schemaFailure * noiseFactor + (isLong ? 0.004 : 0) + schemaExtra
        var groundedFailed = false
        if task.value.pool != nil {
            let u = rng.unit()
            if evidenceCount == 0 {
                groundedFailed = u < 0.9
            } else {
                groundedFailed = u < 0.012 * noiseFactor + 0.93 / (1 + exp((relevance - 0.5) / 0.04))
            }
        }
        // Its own stream, so workloads without the option draw exactly what they drew before.
        if groundedOnToolFailure > 0, task.value.pool != nil, !groundedFailed {
            var chain = SplitMix64(keys: seed, key, 9)
            groundedFailed = chain.unit() < groundedOnToolFailure
        }
        var policy = modelProfile.value.policyFailure[taskIndex]
        for penalty in modelProfile.value.slicePenalty where sliceValue(penalty.key) == penalty.value { policy += penalty.penalty }
        policy *= noiseFactor
        if let regression, sliceValue(regression.key) == regression.value { policy += regression.effect }
        let policyFailed = rng.unit() < policy
        let residualFailed = rng.unit() < 0.02 * noiseFactor

        // Fixed draws, so an incident that changes the path through the chain never shifts later numbers.
        let skipDraw = rng.unit()
        let escalateDraw = rng.unit()
        let outcome: Outcome
        let escalates = taskIndex == 3
        if requiredToolFailed {
            outcome = escalates && escalateDraw < 0.4 ? .escalated : .failure
        } else if requiredToolSkipped && skipDraw < skipFailure {
            outcome = .failure
        } else if schemaFailed {
            outcome = .failure
        } else if groundedFailed {
            outcome = evidenceCount == 0 && escalateDraw < 0.5 ? .abstained : .failure
        } else if policyFailed {
            outcome = escalates && escalateDraw < 0.5 ? .escalated : .failure
        } else if residualFailed {
            outcome = .failure
        } else {
            outcome = .success
        }

        // Feedback, latency, cost.
        rng = SplitMix64(keys: seed, key, 6)
        r.feedbackSource = 0
        if rng.chance(feedbackRate) {
            let good = outcome == .success
            if channel == 0 && rng.chance(0.8) {
                let positive = good ? rng.chance(0.88) : rng.chance(0.25)
                r.feedbackSource = 1
                r.feedbackScore = positive ? 1 : -1
            } else {
                r.feedbackSource = 2
                r.feedbackScore = quantize(good ? rng.uniform(0.7, 1) : rng.uniform(0, 0.45), 100)
            }
        }
        let decodeMs: Double = Double(outputTokens) * modelProfile.value.msPerToken
        let prefillMs: Double = Double(inputTokens) * 0.02
        let jitter: Double = rng.logNormal(median: 1, sigma: 0.15)
        let generationMs = quantize(failedAttemptMs + (250 + decodeMs + prefillMs) * jitter, 10)
        let validationMs = quantize(rng.uniform(8, 35), 10)
        let stagesMs: Double = retrievalMs + toolsMs + generationMs + validationMs
        let totalMs = quantize(stagesMs + rng.uniform(3, 12), 10)
        let inputCost: Double = Double(inputTokens) * modelProfile.value.inputPricePerMillion
        let outputCost: Double = Double(outputTokens) * modelProfile.value.outputPricePerMillion
        let cost = quantize((inputCost + outputCost) * Double(1 + modelRetries) / 1_000_000, 1_000_000)

        r.task = taskIndex
        r.role = role
        r.modelVersion = modelVersion
        r.templateVersion = templateVersion
        r.release = tables.releaseIndex(task: taskIndex, role: role, baseVersion: modelVersion == tables.modelVersions[role])
        r.validationMask = (schemaFailed ? 1 : 0) | (groundedFailed ? 2 : 0) | (policyFailed ? 4 : 0)
        r.outcome = outcome
        r.totalMs = totalMs
        r.retrievalMs = retrievalMs
        r.toolsMs = quantize(toolsMs, 10)
        r.generationMs = generationMs
        r.validationMs = validationMs
        r.inputTokens = inputTokens
        r.outputTokens = outputTokens
        r.cost = cost
        r.retries = modelRetries + toolRetries
        r.sliceCombination = ((language * 2 + channel) * 3 + tier) * 2 + long
    }

    /// One tool call: baseline health from `rng`, an active outage from `change`.
    @inline(__always)
    private func callTool(
        _ toolIndex: Int, rng: inout SplitMix64, change: inout SplitMix64, noise: Double, t: Int64,
        into r: inout SimulatedRequest, ms: inout Double
    ) -> ToolStatus {
        let profile = tables.tools[toolIndex]
        let u = rng.unit()
        var status: ToolStatus = u < profile.value.errorRate * noise ? .error
            : u < (profile.value.errorRate + profile.value.timeoutRate) * noise ? .timeout : .ok
        var version = tables.toolVersions[toolIndex]
        for c in changes where c.tool == toolIndex && c.isActive(at: t) {
            if c.action == .toolOutage, change.chance(c.effect * c.intensity(at: t)) {
                switch c.mode {
                case .error: status = .error
                case .timeout: status = .timeout
                case .mixed: status = change.chance(0.6) ? .error : .timeout
                }
            } else if c.action == .benignTool {
                version = c.version
            }
        }
        let latency: Double
        switch status {
        case .ok: latency = rng.logNormal(median: profile.value.medianLatencyMs, sigma: 0.4)
        case .error: latency = rng.uniform(20, 90)
        case .timeout: latency = WorkloadCatalog.toolTimeoutMs + rng.uniform(0, 40)
        }
        let rounded = quantize(latency, 10)
        ms += rounded
        let n = r.toolCount
        if n < Fixed8<Int8>.capacity {
            r.toolIndexes[n] = Int8(toolIndex)
            r.toolStatuses[n] = status
            r.toolLatencies[n] = rounded
            r.toolVersions[n] = version
            r.toolCount = n + 1
        }
        return status
    }

    /// Draws a slice value by inverse CDF over the base weights as moved by active traffic shifts.
    @inline(__always)
    private func drawSlice(_ dimension: Int, base: [Double], u: Double, t: Int64) -> Int {
        var shifted = false
        for c in changes where c.action == .trafficShift && c.sliceKey == dimension && c.isActive(at: t) { shifted = true }
        var acc = 0.0
        if !shifted {
            for i in 0..<(base.count - 1) {
                acc += base[i]
                if u < acc { return i }
            }
            return base.count - 1
        }
        for i in 0..<(base.count - 1) {
            acc += shiftedWeight(dimension, value: i, base: base, t: t)
            if u < acc { return i }
        }
        return base.count - 1
    }

    /// The weight of `value` after applying every active shift on `dimension` in order: the target value moves
    /// toward its share, the others keep their proportions.
    private func shiftedWeight(_ dimension: Int, value: Int, base: [Double], t: Int64) -> Double {
        var p = base[value]
        var current = base
        for c in changes where c.action == .trafficShift && c.sliceKey == dimension && c.isActive(at: t) {
            let target = current[c.sliceValue]
            let moved = target + c.intensity(at: t) * (c.share - target)
            let scale = target < 1 ? (1 - moved) / (1 - target) : 0
            for i in current.indices { current[i] = i == c.sliceValue ? moved : current[i] * scale }
            p = current[value]
        }
        return p
    }

    @inline(__always)
    private func pick(_ cumulative: [Double], _ u: Double) -> Int {
        for i in 0..<(cumulative.count - 1) where u < cumulative[i] { return i }
        return cumulative.count - 1
    }
}
