import DriftwatchCore
import DriftwatchOTLP
import Testing

/// The fixtures are produced by the official protobuf classes, so these tests check the
/// hand-written decoders against the reference encoder, and the mapping per convention.
@Suite struct FixtureMappingTests {
    @Test func protobufAndJSONDecodeToTheSameSpans() throws {
        let pb = try OTLPProtobufDecoder().decode(try FixtureLoader.bytes("three_conventions.pb"))
        let json = try OTLPJSONDecoder().decode(try FixtureLoader.bytes("three_conventions.json"))
        #expect(pb.spans.count == 12)
        #expect(pb == json)
        let refund = try #require(pb.spans.first { $0.name == "execute_tool refund" })
        #expect(refund.status == OTLPStatus(code: OTLPStatus.error, message: "upstream timeout after 150ms"))
        #expect(HexID.encode(refund.traceID) == "0af7651916cd43dd8448eb211c80319c")
        #expect(HexID.encode(refund.parentSpanID) == "b7ad6b7169203331")
        #expect(refund.kind == 1)
        #expect(refund.scopeName == "fixture")
        #expect(refund.resourceAttributes[key: "service.name"] == .string("support-api"))
        let chat = try #require(pb.spans.first { $0.name == "chat gpt-4o" })
        #expect(chat.events.count == 3)
        #expect(chat.events[0].attributes[key: "gen_ai.evaluation.score.value"] == .double(0.92))
        #expect(chat.attributes[key: "gen_ai.usage.input_tokens"] == .int(812))
        let retrieve = try #require(pb.spans.first { $0.name == "retrieve" })
        guard case .array(let docs)? = retrieve.attributes[key: "gen_ai.retrieval.documents"] else {
            Issue.record("documents should be an array"); return
        }
        #expect(docs.first == .kvlist([OTLPAttribute(key: "id", value: .string("doc-1")), OTLPAttribute(key: "score", value: .double(0.91))]))
    }

    @Test func genAIConventionMapsFieldByField() throws {
        let records = OTLPTraceMapper().records(from: try OTLPProtobufDecoder().decode(try FixtureLoader.bytes("three_conventions.pb")))
        #expect(records.count == 3)
        #expect(records[0] == ExpectedRecords.genAI)
    }

    @Test func openInferenceConventionMapsFieldByField() throws {
        let records = OTLPTraceMapper().records(from: try OTLPProtobufDecoder().decode(try FixtureLoader.bytes("three_conventions.pb")))
        #expect(records[1] == ExpectedRecords.openInference)
    }

    @Test func openLLMetryConventionMapsFieldByField() throws {
        let records = OTLPTraceMapper().records(from: try OTLPProtobufDecoder().decode(try FixtureLoader.bytes("three_conventions.pb")))
        #expect(records[2] == ExpectedRecords.traceloop)
    }

    @Test func collectorFileLinesMapToTheSameRecords() throws {
        let file = try FixtureLoader.bytes("collector_file.jsonl")
        let lines = file.split(separator: UInt8(ascii: "\n")).map(Array.init)
        #expect(lines.count == 3)
        let decoder = OTLPJSONLineDecoder()
        let records = try lines.flatMap { try decoder.decode($0) }
        #expect(records == ExpectedRecords.all)
        let ingested = try decoder.decodeIngested(lines[0])
        #expect(ingested.count == 1)
        #expect(ingested[0].raw == RecordEncoder().encode(ExpectedRecords.genAI))
        // The stored raw line decodes back to the same record, so columns and raw agree.
        for record in ExpectedRecords.all {
            #expect(try RecordDecoder().decode(RecordEncoder().encode(record)) == record)
        }
        #expect(String(decoding: ingested[0].raw, as: UTF8.self).hasPrefix("{\"request_id\":\"0af7651916cd43dd8448eb211c80319c\""))
    }

    @Test func badCollectorLineIsAClearError() {
        #expect(throws: OTLPDecodingError.self) { try OTLPJSONLineDecoder().decode(Array("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}".utf8)) }
        do {
            _ = try OTLPJSONLineDecoder().decode(Array("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}".utf8))
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.message.contains("resourceSpans[0].scopeSpans[0].spans[0].traceId"))
        }
    }
}
