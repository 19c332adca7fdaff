/// Reads the fields of format v1 from a ``JSONScanner``; the schema-specific half of ``RecordDecoder``.
enum RecordReader {
    /// The top-level fields the decoder understands, in format-table order. The shipped JSON Schema
    /// lists the same names (checked by a test).
    static let topLevelFieldNames: [String] = [
        "request_id", "timestamp", "service", "task", "route", "model", "template", "release", "retrieval",
        "tools_expected", "tools", "validation", "outcome", "feedback", "latency_ms", "tokens", "cost_usd",
        "retries", "slices",
    ]

    /// Reads one line into `record`, which the caller creates empty. Fields go straight into it (the
    /// last duplicate wins), so no locals have to be copied into a record and released at the end.
    static func read(_ s: inout JSONScanner, into record: inout RequestRecord) throws(RecordDecodingError) {
        s.skipWhitespace()
        guard s.pos < s.count else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidJSON, reason: "blank line")
        }
        if s.base[s.pos] != UInt8(ascii: "{"), s.valueKind() != nil {
            throw s.error(DecodingErrorCode.wrongType, { "" }, "expected a JSON object at the top level, got \(s.valueKind()!)")
        }
        try s.beginObject(depth: 1, at: { "" })

        var haveRequestID = false
        var haveTimestamp = false

        let base = s.base
        var first = true
        while let key = try s.nextKey(&first, at: { "" }) {
            let k = s.bytes(of: key)
            if bytesEqual(k, "request_id") {
                record.requestID = try s.readString(at: { "request_id" })
                haveRequestID = true
            } else if bytesEqual(k, "timestamp") {
                record.timestampMicros = try s.readTimestamp(at: { "timestamp" })
                haveTimestamp = true
            } else if bytesEqual(k, "service") {
                record.service = try s.readOptionalString(at: { "service" })
            } else if bytesEqual(k, "task") {
                record.task = try s.readOptionalString(at: { "task" })
            } else if bytesEqual(k, "route") {
                record.route = try s.readOptionalString(at: { "route" })
            } else if bytesEqual(k, "model") {
                record.model = try readModel(&s)
            } else if bytesEqual(k, "template") {
                record.template = try readTemplate(&s)
            } else if bytesEqual(k, "release") {
                record.release = try readRelease(&s)
            } else if bytesEqual(k, "retrieval") {
                record.retrieval = try readRetrieval(&s)
            } else if bytesEqual(k, "tools_expected") {
                record.toolsExpected = try readStringArray(&s, name: "tools_expected")
            } else if bytesEqual(k, "tools") {
                record.tools = try readTools(&s)
            } else if bytesEqual(k, "validation") {
                record.validation = try readValidation(&s)
            } else if bytesEqual(k, "outcome") {
                record.outcome = try readOutcome(&s)
            } else if bytesEqual(k, "feedback") {
                record.feedback = try readFeedback(&s)
            } else if bytesEqual(k, "latency_ms") {
                record.latency = try readLatency(&s)
            } else if bytesEqual(k, "tokens") {
                record.tokens = try readTokens(&s)
            } else if bytesEqual(k, "cost_usd") {
                record.costUSD = try s.readOptionalDouble(at: { "cost_usd" })
            } else if bytesEqual(k, "retries") {
                record.retries = try s.readOptionalInt(at: { "retries" })
            } else if bytesEqual(k, "slices") {
                record.slices = try readSlices(&s)
            } else {
                try s.skipValue(depth: 2, at: { JSONScanner.makeString(base: base, span: key) })
            }
        }
        try s.expectEnd()

        guard haveRequestID else { throw missing("request_id") }
        guard !record.requestID.isEmpty else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidValue, reason: "field \"request_id\": must not be empty")
        }
        guard haveTimestamp else { throw missing("timestamp") }
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
