import DriftwatchCore
import Testing

/// One bad line and the exact error it must produce.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var bytes: [UInt8]
    var code: String
    var reason: String

    init(_ line: String, _ code: String, _ reason: String) {
        self.init(bytes: Array(line.utf8), code, reason)
    }

    init(bytes: [UInt8], _ code: String, _ reason: String) {
        self.bytes = bytes
        self.code = code
        self.reason = reason
    }

    var testDescription: String { "\(code): \(reason)" }
}

@Suite("RecordDecoder errors")
struct RecordDecoderErrorTests {
    static let ok = #""request_id":"a","timestamp":0"#

    static let cases: [ErrorCase] = [
        // missing_field
        ErrorCase(#"{"timestamp":0}"#, "missing_field", #"field "request_id": required field is missing"#),
        ErrorCase(#"{"request_id":"a"}"#, "missing_field", #"field "timestamp": required field is missing"#),
        ErrorCase("{\(ok),\"model\":{\"name\":\"m\"}}", "missing_field", #"field "model.version": required field is missing"#),
        ErrorCase("{\(ok),\"tools\":[{\"name\":\"t\",\"status\":\"ok\"},{\"name\":\"u\"}]}", "missing_field",
                  #"field "tools[1].status": required field is missing"#),
        ErrorCase("{\(ok),\"retrieval\":{\"index_version\":\"i\",\"evidence\":[{\"id\":\"e\"},{\"score\":1}]}}", "missing_field",
                  #"field "retrieval.evidence[1].id": required field is missing"#),
        ErrorCase("{\(ok),\"feedback\":{\"source\":\"user\"}}", "missing_field", #"field "feedback.score": required field is missing"#),
        // wrong_type
        ErrorCase(#"{"request_id":5,"timestamp":0}"#, "wrong_type", #"field "request_id": expected a string, got a number"#),
        ErrorCase(#"[{"request_id":"a"}]"#, "wrong_type", "expected a JSON object at the top level, got an array"),
        ErrorCase(#""just a string""#, "wrong_type", "expected a JSON object at the top level, got a string"),
        ErrorCase("{\(ok),\"validation\":[{\"check\":\"c\",\"passed\":\"yes\"}]}", "wrong_type",
                  #"field "validation[0].passed": expected a boolean, got a string"#),
        ErrorCase("{\(ok),\"tokens\":{\"input\":1.5,\"output\":1}}", "wrong_type", #"field "tokens.input": expected an integer, got 1.5"#),
        ErrorCase("{\(ok),\"tools_expected\":[\"a\",null]}", "wrong_type", #"field "tools_expected[1]": expected a string, got null"#),
        ErrorCase("{\(ok),\"slices\":{\"lang\":[\"en\"]}}", "wrong_type", #"field "slices.lang": expected a string, number or boolean, got an array"#),
        ErrorCase("{\(ok),\"model\":\"gpt\"}", "wrong_type", #"field "model": expected an object, got a string"#),
        ErrorCase(#"{"request_id":"a","timestamp":true}"#, "wrong_type",
                  #"field "timestamp": expected an RFC 3339 string or epoch milliseconds, got a boolean"#),
        ErrorCase(#"{"request_id":"a","timestamp":1.5}"#, "wrong_type", #"field "timestamp": expected integer epoch milliseconds, got 1.5"#),
        // invalid_value
        ErrorCase("{\(ok),\"tools\":[{\"name\":\"a\",\"status\":\"ok\"},{\"name\":\"b\",\"status\":\"error\"},{\"name\":\"c\",\"status\":\"boom\"}]}",
                  "invalid_value", #"field "tools[2].status": expected one of ok, error, timeout, got "boom""#),
        ErrorCase("{\(ok),\"outcome\":\"won\"}", "invalid_value",
                  #"field "outcome": expected one of success, failure, abstained, escalated, got "won""#),
        ErrorCase("{\(ok),\"retries\":-1}", "invalid_value", #"field "retries": expected an integer >= 0, got -1"#),
        ErrorCase("{\(ok),\"retries\":9223372036854775808}", "invalid_value", #"field "retries": integer out of range, got 9223372036854775808"#),
        ErrorCase("{\(ok),\"retrieval\":{\"index_version\":\"i\",\"top_k\":1e20}}", "invalid_value",
                  #"field "retrieval.top_k": integer out of range, got 1e20"#),
        ErrorCase("{\(ok),\"cost_usd\":-1e400}", "invalid_value", #"field "cost_usd": number out of range, got -1e400"#),
        ErrorCase(#"{"request_id":"a","timestamp":"2023-02-29T00:00:00Z"}"#, "invalid_value",
                  #"field "timestamp": expected an RFC 3339 timestamp, got "2023-02-29T00:00:00Z""#),
        ErrorCase(#"{"request_id":"a","timestamp":9223372036854775807}"#, "invalid_value",
                  #"field "timestamp": epoch milliseconds out of range, got 9223372036854775807"#),
        ErrorCase(#"{"request_id":"","timestamp":0}"#, "invalid_value", #"field "request_id": must not be empty"#),
        // invalid_json
        ErrorCase("", "invalid_json", "empty line"),
        ErrorCase(" \r", "invalid_json", "blank line"),
        ErrorCase(#"{"request_id":"a",}"#, "invalid_json", "expected a quoted key, got '}' at byte 18"),
        ErrorCase(#"{"request_id":"a","timestamp":0} x"#, "invalid_json", "unexpected 'x' at byte 33 after the end of the object"),
        ErrorCase(#"{"request_id":"a","timestamp":0}{}"#, "invalid_json", "unexpected '{' at byte 32 after the end of the object"),
        ErrorCase("{\"request_id\":\"a\tb\",\"timestamp\":0}", "invalid_json",
                  #"field "request_id": unescaped control character 0x9 in string at byte 16"#),
        ErrorCase(#"{"request_id":"a"#, "invalid_json", #"field "request_id": unterminated string starting at byte 14"#),
        ErrorCase(#"{"request_id":"\x","timestamp":0}"#, "invalid_json", #"field "request_id": invalid escape \'x' at byte 16"#),
        ErrorCase(#"{"request_id":"\ud800x","timestamp":0}"#, "invalid_json",
                  #"field "request_id": unpaired UTF-16 surrogate in \u escape at byte 15"#),
        ErrorCase(#"{"request_id":"\udc00","timestamp":0}"#, "invalid_json",
                  #"field "request_id": unpaired UTF-16 surrogate in \u escape at byte 15"#),
        ErrorCase("{\(ok),\"cost_usd\":01}", "invalid_json", "expected ',' or '}', got '1' at byte 44"),
        ErrorCase("{\(ok),\"cost_usd\":1.}", "invalid_json", #"field "cost_usd": malformed number at byte 43, '}' at byte 45 is not allowed here"#),
        ErrorCase("{\(ok),\"x\":tru}", "invalid_json", #"field "x": expected true, got 't' at byte 36"#),
        // A record-level problem earlier in a line that is also broken JSON: the JSON problem wins.
        ErrorCase(#"{"request_id":5,"timestamp":0,"#, "invalid_json", "expected a key, got end of line"),
        // invalid_utf8
        ErrorCase(bytes: Array(#"{"request_id":""#.utf8) + [0xC0, 0xAF] + Array(#"","timestamp":0}"#.utf8), "invalid_utf8",
                  #"field "request_id": invalid UTF-8 in string at byte 15"#),
        ErrorCase(bytes: Array(#"{"x":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#"","request_id":"a","timestamp":0}"#.utf8), "invalid_utf8",
                  #"field "x": invalid UTF-8 in string at byte 6"#),
        ErrorCase(bytes: Array(#"{"request_id":"a","timestamp":0,"#.utf8) + [0x22, 0xFF, 0x22] + Array(#":1}"#.utf8), "invalid_utf8",
                  "invalid UTF-8 in string at byte 33"),
        ErrorCase(bytes: Array(#"{"request_id":"ab"#.utf8) + [0xF0, 0x9F, 0x98], "invalid_utf8",
                  #"field "request_id": invalid UTF-8 in string at byte 17"#),
        // too_deep
        ErrorCase(#"{"x":"# + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "," + ok + "}", "too_deep",
                  #"field "x": nesting deeper than 64 levels at byte 68"#),
    ]

    @Test("each bad line fails with the expected code and reason", arguments: cases)
    func errorCase(_ c: ErrorCase) {
        #expect(throws: RecordDecodingError(code: c.code, reason: c.reason)) {
            try RecordDecoder().decode(c.bytes)
        }
    }

    @Test("a lower depth limit applies; the limit is clamped so at least the line's object fits")
    func depthLimit() throws {
        let line = Array(#"{"request_id":"a","timestamp":0,"x":[[1]]}"#.utf8)
        _ = try RecordDecoder(maxDepth: 3).decode(line)
        #expect(throws: RecordDecodingError(code: "too_deep", reason: #"field "x": nesting deeper than 2 levels at byte 37"#)) {
            try RecordDecoder(maxDepth: 2).decode(line)
        }
        _ = try RecordDecoder(maxDepth: 0).decode(Array(#"{"request_id":"a","timestamp":0}"#.utf8))
    }

    @Test("very deep nesting is refused without recursion trouble, even with the largest limit")
    func hostileDepth() {
        let line = Array((#"{"request_id":"a","timestamp":0,"x":"# + String(repeating: "[", count: 200_000)).utf8)
        for limit in [64, 10_000] {
            #expect(throws: RecordDecodingError.self) { try RecordDecoder(maxDepth: limit).decode(line) }
        }
    }

    @Test("a huge value in an error message is shortened")
    func longValueShortened() throws {
        let long = String(repeating: "z", count: 10_000)
        let error = #expect(throws: RecordDecodingError.self) {
            try RecordDecoder().decode(Array("{\(Self.ok),\"outcome\":\"\(long)\"}".utf8))
        }
        #expect(error?.code == "invalid_value")
        #expect((error?.reason.count ?? .max) < 200)
    }
}
