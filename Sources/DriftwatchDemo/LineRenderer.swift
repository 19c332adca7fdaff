import DriftwatchCore

/// Writes a ``SimulatedRequest`` as the JSON line `RecordEncoder` would write for its record, assembled from
/// fragments precomputed per catalog entry (service/task/model heads, documents, validation lists, slices).
///
/// Only the per-request numbers, timestamps and versions are formatted per line; everything else is a copy.
/// Fragments live in one arena so appending one retains nothing.
final class LineRenderer: @unchecked Sendable {
    /// Immutable after `init`; shared read-only by every writer buffer.
    private let arena: UnsafeMutablePointer<UInt8>
    private let idPrefix: Fragment
    private let timestampKey: Fragment
    private let heads: [Fragment]       // task * 3 + role: service ... "model":{"name":..,"version":
    private let modelTails: [Fragment]  // task * 3 + role: "provider" ... "template":{"id":..,"version":
    private let releases: [Fragment]
    private let retrievalHeads: [Fragment]  // by task: ,"top_k":K,"evidence":[
    private let documents: [[Fragment]]     // by pool, then document: {"id":"..","score":
    private let documentUpdatedAt: [[Int64]]
    private let toolsExpected: [Fragment]
    private let toolHeads: [Fragment]       // {"name":"..","version":
    private let statuses: [Fragment]        // ,"status":"..","latency_ms":
    private let validations: [Fragment]     // task * 8 + mask
    private let outcomes: [Fragment]
    private let slices: [Fragment]

    struct Fragment {
        var offset: Int32
        var length: Int32
    }

    init(tables: SimulatorTables) {
        var bytes: [UInt8] = []
        var encoder = RecordLineEncoder()
        func fragment(_ body: (inout RecordLineEncoder) -> Void) -> Fragment {
            encoder.buffer.count = 0
            body(&encoder)
            let f = Fragment(offset: Int32(bytes.count), length: Int32(encoder.buffer.count))
            bytes.append(contentsOf: encoder.buffer.bytes)
            return f
        }
        idPrefix = fragment { e in
            e.buffer.append("{\"request_id\":\"")
            tables.idPrefix.withUnsafeBytes { e.buffer.append($0) }
        }
        timestampKey = fragment { $0.buffer.append("\",\"timestamp\":\"") }
        var heads: [Fragment] = []
        var tails: [Fragment] = []
        for task in tables.tasks.map(\.value) {
            for (role, model) in tables.models.map(\.value).enumerated() {
                heads.append(fragment { e in
                    e.buffer.append("\",\"service\":"); e.string(task.service)
                    e.buffer.append(",\"task\":"); e.string(task.name)
                    e.buffer.append(",\"route\":"); e.string(role == WorkloadCatalog.ModelRole.fallback.rawValue ? "fallback" : "primary")
                    e.buffer.append(",\"model\":{\"name\":"); e.string(model.name)
                    e.buffer.append(",\"version\":")
                })
                tails.append(fragment { e in
                    e.buffer.append(",\"provider\":"); e.string(model.provider)
                    if let base = model.base { e.buffer.append(",\"base\":"); e.string(base) }
                    e.buffer.append(model.tuned ? ",\"tuned\":true}" : ",\"tuned\":false}")
                    e.buffer.append(",\"template\":{\"id\":"); e.string(task.templateID)
                    e.buffer.append(",\"version\":")
                })
            }
        }
        self.heads = heads
        modelTails = tails
        releases = tables.releases.map { release in
            fragment { e in
                e.buffer.append(",\"release\":{")
                var first = true
                if let v = release.dataset { e.buffer.append("\"dataset\":"); e.string(v); first = false }
                if let v = release.validator { if !first { e.buffer.append(",") }; e.buffer.append("\"validator\":"); e.string(v); first = false }
                if let v = release.evalSuite { if !first { e.buffer.append(",") }; e.buffer.append("\"eval_suite\":"); e.string(v) }
                e.buffer.append("}")
            }
        }
        retrievalHeads = tables.tasks.map { task in
            fragment { e in
                e.buffer.append(",\"top_k\":"); e.int(Int64(task.value.topK))
                e.buffer.append(",\"evidence\":[")
            }
        }
        documents = tables.documentIDs.map { ids in
            ids.map { id in fragment { e in e.buffer.append("{\"id\":"); e.string(id); e.buffer.append(",\"score\":") } }
        }
        documentUpdatedAt = tables.documentUpdatedAt
        toolsExpected = tables.toolsExpected.map { names in
            fragment { e in
                guard !names.isEmpty else { return }
                e.buffer.append(",\"tools_expected\":[")
                for (i, name) in names.enumerated() {
                    if i > 0 { e.buffer.append(",") }
                    e.string(name)
                }
                e.buffer.append("]")
            }
        }
        toolHeads = tables.tools.map { tool in
            fragment { e in e.buffer.append("{\"name\":"); e.string(tool.value.name); e.buffer.append(",\"version\":") }
        }
        statuses = ToolStatus.allCases.map { status in
            fragment { e in e.buffer.append(",\"status\":"); e.string(status.rawValue); e.buffer.append(",\"latency_ms\":") }
        }
        var validations: [Fragment] = []
        for checks in tables.validation {
            for list in checks {
                validations.append(fragment { e in
                    e.buffer.append(",\"validation\":[")
                    for (i, c) in list.enumerated() {
                        e.buffer.append(i == 0 ? "{\"check\":" : ",{\"check\":"); e.string(c.check)
                        e.buffer.append(c.passed ? ",\"passed\":true" : ",\"passed\":false")
                        if let reason = c.reason { e.buffer.append(",\"reason\":"); e.string(reason) }
                        e.buffer.append("}")
                    }
                    e.buffer.append("]")
                })
            }
        }
        self.validations = validations
        outcomes = Outcome.allCases.map { outcome in
            fragment { e in e.buffer.append(",\"outcome\":"); e.string(outcome.rawValue) }
        }
        slices = tables.slices.map { list in
            fragment { e in
                e.buffer.append(",\"slices\":{")
                for (i, s) in list.enumerated() {
                    if i > 0 { e.buffer.append(",") }
                    e.string(s.key)
                    e.buffer.append(":")
                    switch s.value {
                    case .string(let x): e.string(x)
                    case .number(let x): e.double(x)
                    case .bool(let x): e.buffer.append(x ? "true" : "false")
                    }
                }
                e.buffer.append("}}")
            }
        }
        arena = .allocate(capacity: bytes.count)
        arena.initialize(from: bytes, count: bytes.count)
    }

