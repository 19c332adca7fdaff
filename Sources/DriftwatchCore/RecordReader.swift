/// Reads the fields of format v1 from a ``JSONScanner``; the schema-specific half of ``RecordDecoder``.
enum RecordReader {
    /// The top-level fields the decoder understands, in format-table order. The shipped JSON Schema
    /// lists the same names (checked by a test).
    static let topLevelFieldNames: [String] = [
        "request_id", "timestamp", "service", "task", "route", "model", "template", "release", "retrieval",
        "tools_expected", "tools", "validation", "outcome", "feedback", "latency_ms", "tokens", "cost_usd",
        "retries", "slices",
    ]

    static func read(_ s: inout JSONScanner) throws(RecordDecodingError) -> RequestRecord {
        s.skipWhitespace()
        guard s.pos < s.count else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidJSON, reason: "blank line")
        }
        if s.base[s.pos] != UInt8(ascii: "{"), s.valueKind() != nil {
            throw s.error(DecodingErrorCode.wrongType, { "" }, "expected a JSON object at the top level, got \(s.valueKind()!)")
        }
        try s.beginObject(depth: 1, at: { "" })

        var requestID: String?
        var timestamp: Int64?
        var service: String?
        var task: String?
        var route: String?
        var model: ModelInfo?
        var template: TemplateInfo?
        var release: ReleaseInfo?
        var retrieval: RetrievalInfo?
        var toolsExpected: [String] = []
        var tools: [ToolCall] = []
        var validation: [ValidationCheck] = []
        var outcome: Outcome?
        var feedback: Feedback?
        var latency: StageLatency?
        var tokens: TokenUsage?
        var costUSD: Double?
        var retries: Int?
        var slices: [Slice] = []

        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "request_id") {
                requestID = try s.readString(at: { "request_id" })
            } else if bytesEqual(k, "timestamp") {
                timestamp = try s.readTimestamp(at: { "timestamp" })
            } else if bytesEqual(k, "service") {
                service = try s.readOptionalString(at: { "service" })
            } else if bytesEqual(k, "task") {
                task = try s.readOptionalString(at: { "task" })
            } else if bytesEqual(k, "route") {
                route = try s.readOptionalString(at: { "route" })
            } else if bytesEqual(k, "model") {
                model = try readModel(&s)
            } else if bytesEqual(k, "template") {
                template = try readTemplate(&s)
            } else if bytesEqual(k, "release") {
                release = try readRelease(&s)
            } else if bytesEqual(k, "retrieval") {
                retrieval = try readRetrieval(&s)
            } else if bytesEqual(k, "tools_expected") {
                toolsExpected = try readStringArray(&s, name: "tools_expected")
            } else if bytesEqual(k, "tools") {
                tools = try readTools(&s)
            } else if bytesEqual(k, "validation") {
                validation = try readValidation(&s)
            } else if bytesEqual(k, "outcome") {
                outcome = try readOutcome(&s)
            } else if bytesEqual(k, "feedback") {
                feedback = try readFeedback(&s)
            } else if bytesEqual(k, "latency_ms") {
                latency = try readLatency(&s)
            } else if bytesEqual(k, "tokens") {
                tokens = try readTokens(&s)
            } else if bytesEqual(k, "cost_usd") {
                costUSD = try s.readOptionalDouble(at: { "cost_usd" })
            } else if bytesEqual(k, "retries") {
                retries = try s.readOptionalInt(at: { "retries" })
            } else if bytesEqual(k, "slices") {
                slices = try readSlices(&s)
            } else {
                try s.skipValue(depth: 2, at: { JSONScanner.makeString(base: base, span: key) })
            }
        }
        try s.expectEnd()

        guard let requestID else { throw missing("request_id") }
        guard !requestID.isEmpty else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidValue, reason: "field \"request_id\": must not be empty")
        }
        guard let timestamp else { throw missing("timestamp") }
        return RequestRecord(
            requestID: requestID, timestampMicros: timestamp, service: service, task: task, route: route,
            model: model, template: template, release: release, retrieval: retrieval,
            toolsExpected: toolsExpected, tools: tools, validation: validation, outcome: outcome,
            feedback: feedback, latency: latency, tokens: tokens, costUSD: costUSD, retries: retries, slices: slices
        )
    }

    static func missing(_ path: String) -> RecordDecodingError {
        RecordDecodingError(code: DecodingErrorCode.missingField, reason: "field \"\(path)\": required field is missing")
    }

    static func readOutcome(_ s: inout JSONScanner) throws(RecordDecodingError) -> Outcome? {
        if s.consumeNull() { return nil }
        let span = try s.readStringSpan(at: { "outcome" })
        let v = s.bytes(of: span)
        if bytesEqual(v, "success") { return .success }
        if bytesEqual(v, "failure") { return .failure }
        if bytesEqual(v, "abstained") { return .abstained }
        if bytesEqual(v, "escalated") { return .escalated }
        throw s.invalidEnum({ "outcome" }, expected: "one of success, failure, abstained, escalated", span)
    }

    /// `[string]`; `null` reads as empty.
    static func readStringArray(_ s: inout JSONScanner, name: StaticString) throws(RecordDecodingError) -> [String] {
        if s.consumeNull() { return [] }
        try s.beginArray(depth: 2, at: { "\(name)" })
        var out: [String] = []
        var first = true
        var i = 0
        while try s.nextElement(&first, at: { "\(name)" }) {
            out.append(try s.readString(at: { "\(name)[\(i)]" }))
            i += 1
        }
        return out
    }
}
