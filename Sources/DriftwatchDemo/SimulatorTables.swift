import DriftwatchCore

/// Values the simulator would otherwise rebuild per record: document IDs and ages, slice and validation arrays,
/// version strings. Sharing them keeps generation allocation-light (records share the arrays copy-on-write).
struct SimulatorTables: Sendable {
    /// Catalog profiles behind references: reading a field then retains one object, not every string of a struct.
    let tasks: [Ref<WorkloadCatalog.TaskProfile>]
    let models: [Ref<WorkloadCatalog.ModelProfile>]
    let tools: [Ref<WorkloadCatalog.ToolProfile>]
    let documentIDs: [[String]]
    /// Each document's last update, microseconds since the epoch: up to about 400 days before the workload start.
    let documentUpdatedAt: [[Int64]]
    let templateVersions: [String]
    let modelVersions: [String]
    let indexVersions: [String]
    let toolVersions: [String]
    let toolsExpected: [[String]]
    /// By task, then by failure mask (1 schema, 2 grounded, 4 policy).
    let validation: [[[ValidationCheck]]]
    /// By ((language * 2 + channel) * 3 + tier) * 2 + long_context.
    let slices: [[Slice]]
    /// Long-context weights by channel.
    let longContextWeights: [[Double]]
    let releases: [ReleaseInfo]
    let idPrefix: [UInt8]

    init(seed: UInt64, startMicros: Int64) {
        let catalog = WorkloadCatalog.self
        tasks = catalog.tasks.map(Ref.init)
        models = catalog.models.map(Ref.init)
        tools = catalog.tools.map(Ref.init)
        let startSeconds = startMicros >= 0 ? startMicros / 1_000_000 : (startMicros - 999_999) / 1_000_000
        documentIDs = catalog.indexes.map { index in
            (0..<index.documentCount).map { i in
                let digits = String(i)
                return index.documentPrefix + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
            }
        }
        // Document ages are fixed properties of the corpus, not of the seed.
        documentUpdatedAt = catalog.indexes.enumerated().map { pool, index in
            (0..<index.documentCount).map { i in
                var rng = SplitMix64(keys: 0xD0C5, UInt64(pool), UInt64(i))
                let u = rng.unit()
                let ageSeconds = Int64(u * u.squareRoot() * 400 * 86_400) + 3600
                return (startSeconds - ageSeconds) * 1_000_000
            }
        }
        templateVersions = catalog.tasks.map { String($0.templateVersion) }
        modelVersions = catalog.models.map(\.version)
        indexVersions = catalog.indexes.map(\.version)
        toolVersions = catalog.tools.map(\.version)
        toolsExpected = catalog.tasks.map { $0.toolsExpected.map { catalog.tools[$0].name } }
        validation = catalog.tasks.map { task in
            (0..<8).map { mask in
                var checks = [ValidationCheck(check: "schema", passed: mask & 1 == 0, reason: mask & 1 == 0 ? nil : task.schemaReason)]
                if task.pool != nil {
                    checks.append(ValidationCheck(check: "grounded", passed: mask & 2 == 0, reason: mask & 2 == 0 ? nil : task.groundedReason))
                }
                checks.append(ValidationCheck(check: "policy", passed: mask & 4 == 0, reason: mask & 4 == 0 ? nil : task.policyReason))
                return checks
            }
        }
        var slices: [[Slice]] = []
        let dims = catalog.sliceDimensions
        for language in dims[0].values {
            for channel in dims[1].values {
                for tier in dims[2].values {
                    for long in [false, true] {
                        slices.append([
                            Slice(key: dims[0].key, value: .string(language)),
                            Slice(key: dims[1].key, value: .string(channel)),
                            Slice(key: dims[2].key, value: .string(tier)),
                            Slice(key: dims[3].key, value: .bool(long)),
                        ])
                    }
                }
            }
        }
        self.slices = slices
        longContextWeights = [
            [dims[3].weights[0], dims[3].weights[1]],
            [1 - catalog.emailLongContext, catalog.emailLongContext],
        ]
        // Release unit per service; the dataset belongs to the tuned checkpoint.
        releases = [
            ReleaseInfo(dataset: "sft-2024-11", validator: "val-3", evalSuite: "copilot-e7"),
            ReleaseInfo(dataset: "sft-2025-01", validator: "val-3", evalSuite: "copilot-e7"),
            ReleaseInfo(dataset: nil, validator: "val-3", evalSuite: "copilot-e7"),
            ReleaseInfo(dataset: nil, validator: "val-2", evalSuite: "claims-e2"),
            ReleaseInfo(dataset: nil, validator: "val-5", evalSuite: "invoice-e4"),
        ]
        var prefix = Array("dw-".utf8)
        let hex = Array("0123456789abcdef".utf8)
        let tag = SplitMix64.mix(seed)
        for shift in stride(from: 28, through: 0, by: -4) { prefix.append(hex[Int((tag >> UInt64(shift)) & 0xF)]) }
        prefix.append(UInt8(ascii: "-"))
        idPrefix = prefix
    }

