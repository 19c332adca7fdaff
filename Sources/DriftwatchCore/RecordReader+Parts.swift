/// The nested objects of format v1. Each reader returns nil (or empty) for `null`, throws
/// `missing_field` for a required inner field, and skips unknown inner fields.
///
/// Each object's keys are listed in format order (the order writers emit them), so that after
/// field `i` the reader can predict field `i + 1` and match it with a few word compares; see
/// ``JSONScanner/nextField(_:predicted:count:_:at:)``.
///
/// Values are read with a closure-free fast path at the call site first (`readShortASCIIString`,
/// `readPlainDouble`, `readPlainNaturalNumber`, `readCommonTimestamp`), then with the general
/// reader. The general readers take a field-path closure, and the optimizer specializes them per
/// closure instead of inlining them into these large functions; a call per value cost ~5% of decoding.
extension RecordReader {
    @inline(__always)
    static func modelKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""name":"#
        case 1: #""version":"#
        case 2: #""provider":"#
        case 3: #""base":"#
        default: #""tuned":"#
        }
    }

    static func readModel(_ s: inout JSONScanner) throws(RecordDecodingError) -> ModelInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "model" })
        var name: String?, version: String?, provider: String?, baseModel: String?
        var tuned = false
        let base = s.base
        var first = true
        var next = 0
        fields: while true {
            switch try s.nextField(&first, predicted: next, count: KeyCount.model, modelKey, at: { "model" }) {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 3, at: { "model." + JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                switch field {
                case 0: if let v = s.readShortASCIIString() { name = v } else { name = try s.readString(at: { "model.name" }) }
                case 1: if let v = s.readShortASCIIString() { version = v } else { version = try s.readString(at: { "model.version" }) }
                case 2: if s.consumeNull() { provider = nil } else if let v = s.readShortASCIIString() { provider = v } else { provider = try s.readString(at: { "model.provider" }) }
                case 3: if s.consumeNull() { baseModel = nil } else if let v = s.readShortASCIIString() { baseModel = v } else { baseModel = try s.readString(at: { "model.base" }) }
                default: tuned = s.consumeNull() ? false : try s.readBool(at: { "model.tuned" })
                }
                next = field + 1
            }
        }
        guard let name else { throw missing("model.name") }
        guard let version else { throw missing("model.version") }
        return ModelInfo(name: name, version: version, provider: provider, base: baseModel, tuned: tuned)
    }

    @inline(__always)
    static func templateKey(_ i: Int) -> StaticString {
        i == 0 ? #""id":"# : #""version":"#
    }

    static func readTemplate(_ s: inout JSONScanner) throws(RecordDecodingError) -> TemplateInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "template" })
        var id: String?, version: String?
        let base = s.base
        var first = true
        var next = 0
        fields: while true {
            switch try s.nextField(&first, predicted: next, count: KeyCount.template, templateKey, at: { "template" }) {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 3, at: { "template." + JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                if field == 0 {
                    if let v = s.readShortASCIIString() { id = v } else { id = try s.readString(at: { "template.id" }) }
                } else {
                    if let v = s.readShortASCIIString() { version = v } else { version = try s.readString(at: { "template.version" }) }
                }
                next = field + 1
            }
        }
        guard let id else { throw missing("template.id") }
        guard let version else { throw missing("template.version") }
        return TemplateInfo(id: id, version: version)
    }

    @inline(__always)
    static func releaseKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""dataset":"#
        case 1: #""validator":"#
        default: #""eval_suite":"#
        }
    }

    static func readRelease(_ s: inout JSONScanner) throws(RecordDecodingError) -> ReleaseInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "release" })
        var release = ReleaseInfo()
        let base = s.base
        var first = true
        var next = 0
        fields: while true {
            switch try s.nextField(&first, predicted: next, count: KeyCount.release, releaseKey, at: { "release" }) {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 3, at: { "release." + JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                switch field {
                case 0: if s.consumeNull() { release.dataset = nil } else if let v = s.readShortASCIIString() { release.dataset = v } else { release.dataset = try s.readString(at: { "release.dataset" }) }
                case 1: if s.consumeNull() { release.validator = nil } else if let v = s.readShortASCIIString() { release.validator = v } else { release.validator = try s.readString(at: { "release.validator" }) }
                default: if s.consumeNull() { release.evalSuite = nil } else if let v = s.readShortASCIIString() { release.evalSuite = v } else { release.evalSuite = try s.readString(at: { "release.eval_suite" }) }
                }
                next = field + 1
            }
        }
        return release
    }

    @inline(__always)
    static func retrievalKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""index_version":"#
        case 1: #""top_k":"#
        default: #""evidence":"#
        }
    }

    static func readRetrieval(_ s: inout JSONScanner) throws(RecordDecodingError) -> RetrievalInfo? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "retrieval" })
        var indexVersion: String?
        var topK: Int?
        var evidence: [Evidence] = []
        let base = s.base
        var first = true
        var next = 0
        fields: while true {
            switch try s.nextField(&first, predicted: next, count: KeyCount.retrieval, retrievalKey, at: { "retrieval" }) {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 3, at: { "retrieval." + JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                switch field {
                case 0: if let v = s.readShortASCIIString() { indexVersion = v } else { indexVersion = try s.readString(at: { "retrieval.index_version" }) }
                case 1: if s.consumeNull() { topK = nil } else if let v = s.readPlainNaturalNumber() { topK = Int(v) } else { topK = try s.readInt(at: { "retrieval.top_k" }) }
                default: evidence = try readEvidence(&s)
                }
                next = field + 1
            }
        }
        guard let indexVersion else { throw missing("retrieval.index_version") }
        return RetrievalInfo(indexVersion: indexVersion, topK: topK, evidence: evidence)
    }

    @inline(__always)
    static func evidenceKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""id":"#
        case 1: #""score":"#
        default: #""updated_at":"#
        }
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
            var next = 0
            fields: while true {
                switch try s.nextField(&firstKey, predicted: next, count: KeyCount.evidence, evidenceKey, at: { "retrieval.evidence[\(i)]" }) {
                case .end:
                    break fields
                case .unknown(let key):
                    try s.skipValue(depth: 5, at: {
                        "retrieval.evidence[\(i)]." + JSONScanner.makeString(base: base, span: key)
                    })
                case .known(let field):
                    switch field {
                    case 0: if let v = s.readShortASCIIString() { id = v } else { id = try s.readString(at: { "retrieval.evidence[\(i)].id" }) }
                    case 1: if s.consumeNull() { score = nil } else if let v = s.readPlainDouble() { score = v } else { score = try s.readDouble(at: { "retrieval.evidence[\(i)].score" }) }
                    default: if s.consumeNull() { updatedAt = nil } else if let v = s.readCommonTimestamp() { updatedAt = v } else { updatedAt = try s.readTimestamp(at: { "retrieval.evidence[\(i)].updated_at" }) }
                    }
                    next = field + 1
                }
            }
            guard let id else { throw missing("retrieval.evidence[\(i)].id") }
            // Retrievers usually return a handful to a dozen documents.
            if out.isEmpty { out.reserveCapacity(8) }
            out.append(Evidence(id: id, score: score, updatedAtMicros: updatedAt))
            i += 1
        }
        return out
    }

    @inline(__always)
    static func toolKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""name":"#
        case 1: #""version":"#
        case 2: #""status":"#
        default: #""latency_ms":"#
        }
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
            var next = 0
            fields: while true {
                switch try s.nextField(&firstKey, predicted: next, count: KeyCount.tool, toolKey, at: { "tools[\(i)]" }) {
                case .end:
                    break fields
                case .unknown(let key):
                    try s.skipValue(depth: 4, at: { "tools[\(i)]." + JSONScanner.makeString(base: base, span: key) })
                case .known(let field):
                    switch field {
                    case 0:
                        if let v = s.readShortASCIIString() { name = v } else { name = try s.readString(at: { "tools[\(i)].name" }) }
                    case 1:
                        if s.consumeNull() { version = nil } else if let v = s.readShortASCIIString() { version = v } else { version = try s.readString(at: { "tools[\(i)].version" }) }
                    case 2:
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
                    default:
                        if s.consumeNull() { latency = nil } else if let v = s.readPlainDouble() { latency = v } else { latency = try s.readDouble(at: { "tools[\(i)].latency_ms" }) }
                    }
                    next = field + 1
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

    @inline(__always)
    static func validationKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""check":"#
        case 1: #""passed":"#
        default: #""reason":"#
        }
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
            var next = 0
            fields: while true {
                switch try s.nextField(&firstKey, predicted: next, count: KeyCount.validation, validationKey, at: { "validation[\(i)]" }) {
                case .end:
                    break fields
                case .unknown(let key):
                    try s.skipValue(depth: 4, at: { "validation[\(i)]." + JSONScanner.makeString(base: base, span: key) })
                case .known(let field):
                    switch field {
                    case 0: if let v = s.readShortASCIIString() { check = v } else { check = try s.readString(at: { "validation[\(i)].check" }) }
                    case 1: passed = try s.readBool(at: { "validation[\(i)].passed" })
                    default: if s.consumeNull() { reason = nil } else if let v = s.readShortASCIIString() { reason = v } else { reason = try s.readString(at: { "validation[\(i)].reason" }) }
                    }
                    next = field + 1
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

    @inline(__always)
    static func feedbackKey(_ i: Int) -> StaticString {
        i == 0 ? #""score":"# : #""source":"#
    }

    static func readFeedback(_ s: inout JSONScanner) throws(RecordDecodingError) -> Feedback? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "feedback" })
        var score: Double?
        var source: String?
        let base = s.base
        var first = true
        var next = 0
        fields: while true {
            switch try s.nextField(&first, predicted: next, count: KeyCount.feedback, feedbackKey, at: { "feedback" }) {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 3, at: { "feedback." + JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                if field == 0 {
                    if let v = s.readPlainDouble() { score = v } else { score = try s.readDouble(at: { "feedback.score" }) }
                } else {
                    if s.consumeNull() { source = nil } else if let v = s.readShortASCIIString() { source = v } else { source = try s.readString(at: { "feedback.source" }) }
                }
                next = field + 1
            }
        }
        guard let score else { throw missing("feedback.score") }
        return Feedback(score: score, source: source)
    }

    @inline(__always)
    static func latencyKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""total":"#
        case 1: #""retrieval":"#
        case 2: #""tools":"#
        case 3: #""generation":"#
        default: #""validation":"#
        }
    }

    static func readLatency(_ s: inout JSONScanner) throws(RecordDecodingError) -> StageLatency? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "latency_ms" })
        var total: Double?
        var latency = StageLatency(total: 0)
        let base = s.base
        var first = true
        var next = 0
        fields: while true {
            switch try s.nextField(&first, predicted: next, count: KeyCount.latency, latencyKey, at: { "latency_ms" }) {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 3, at: { "latency_ms." + JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                switch field {
                case 0: if let v = s.readPlainDouble() { total = v } else { total = try s.readDouble(at: { "latency_ms.total" }) }
                case 1: if s.consumeNull() { latency.retrieval = nil } else if let v = s.readPlainDouble() { latency.retrieval = v } else { latency.retrieval = try s.readDouble(at: { "latency_ms.retrieval" }) }
                case 2: if s.consumeNull() { latency.tools = nil } else if let v = s.readPlainDouble() { latency.tools = v } else { latency.tools = try s.readDouble(at: { "latency_ms.tools" }) }
                case 3: if s.consumeNull() { latency.generation = nil } else if let v = s.readPlainDouble() { latency.generation = v } else { latency.generation = try s.readDouble(at: { "latency_ms.generation" }) }
                default: if s.consumeNull() { latency.validation = nil } else if let v = s.readPlainDouble() { latency.validation = v } else { latency.validation = try s.readDouble(at: { "latency_ms.validation" }) }
                }
                next = field + 1
            }
        }
        guard let total else { throw missing("latency_ms.total") }
        latency.total = total
        return latency
    }

    @inline(__always)
    static func tokensKey(_ i: Int) -> StaticString {
        i == 0 ? #""input":"# : #""output":"#
    }

    static func readTokens(_ s: inout JSONScanner) throws(RecordDecodingError) -> TokenUsage? {
        if s.consumeNull() { return nil }
        try s.beginObject(depth: 2, at: { "tokens" })
        var input: Int?, output: Int?
        let base = s.base
        var first = true
        var next = 0
        fields: while true {
            switch try s.nextField(&first, predicted: next, count: KeyCount.tokens, tokensKey, at: { "tokens" }) {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 3, at: { "tokens." + JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                if field == 0 {
                    if let v = s.readPlainNaturalNumber() { input = Int(v) } else { input = try s.readInt(at: { "tokens.input" }) }
                } else {
                    if let v = s.readPlainNaturalNumber() { output = Int(v) } else { output = try s.readInt(at: { "tokens.output" }) }
                }
                next = field + 1
            }
        }
        guard let input else { throw missing("tokens.input") }
        guard let output else { throw missing("tokens.output") }
        return TokenUsage(input: input, output: output)
    }
}
