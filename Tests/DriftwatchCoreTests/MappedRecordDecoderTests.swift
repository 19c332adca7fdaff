@testable import DriftwatchCore
import Foundation
import Testing

@Suite("Field mapping (MappedRecordDecoder)")
struct MappedRecordDecoderTests {
    /// The README's example mapping.
    static let mapping = FieldMapping(
        fields: [
            .init(target: "request_id", source: "id"), .init(target: "timestamp", source: "ts"),
            .init(target: "task", source: "route_name"), .init(target: "model.name", source: "llm.model"),
            .init(target: "model.version", source: "llm.rev"), .init(target: "template.id", source: "prompt.name"),
            .init(target: "template.version", source: "prompt.ver"), .init(target: "retrieval.index_version", source: "ctx.index"),
            .init(target: "retrieval.evidence", source: "ctx.docs"), .init(target: "outcome", source: "status"),
        ],
        elements: ["retrieval.evidence": [.init(target: "id", source: "doc_id"), .init(target: "score", source: "sim")]],
        values: ["outcome": ["ok": "success", "error": "failure"]],
        constants: [.init(target: "service", json: #""support-copilot""#)],
        timestampUnit: .milliseconds)

    static let serviceLine = #"{"id":"r1","ts":1764064800123,"route_name":"refund","llm":{"model":"copilot-ft","rev":"ckpt-7","temperature":0.2},"#
        + #""prompt":{"name":"refund","ver":"v12"},"ctx":{"index":"idx-1","docs":[{"doc_id":"policy#3","sim":0.82},{"doc_id":"faq#1"}]},"#
        + #""status":"error","user_tier":"gold"}"#
    static let v1Line = #"{"request_id":"r1","timestamp":"2025-11-25T10:00:00.123Z","service":"support-copilot","task":"refund","#
        + #""model":{"name":"copilot-ft","version":"ckpt-7"},"template":{"id":"refund","version":"v12"},"#
        + #""retrieval":{"index_version":"idx-1","evidence":[{"id":"policy#3","score":0.82},{"id":"faq#1"}]},"outcome":"failure"}"#

    static func decode(_ line: String, _ mapping: FieldMapping = mapping) throws(RecordDecodingError) -> IngestedRecord {
        let decoder = MappedRecordDecoder(mapping: mapping)
        let bytes = Array(line.utf8)
        let result: Result<[IngestedRecord], RecordDecodingError> = bytes.withUnsafeBytes { buffer in
            do throws(RecordDecodingError) { return .success(try decoder.records(fromLine: buffer)) } catch { return .failure(error) }
        }
        let records = try result.get()
        #expect(records.count == 1)
        return records[0]
    }

    static func failure(_ line: String, _ mapping: FieldMapping = mapping) -> RecordDecodingError? {
        do { _ = try decode(line, mapping); return nil } catch { return error }
    }

    @Test("a service's line decodes to the record of the same data in format v1")
    func sameRecordAsFormatV1() throws {
        let mapped = try Self.decode(Self.serviceLine)
        #expect(mapped.record == (try RecordDecoder().decode(Array(Self.v1Line.utf8))))
    }

    @Test("the stored line is format v1 and keeps the service's fields not copied verbatim")
    func storedLineKeepsUnmappedFields() throws {
        let raw = String(decoding: try Self.decode(Self.serviceLine).raw, as: UTF8.self)
        #expect(raw.hasPrefix(#"{"request_id":"r1","timestamp":"2025-11-25T10:00:00.123Z","task":"refund","#), "\(raw)")
        #expect(raw.contains(#""user_tier":"gold""#))
        #expect(raw.contains(#""llm":{"model":"copilot-ft","rev":"ckpt-7","temperature":0.2}"#))
        #expect(raw.contains(#""status":"error""#))  // changed by values:, so the original is kept
        #expect(!raw.contains(#""route_name""#))  // copied verbatim into task
        #expect(!raw.contains(#""id":"r1""#))
    }

    @Test("a service field named like a mapped record field is kept under _source")
    func clashingFieldKeptAside() throws {
        let mapping = FieldMapping(fields: [.init(target: "request_id", source: "id"), .init(target: "timestamp", source: "time"),
                                            .init(target: "task", source: "kind")])
        let record = try Self.decode(#"{"id":"a","time":0,"kind":"k","task":{"steps":3},"service":"s"}"#, mapping)
        #expect(record.record.task == "k")
        #expect(record.record.service == "s")  // not mapped: format v1 fields pass through
        #expect(String(decoding: record.raw, as: UTF8.self).hasSuffix(#""service":"s","_source":{"task":{"steps":3}}}"#))
    }

    @Test("a missing or mistyped mapped field is named by the service's path and the record's")
    func errorsNameTheServicePath() {
        var line = Self.serviceLine.replacingOccurrences(of: #""id":"r1","#, with: "")
        #expect(Self.failure(line) == RecordDecodingError(code: "missing_field", reason: #"field "id" (request_id): required field is missing"#))
        line = Self.serviceLine.replacingOccurrences(of: #""rev":"ckpt-7","#, with: "")
        #expect(Self.failure(line)?.reason == #"field "llm.rev" (model.version): required field is missing"#)
        line = Self.serviceLine.replacingOccurrences(of: #""sim":0.82"#, with: #""sim":"high""#)
        #expect(Self.failure(line)?.reason.hasPrefix(#"field "ctx.docs[0].sim" (retrieval.evidence[0].score): expected a number"#) == true,
                "\(String(describing: Self.failure(line)))")
        line = Self.serviceLine.replacingOccurrences(of: #""status":"error""#, with: #""status":"boom""#)
        #expect(Self.failure(line)?.code == "invalid_value")
        #expect(Self.failure(line)?.reason.hasPrefix(#"field "status" (outcome): expected one of"#) == true)
        line = Self.serviceLine.replacingOccurrences(of: #""docs":["#, with: #""docs":{"a":1},"x":["#)
        #expect(Self.failure(line)?.reason == #"field "ctx.docs" (retrieval.evidence): expected an array, got an object"#)
        #expect(Self.failure(#"{"id":"r1","ts":1,"#)?.code == "invalid_json")
        #expect(Self.failure("[1]")?.code == "wrong_type")
    }

    @Test("timestamp_unit converts epoch numbers exactly", arguments: [
        (FieldMapping.TimestampUnit.seconds, "1764064800.123456", "2025-11-25T10:00:00.123456Z"),
        (.seconds, "1764064800", "2025-11-25T10:00:00Z"),
        (.seconds, #""1764064800.5""#, "2025-11-25T10:00:00.500Z"),
        (.milliseconds, "1764064800123", "2025-11-25T10:00:00.123Z"),
        (.milliseconds, "1.7640648001235e12", "2025-11-25T10:00:00.123500Z"),
        (.microseconds, "1764064800123456", "2025-11-25T10:00:00.123456Z"),
        (.rfc3339, #""2025-11-25T11:00:00.123+01:00""#, "2025-11-25T10:00:00.123Z"),
    ])
    func timestampUnits(unit: FieldMapping.TimestampUnit, value: String, expected: String) throws {
        let mapping = FieldMapping(fields: [.init(target: "request_id", source: "id"), .init(target: "timestamp", source: "t")],
                                   timestampUnit: unit)
        let record = try Self.decode(#"{"id":"a","t":\#(value)}"#, mapping)
        #expect(record.record.timestampMicros == RFC3339.parse(expected))
    }

    @Test("a timestamp of the wrong kind for its unit is named")
    func timestampErrors() {
        let mapping = FieldMapping(fields: [.init(target: "request_id", source: "id"), .init(target: "timestamp", source: "t")],
                                   timestampUnit: .seconds)
        #expect(Self.failure(#"{"id":"a","t":"yesterday"}"#, mapping)?.reason
                == #"field "t" (timestamp): expected epoch seconds (timestamp_unit: s), got "yesterday""#)
        #expect(Self.failure(#"{"id":"a","t":true}"#, mapping)?.code == "wrong_type")
        #expect(Self.failure(#"{"id":"a","t":1e300}"#, mapping)?.code == "invalid_value")
        var rfc = mapping
        rfc.timestampUnit = .rfc3339
        #expect(Self.failure(#"{"id":"a","t":1764064800}"#, rfc)?.code == "wrong_type")
    }

    @Test("constants, slices and values of numbers")
    func constantsAndSlices() throws {
        let mapping = FieldMapping(
            fields: [.init(target: "request_id", source: "id"), .init(target: "timestamp", source: "ts"),
                     .init(target: "slices.lang", source: "meta.lang"), .init(target: "outcome", source: "code")],
            values: ["outcome": ["200": "success", "500": "failure"]],
            constants: [.init(target: "model.name", json: #""m""#), .init(target: "model.version", json: #""1""#),
                        .init(target: "model.tuned", json: "true"), .init(target: "slices.tier", json: "3")])
        let record = try Self.decode(#"{"id":"a","ts":0,"meta":{"lang":"de"},"code":500}"#, mapping).record
        #expect(record.model == ModelInfo(name: "m", version: "1", tuned: true))
        #expect(record.outcome == .failure)
        #expect(record.slices.count == 2)
    }

    @Test("the mapping's record paths are format v1's: the decoder's top-level fields and the schema's nested ones")
    func pathsMatchTheFormat() throws {
        let tops = Set(RecordFieldPaths.fields.map { String($0.path.prefix { $0 != "." }) })
        #expect(tops == Set(RecordDecoder.topLevelFieldNames))
        let schema = try RecordSchemaTests.schema()
        let properties = try #require(schema["properties"] as? [String: Any])
        func node(_ path: [String], in properties: [String: Any]) -> [String: Any]? {
            guard let first = path.first, let child = properties[first] as? [String: Any] else { return nil }
            if path.count == 1 { return child }
            return (child["properties"] as? [String: Any]).flatMap { node(Array(path.dropFirst()), in: $0) }
        }
        for (path, _) in RecordFieldPaths.fields {
            #expect(node(path.split(separator: ".").map(String.init), in: properties) != nil, "\(path) is not in the schema")
        }
        for (array, fields) in RecordFieldPaths.elementFields {
            let items = try #require(node(array.split(separator: ".").map(String.init), in: properties)?["items"] as? [String: Any])
            let itemProperties = try #require(items["properties"] as? [String: Any], "\(array) items")
            for (field, _) in fields { #expect(itemProperties[field] != nil, "\(array).\(field) is not in the schema") }
            let required = Set(items["required"] as? [String] ?? [])
            #expect(required == Set(RecordFieldPaths.requiredInElements[array] ?? []), "\(array)")
        }
        for (object, fields) in RecordFieldPaths.requiredInObject {
            let required = (node([object], in: properties)?["required"] as? [String] ?? []).map { object + "." + $0 }
            #expect(Set(required) == Set(fields), "\(object)")
        }
    }
}
