/// Reads the fields of format v1 from a ``JSONScanner``; the schema-specific half of ``RecordDecoder``.
enum RecordReader {
    /// The top-level fields the decoder understands, in format-table order (from ``RecordFormat``).
    static let topLevelFieldNames: [String] = RecordFormat.keys(in: "")

    /// How many keys each hand-written key function below (and in `RecordReader+Parts`) has. The
    /// functions return `StaticString`s for word compares on the hot path, so they are spelled out rather
    /// than derived; `RecordFormatTests` checks every function and count against ``RecordFormat``.
    enum KeyCount {
        static let record = 19
        static let model = 5
        static let template = 2
        static let release = 3
        static let retrieval = 3
        static let evidence = 3
        static let tool = 4
        static let validation = 3
        static let feedback = 2
        static let latency = 5
        static let tokens = 2
    }

    /// The key functions by the ``RecordFormat`` parent path of the object they read, for the test.
    static var keyFunctions: [String: (count: Int, key: (Int) -> StaticString)] { [
        "": (KeyCount.record, topLevelKey), "model": (KeyCount.model, modelKey), "template": (KeyCount.template, templateKey),
        "release": (KeyCount.release, releaseKey), "retrieval": (KeyCount.retrieval, retrievalKey),
        "retrieval.evidence[]": (KeyCount.evidence, evidenceKey), "tools[]": (KeyCount.tool, toolKey),
        "validation[]": (KeyCount.validation, validationKey), "feedback": (KeyCount.feedback, feedbackKey),
        "latency_ms": (KeyCount.latency, latencyKey), "tokens": (KeyCount.tokens, tokensKey),
    ] }

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
        var next = 0
        fields: while true {
            // The predicted key is tried here too: this function is too large for the optimizer to
            // inline `topLevelKey` through `nextField`, and a call per key is measurable.
            let field = next < KeyCount.record && s.consumeKey(topLevelKey(next), &first)
                ? FieldKey.known(next) : try s.nextField(&first, predicted: next, count: KeyCount.record, topLevelKey, at: { "" })
            switch field {
            case .end:
                break fields
            case .unknown(let key):
                try s.skipValue(depth: 2, at: { JSONScanner.makeString(base: base, span: key) })
            case .known(let field):
                switch field {
                case 0:
                    if let v = s.readShortASCIIString() { record.requestID = v } else { record.requestID = try s.readString(at: { "request_id" }) }
                    haveRequestID = true
                case 1:
                    if let v = s.readCommonTimestamp() { record.timestampMicros = v } else { record.timestampMicros = try s.readTimestamp(at: { "timestamp" }) }
                    haveTimestamp = true
                case 2: if s.consumeNull() { record.service = nil } else if let v = s.readShortASCIIString() { record.service = v } else { record.service = try s.readString(at: { "service" }) }
                case 3: if s.consumeNull() { record.task = nil } else if let v = s.readShortASCIIString() { record.task = v } else { record.task = try s.readString(at: { "task" }) }
                case 4: if s.consumeNull() { record.route = nil } else if let v = s.readShortASCIIString() { record.route = v } else { record.route = try s.readString(at: { "route" }) }
                case 5: record.model = try readModel(&s)
                case 6: record.template = try readTemplate(&s)
                case 7: record.release = try readRelease(&s)
                case 8: record.retrieval = try readRetrieval(&s)
                case 9: record.toolsExpected = try readStringArray(&s, name: "tools_expected")
                case 10: record.tools = try readTools(&s)
                case 11: record.validation = try readValidation(&s)
                case 12: record.outcome = try readOutcome(&s)
                case 13: record.feedback = try readFeedback(&s)
                case 14: record.latency = try readLatency(&s)
                case 15: record.tokens = try readTokens(&s)
                case 16: if s.consumeNull() { record.costUSD = nil } else if let v = s.readPlainDouble() { record.costUSD = v } else { record.costUSD = try s.readDouble(at: { "cost_usd" }) }
                case 17: if s.consumeNull() { record.retries = nil } else if let v = s.readPlainNaturalNumber() { record.retries = Int(v) } else { record.retries = try s.readInt(at: { "retries" }) }
                default: record.slices = try readSlices(&s)
                }
                next = field + 1
            }
        }
        try s.expectEnd()

        guard haveRequestID else { throw missing("request_id") }
        guard !record.requestID.isEmpty else {
            throw RecordDecodingError(code: DecodingErrorCode.invalidValue, reason: "field \"request_id\": must not be empty")
        }
        guard haveTimestamp else { throw missing("timestamp") }
    }

    /// The top-level keys in format order (``topLevelFieldNames``), as ``JSONScanner/nextField(_:predicted:count:_:at:)`` wants them.
    @inline(__always)
    static func topLevelKey(_ i: Int) -> StaticString {
        switch i {
        case 0: #""request_id":"#
        case 1: #""timestamp":"#
        case 2: #""service":"#
        case 3: #""task":"#
        case 4: #""route":"#
        case 5: #""model":"#
        case 6: #""template":"#
        case 7: #""release":"#
        case 8: #""retrieval":"#
        case 9: #""tools_expected":"#
        case 10: #""tools":"#
        case 11: #""validation":"#
        case 12: #""outcome":"#
        case 13: #""feedback":"#
        case 14: #""latency_ms":"#
        case 15: #""tokens":"#
        case 16: #""cost_usd":"#
        case 17: #""retries":"#
        default: #""slices":"#
        }
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
            if let v = s.readShortASCIIString() {
                out.append(v)
            } else {
                out.append(try s.readString(at: { "\(name)[\(i)]" }))
            }
            i += 1
        }
        return out
    }
}