    func releaseIndex(task: Int, role: Int, baseVersion: Bool) -> Int {
        switch tasks[task].value.service {
        case "support-copilot": return role == 0 ? (baseVersion ? 0 : 1) : 2
        case "claims-triage": return 3
        default: return 4
        }
    }

    /// The public form of a simulated request.
    func record(_ r: SimulatedRequest) -> RequestRecord {
        let task = tasks[r.task].value
        let model = models[r.role].value
        var retrieval: RetrievalInfo?
        if r.pool >= 0 {
            var evidence: [Evidence] = []
            evidence.reserveCapacity(r.evidenceCount)
            for i in 0..<r.evidenceCount {
                let doc = Int(r.documents[i])
                evidence.append(Evidence(id: documentIDs[r.pool][doc], score: r.scores[i],
                                         updatedAtMicros: documentUpdatedAt[r.pool][doc] - r.staleMicros))
            }
            retrieval = RetrievalInfo(indexVersion: r.indexVersion, topK: task.topK, evidence: evidence)
        }
        var tools: [ToolCall] = []
        if r.toolCount > 0 {
            tools.reserveCapacity(r.toolCount)
            for i in 0..<r.toolCount {
                tools.append(ToolCall(name: self.tools[Int(r.toolIndexes[i])].value.name, version: r.toolVersions[i],
                                      status: r.toolStatuses[i], latencyMs: r.toolLatencies[i]))
            }
        }
        let feedback: Feedback? = switch r.feedbackSource {
        case 1: Feedback(score: r.feedbackScore, source: "user")
        case 2: Feedback(score: r.feedbackScore, source: "reviewer")
        default: nil
        }
        return RequestRecord(
            requestID: requestID(r.index),
            timestampMicros: r.timestamp,
            service: task.service,
            task: task.name,
            route: r.isFallback ? "fallback" : "primary",
            model: ModelInfo(name: model.name, version: r.modelVersion, provider: model.provider, base: model.base, tuned: model.tuned),
            template: TemplateInfo(id: task.templateID, version: r.templateVersion),
            release: releases[r.release],
            retrieval: retrieval,
            toolsExpected: toolsExpected[r.task],
            tools: tools,
            validation: validation[r.task][r.validationMask],
            outcome: r.outcome,
            feedback: feedback,
            latency: StageLatency(total: r.totalMs, retrieval: r.pool >= 0 ? r.retrievalMs : nil,
                                  tools: r.toolCount > 0 ? r.toolsMs : nil, generation: r.generationMs, validation: r.validationMs),
            tokens: TokenUsage(input: r.inputTokens, output: r.outputTokens),
            costUSD: r.cost,
            retries: r.retries,
            slices: slices[r.sliceCombination]
        )
    }

    /// `dw-<8 hex digits of the seed's hash>-<index>`: unique per record and, with high probability, per seed.
    func requestID(_ index: Int) -> String {
        String(unsafeUninitializedCapacity: idPrefix.count + 20) { buffer in
            var n = 0
            for b in idPrefix { buffer[n] = b; n += 1 }
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let count = withUnsafeMutableBytes(of: &digits) { raw -> Int in
                var v = UInt64(index)
                var i = 0
                repeat {
                    raw[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                    i += 1
                } while v > 0
                return i
            }
            withUnsafeBytes(of: &digits) { raw in
                for i in stride(from: count - 1, through: 0, by: -1) { buffer[n] = raw[i]; n += 1 }
            }
            return n
        }
    }
}

/// An immutable reference to a value, shared instead of copied.
final class Ref<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
