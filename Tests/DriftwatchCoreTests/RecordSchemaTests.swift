import DriftwatchCore
import Foundation
import Testing

@Suite("request-record.v1.schema.json")
struct RecordSchemaTests {
    static let schemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schema/request-record.v1.schema.json")

    static func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: schemaURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the schema is JSON Schema 2020-12 and lists exactly the decoder's top-level fields")
    func sameFields() throws {
        let schema = try Self.schema()
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["additionalProperties"] as? Bool == true)
        #expect(Set(schema["required"] as? [String] ?? []) == ["request_id", "timestamp"])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(RecordDecoder.topLevelFieldNames))
        #expect(properties.count == RecordDecoder.topLevelFieldNames.count)
    }

    @Test("every field the schema names is one the decoder reads; other names are skipped", arguments: (try? schemaFieldNames()) ?? [])
    func decoderReadsField(name: String) throws {
        // `[[]]` is the wrong type for every field of format v1, so the decoder complains iff it reads the field.
        let line = #"{"request_id":"a","timestamp":0,"# + "\"\(name)\":[[]]}"
        let error = #expect(throws: RecordDecodingError.self) { try RecordDecoder().decode(Array(line.utf8)) }
        #expect(error?.reason.hasPrefix("field \"\(name)") == true, "\(String(describing: error))")
        let unknown = #"{"request_id":"a","timestamp":0,"# + "\"\(name)_extra\":[[]]}"
        _ = try RecordDecoder().decode(Array(unknown.utf8))
    }

    static func schemaFieldNames() throws -> [String] {
        let properties = try schema()["properties"] as? [String: Any] ?? [:]
        return properties.keys.sorted()
    }
}