    deinit { arena.deallocate() }

    @inline(__always)
    private func put(_ f: Fragment, _ buffer: ByteBuffer) {
        buffer.append(UnsafeRawBufferPointer(start: arena + Int(f.offset), count: Int(f.length)))
    }

    /// Appends the line for `r` (no newline).
    func render(_ r: SimulatedRequest, with e: RecordLineEncoder) {
        let b = e.buffer
        put(idPrefix, b)
        e.unsigned(UInt64(r.index), minimumDigits: 1)
        put(timestampKey, b)
        e.timestamp(r.timestamp)
        let head = r.task * 3 + r.role
        put(heads[head], b)
        e.string(r.modelVersion)
        put(modelTails[head], b)
        e.string(r.templateVersion)
        b.append(UInt8(ascii: "}"))
        put(releases[r.release], b)
        if r.pool >= 0 {
            b.append(",\"retrieval\":{\"index_version\":")
            e.string(r.indexVersion)
            put(retrievalHeads[r.task], b)
            let docs = documents[r.pool]
            let updated = documentUpdatedAt[r.pool]
            for i in 0..<r.evidenceCount {
                if i > 0 { b.append(UInt8(ascii: ",")) }
                let doc = Int(r.documents[i])
                put(docs[doc], b)
                e.double(r.scores[i])
                b.append(",\"updated_at\":\"")
                e.timestamp(updated[doc] - r.staleMicros)
                b.append("\"}")
            }
            b.append("]}")
        }
        put(toolsExpected[r.task], b)
        if r.toolCount > 0 {
            b.append(",\"tools\":[")
            for i in 0..<r.toolCount {
                if i > 0 { b.append(UInt8(ascii: ",")) }
                put(toolHeads[Int(r.toolIndexes[i])], b)
                e.string(r.toolVersions[i])
                let status = r.toolStatuses[i]
                put(statuses[status == .ok ? 0 : status == .error ? 1 : 2], b)
                e.double(r.toolLatencies[i])
                b.append(UInt8(ascii: "}"))
            }
            b.append(UInt8(ascii: "]"))
        }
        put(validations[r.task * 8 + r.validationMask], b)
        put(outcomes[Self.outcomeIndex(r.outcome)], b)
        switch r.feedbackSource {
        case 1:
            b.append(r.feedbackScore > 0 ? ",\"feedback\":{\"score\":1,\"source\":\"user\"}" : ",\"feedback\":{\"score\":-1,\"source\":\"user\"}")
        case 2:
            b.append(",\"feedback\":{\"score\":")
            e.double(r.feedbackScore)
            b.append(",\"source\":\"reviewer\"}")
        default: break
        }
        b.append(",\"latency_ms\":{\"total\":"); e.double(r.totalMs)
        if r.pool >= 0 { b.append(",\"retrieval\":"); e.double(r.retrievalMs) }
        if r.toolCount > 0 { b.append(",\"tools\":"); e.double(r.toolsMs) }
        b.append(",\"generation\":"); e.double(r.generationMs)
        b.append(",\"validation\":"); e.double(r.validationMs)
        b.append("},\"tokens\":{\"input\":"); e.int(Int64(r.inputTokens))
        b.append(",\"output\":"); e.int(Int64(r.outputTokens))
        b.append("},\"cost_usd\":"); e.double(r.cost)
        b.append(",\"retries\":"); e.int(Int64(r.retries))
        put(slices[r.sliceCombination], b)
    }

    @inline(__always)
    private static func outcomeIndex(_ o: Outcome) -> Int {
        switch o {
        case .success: return 0
        case .failure: return 1
        case .abstained: return 2
        case .escalated: return 3
        }
    }
}
