import DriftwatchCore
import DriftwatchOTLP
import Foundation
import Testing

/// OTLP logs in both wire formats (fixtures written by Fixtures/make_log_fixtures.py with the official
/// protobuf classes) decode to the same records, and bad payloads fail with a message naming the place.
@Suite struct LogDecodingTests {
    @Test func protobufAndJSONDecodeToTheSameRecords() throws {
        let pb = try OTLPProtobufDecoder().decodeLogs(FixtureLoader.bytes("genai_events.pb"))
        let json = try OTLPJSONDecoder().decodeLogs(FixtureLoader.bytes("genai_events.json"))
        #expect(pb == json)
        let r = pb.logRecords
        try #require(r.count == 6)
        #expect(HexID.encode(r[0].traceID) == "0af7651916cd43dd8448eb211c80319c")
        #expect(HexID.encode(r[0].spanID) == "00f067aa0ba902b7")
        #expect(r[0].eventName == "gen_ai.evaluation.result" && r[0].genAIEvent == .evaluation)
        #expect(r[0].timeUnixNano == 1_767_225_600_900_000_000 && r[0].observedTimeUnixNano == 1_767_225_600_900_000_001)
        #expect(r[0].severityNumber == 9)
        #expect(r[0].attributes[key: "gen_ai.evaluation.score.value"] == .double(0.31))
        #expect(r[0].resourceAttributes[key: "service.name"] == .string("support-api"))
        #expect(r[0].scopeName == "genai-evals")
        #expect(r[1].genAIEvent == .guardrail)
        // The pre-1.5 place of the name: an `event.name` attribute.
        #expect(r[2].eventName.isEmpty && r[2].effectiveEventName == "gen_ai.client.inference.operation.details")
        #expect(r[2].genAIEvent == .inferenceDetails)
        #expect(r[2].attributes[key: "gen_ai.usage.input_tokens"] == .int(120))
        // Fields in a key-value body count as the event's attributes.
        #expect(r[3].attributes.isEmpty && r[3].eventAttributes[key: "gen_ai.evaluation.name"] == .string("user_feedback"))
        #expect(!r[4].hasTraceID && r[4].genAIEvent == .evaluation)
        #expect(r[5].genAIEvent == nil && r[5].body == .string("request served"))
    }

    @Test func truncatedProtobufFailsNamingTheMessage() throws {
        let bytes = try FixtureLoader.bytes("genai_events.pb")
        for cut in [bytes.count - 1, bytes.count / 2, 7] {
            #expect(throws: OTLPDecodingError.self) { try OTLPProtobufDecoder().decodeLogs(Array(bytes.prefix(cut))) }
        }
        // A varint where log_records must be length-delimited.
        let wrong: [UInt8] = [0x0A, 0x04, 0x12, 0x02, 0x10, 0x01]
        do {
            _ = try OTLPProtobufDecoder().decodeLogs(wrong)
            Issue.record("decoded a log_records field of the wrong wire type")
        } catch {
            #expect(error.code == .wrongType)
            #expect(error.message.contains("log_records"))
        }
    }

    @Test(arguments: [
        (#"[1]"#, "ExportLogsServiceRequest"),
        (#"{"resourceLogs":{}}"#, "resourceLogs"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]}"#, "resourceLogs[0].scopeLogs[0].logRecords[0].traceId"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"eventName":7}]}]}]}"#, "resourceLogs[0].scopeLogs[0].logRecords[0].eventName"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"LOUD"}]}]}]}"#, "resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":{"intValue":"x"}}]}]}]}]}"#, "logRecords[0].attributes[0].value.intValue"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"-1"}]}]}]}"#, "logRecords[0].timeUnixNano"),
        (#"{"resourceLogs": [}"#, "invalid JSON"),
    ])
    func malformedJSONFailsNamingThePath(body: String, path: String) {
        do {
            _ = try OTLPJSONDecoder().decodeLogs(Array(body.utf8))
            Issue.record("decoded \(body)")
        } catch {
            #expect(error.message.contains(path), "\(error.message)")
        }
    }

    @Test func severityNamesAreAcceptedInJSON() throws {
        let body = #"{"resource_logs":[{"scope_logs":[{"log_records":[{"severity_number":"SEVERITY_NUMBER_WARN2","event_name":"gen_ai.guardrail.result","trace_id":"0af7651916cd43dd8448eb211c80319c"}]}]}]}"#
        let r = try OTLPJSONDecoder().decodeLogs(Array(body.utf8)).logRecords
        #expect(r.count == 1 && r[0].severityNumber == 14 && r[0].genAIEvent == .guardrail && r[0].hasTraceID)
    }

    @Test func deadLetterJSONIsValidAndNamesTheEvent() throws {
        let r = try OTLPProtobufDecoder().decodeLogs(FixtureLoader.bytes("genai_events.pb")).logRecords[1]
        let text = String(decoding: r.canonicalJSON(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7","time_unix_nano":"1767225600950000000","event_name":"gen_ai.guardrail.result","attributes":{"gen_ai.guardrail.policy.id":"pii-v2""#))
        let parsed = try JSONSerialization.jsonObject(with: Data(r.canonicalJSON())) as? [String: Any]
        #expect((parsed?["attributes"] as? [String: Any])?["gen_ai.guardrail.result.value"] as? String == "GUARDRAIL_INTERVENED")
    }
}
