/// The nested objects of format v1. Each reader returns nil (or empty) for `null`, throws
/// `missing_field` for a required inner field, and skips unknown inner fields.
extension RecordReader {
    static func readModel(_ s: inout JSONScanner) throws(RecordDecodingError) -> ModelInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "model" })
        var name: String?, version: String?, provider: String?, baseModel: String?
        var tuned = false
        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "model" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "name") {
                name = try s.readString(at: { "model.name" })
            } else if bytesEqual(k, "version") {
                version = try s.readString(at: { "model.version" })
            } else if bytesEqual(k, "provider") {
                provider = try s.readOptionalString(at: { "model.provider" })
            } else if bytesEqual(k, "base") {
                baseModel = try s.readOptionalString(at: { "model.base" })
            } else if bytesEqual(k, "tuned") {
                tuned = s.consumeNull() ? false : try s.readBool(at: { "model.tuned" })
            } else {
                try s.skipValue(depth: 3, at: { "model." + JSONScanner.makeString(base: base, span: key) })
            }
        }
        guard let name else { throw missing("model.name") }
        guard let version else { throw missing("model.version") }
        return ModelInfo(name: name, version: version, provider: provider, base: baseModel, tuned: tuned)
    }

    static func readTemplate(_ s: inout JSONScanner) throws(RecordDecodingError) -> TemplateInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "template" })
        var id: String?, version: String?
        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "template" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "id") {
                id = try s.readString(at: { "template.id" })
            } else if bytesEqual(k, "version") {
                version = try s.readString(at: { "template.version" })
            } else {
                try s.skipValue(depth: 3, at: { "template." + JSONScanner.makeString(base: base, span: key) })
            }
        }
        guard let id else { throw missing("template.id") }
        guard let version else { throw missing("template.version") }
        return TemplateInfo(id: id, version: version)
    }

    static func readRelease(_ s: inout JSONScanner) throws(RecordDecodingError) -> ReleaseInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "release" })
        var release = ReleaseInfo()
        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "release" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "dataset") {
                release.dataset = try s.readOptionalString(at: { "release.dataset" })
            } else if bytesEqual(k, "validator") {
                release.validator = try s.readOptionalString(at: { "release.validator" })
            } else if bytesEqual(k, "eval_suite") {
                release.evalSuite = try s.readOptionalString(at: { "release.eval_suite" })
            } else {
                try s.skipValue(depth: 3, at: { "release." + JSONScanner.makeString(base: base, span: key) })
            }
        }
        return release
    }

    static func readRetrieval(_ s: inout JSONScanner) throws(RecordDecodingError) -> RetrievalInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "retrieval" })
        var indexVersion: String?
        var topK: Int?
        var evidence: [Evidence] = []
        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "retrieval" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "index_version") {
                indexVersion = try s.readString(at: { "retrieval.index_version" })
            } else if bytesEqual(k, "top_k") {
                topK = try s.readOptionalInt(at: { "retrieval.top_k" })
            } else if bytesEqual(k, "evidence") {
                evidence = try readEvidence(&s)
            } else {
                try s.skipValue(depth: 3, at: { "retrieval." + JSONScanner.makeString(base: base, span: key) })
            }
        }
        guard let indexVersion else { throw missing("retrieval.index_version") }
        return RetrievalInfo(indexVersion: indexVersion, topK: topK, evidence: evidence)
    }

    static func readEvidence(_ s: inout JSONScanner) throws(RecordDecodingError) -> [Evidence] {
        if s.consumeNull() { return [] }
        try s.beginArray(depth: 3, at: { "retrieval.evidence" })
        var out: [Evidence] = []
        let base = s.base
        var first = true
        var i = 0
        while try s.nextElement(&first, at: { "retrieval.evidence" }) {
            try s.beginObject(depth: 4, at: { "retrieval.evidence[\(i)]" })
            var id: String?
            var score: Double?
            var updatedAt: Int64?
            var firstKey = true
            while let key = try s.nextKey(&firstKey, at: { "retrieval.evidence[\(i)]" }) {
                let k = s.bytes(of: key)
                if bytesEqual(k, "id") {
                    id = try s.readString(at: { "retrieval.evidence[\(i)].id" })
                } else if bytesEqual(k, "score") {
                    score = try s.readOptionalDouble(at: { "retrieval.evidence[\(i)].score" })
                } else if bytesEqual(k, "updated_at") {
                    updatedAt = try s.readOptionalTimestamp(at: { "retrieval.evidence[\(i)].updated_at" })
                } else {
                    try s.skipValue(depth: 5, at: {
                        "retrieval.evidence[\(i)]." + JSONScanner.makeString(base: base, span: key)
                    })
                }
            }
            guard let id else { throw missing("retrieval.evidence[\(i)].id") }
            if out.isEmpty { out.reserveCapacity(4) }
            out.append(Evidence(id: id, score: score, updatedAtMicros: updatedAt))
            i += 1
        }
        return out
    }

    static func readTools(_ s: inout JSONScanner) throws(RecordDecodingError) -> [ToolCall] {
        if s.consumeNull() { return [] }
        try s.beginArray(depth: 2, at: { "tools" })
        var out: [ToolCall] = []
        let base = s.base
        var first = true
        var i = 0
        while try s.nextElement(&first, at: { "tools" }) {
            try s.beginObject(depth: 3, at: { "tools[\(i)]" })
            var name: String?, version: String?
            var status: ToolStatus?
            var latency: Double?
            var firstKey = true
            while let key = try s.nextKey(&firstKey, at: { "tools[\(i)]" }) {
                let k = s.bytes(of: key)
                if bytesEqual(k, "name") {
                    name = try s.readString(at: { "tools[\(i)].name" })
                } else if bytesEqual(k, "version") {
                    version = try s.readOptionalString(at: { "tools[\(i)].version" })
                } else if bytesEqual(k, "status") {
                    let span = try s.readStringSpan(at: { "tools[\(i)].status" })
                    let v = s.bytes(of: span)
                    if bytesEqual(v, "ok") {
                        status = .ok
                    } else if bytesEqual(v, "error") {
                        status = .error
                    } else if bytesEqual(v, "timeout") {
                        status = .timeout
                    } else {
                        throw s.invalidEnum({ "tools[\(i)].status" }, expected: "one of ok, error, timeout", span)
                    }
                } else if bytesEqual(k, "latency_ms") {
                    latency = try s.readOptionalDouble(at: { "tools[\(i)].latency_ms" })
                } else {
                    try s.skipValue(depth: 4, at: { "tools[\(i)]." + JSONScanner.makeString(base: base, span: key) })
                }
            }
            guard let name else { throw missing("tools[\(i)].name") }
            guard let status else { throw missing("tools[\(i)].status") }
            if out.isEmpty { out.reserveCapacity(4) }
            out.append(ToolCall(name: name, version: version, status: status, latencyMs: latency))
            i += 1
        }
        return out
    }

    static func readValidation(_ s: inout JSONScanner) throws(RecordDecodingError) -> [ValidationCheck] {
        if s.consumeNull() { return [] }
        try s.beginArray(depth: 2, at: { "validation" })
        var out: [ValidationCheck] = []
        let base = s.base
        var first = true
        var i = 0
        while try s.nextElement(&first, at: { "validation" }) {
            try s.beginObject(depth: 3, at: { "validation[\(i)]" })
            var check: String?
            var passed: Bool?
            var reason: String?
            var firstKey = true
            while let key = try s.nextKey(&firstKey, at: { "validation[\(i)]" }) {
                let k = s.bytes(of: key)
                if bytesEqual(k, "check") {
                    check = try s.readString(at: { "validation[\(i)].check" })
                } else if bytesEqual(k, "passed") {
                    passed = try s.readBool(at: { "validation[\(i)].passed" })
                } else if bytesEqual(k, "reason") {
                    reason = try s.readOptionalString(at: { "validation[\(i)].reason" })
                } else {
                    try s.skipValue(depth: 4, at: { "validation[\(i)]." + JSONScanner.makeString(base: base, span: key) })
                }
            }
            guard let check else { throw missing("validation[\(i)].check") }
            guard let passed else { throw missing("validation[\(i)].passed") }
            if out.isEmpty { out.reserveCapacity(4) }
            out.append(ValidationCheck(check: check, passed: passed, reason: reason))
            i += 1
        }
        return out
    }

    static func readFeedback(_ s: inout JSONScanner) throws(RecordDecodingError) -> Feedback? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "feedback" })
        var score: Double?
        var source: String?
        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "feedback" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "score") {
                score = try s.readDouble(at: { "feedback.score" })
            } else if bytesEqual(k, "source") {
                source = try s.readOptionalString(at: { "feedback.source" })
            } else {
                try s.skipValue(depth: 3, at: { "feedback." + JSONScanner.makeString(base: base, span: key) })
            }
        }
        guard let score else { throw missing("feedback.score") }
        return Feedback(score: score, source: source)
    }

    static func readLatency(_ s: inout JSONScanner) throws(RecordDecodingError) -> StageLatency? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "latency_ms" })
        var total: Double?
        var latency = StageLatency(total: 0)
        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "latency_ms" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "total") {
                total = try s.readDouble(at: { "latency_ms.total" })
            } else if bytesEqual(k, "retrieval") {
                latency.retrieval = try s.readOptionalDouble(at: { "latency_ms.retrieval" })
            } else if bytesEqual(k, "tools") {
                latency.tools = try s.readOptionalDouble(at: { "latency_ms.tools" })
            } else if bytesEqual(k, "generation") {
                latency.generation = try s.readOptionalDouble(at: { "latency_ms.generation" })
            } else if bytesEqual(k, "validation") {
                latency.validation = try s.readOptionalDouble(at: { "latency_ms.validation" })
            } else {
                try s.skipValue(depth: 3, at: { "latency_ms." + JSONScanner.makeString(base: base, span: key) })
            }
        }
        guard let total else { throw missing("latency_ms.total") }
        latency.total = total
        return latency
    }

    static func readTokens(_ s: inout JSONScanner) throws(RecordDecodingError) -> TokenUsage? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "tokens" })
        var input: Int?, output: Int?
        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "tokens" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "input") {
                input = try s.readInt(at: { "tokens.input" })
            } else if bytesEqual(k, "output") {
                output = try s.readInt(at: { "tokens.output" })
            } else {
                try s.skipValue(depth: 3, at: { "tokens." + JSONScanner.makeString(base: base, span: key) })
            }
        }
        guard let input else { throw missing("tokens.input") }
        guard let output else { throw missing("tokens.output") }
        return TokenUsage(input: input, output: output)
    }
}
