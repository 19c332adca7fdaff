import DriftwatchCore
import Testing

@Suite("RecordDecoder round trips")
struct RecordDecoderRoundTripTests {
    let encoder = RecordEncoder()
    let decoder = RecordDecoder()

    @Test("random records with awkward strings and numbers decode to what was encoded", arguments: [1, 2, 3, 4] as [UInt64])
    func randomRecords(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<1500 {
            let record = RecordFixtures.randomRecord(&g)
            let line = encoder.encode(record)
            let decoded = try decoder.decode(line)
            #expect(decoded == record, "line: \(String(decoding: line, as: UTF8.self))")
            // Bit-exact doubles, not just ==, so -0.0 versus 0.0 or a last-digit error would show.
            #expect(decoded.costUSD?.bitPattern == record.costUSD.map { $0 == 0 ? 0 : $0 }?.bitPattern)
        }
    }

    @Test("realistic records round trip")
    func realisticRecords() throws {
        var g = SeededGenerator(seed: 99)
        for i in 0..<2000 {
            let record = RecordFixtures.realisticRecord(&g, index: i)
            #expect(try decoder.decode(encoder.encode(record)) == record)
        }
    }

    @Test("whitespace around and inside the object, and a trailing CR, are accepted")
    func whitespace() throws {
        let line = " \t{ \"request_id\" : \"a\" ,\n\"timestamp\":\t1700000000123 , \"tools\" : [ ] , \"slices\" : { } }  \r"
        let r = try decoder.decode(Array(line.utf8))
        #expect(r.requestID == "a")
        #expect(r.timestampMicros == 1_700_000_000_123_000)
        #expect(r.tools.isEmpty && r.slices.isEmpty)
    }

    @Test("unknown fields at every level are skipped")
    func unknownFields() throws {
        let line = #"""
        {"x":{"deep":[1,2,{"a":null}]},"request_id":"r","timestamp":"2024-01-01T00:00:00Z",
         "model":{"name":"m","version":"1","extra":[true,false],"tuned":true},
         "retrieval":{"index_version":"i","evidence":[{"id":"e","w":-1.5e-3,"score":0.5}],"more":"x"},
         "tools":[{"name":"t","status":"ok","args":{"k":"v"}}],"z":-0.0}
        """#
        let r = try decoder.decode(Array(line.utf8))
        #expect(r.model == ModelInfo(name: "m", version: "1", tuned: true))
        #expect(r.retrieval == RetrievalInfo(indexVersion: "i", evidence: [Evidence(id: "e", score: 0.5)]))
        #expect(r.tools == [ToolCall(name: "t", status: .ok)])
    }

    @Test("duplicate keys: the last one wins, in objects and in slices")
    func duplicateKeys() throws {
        let line = #"{"request_id":"a","request_id":"b","timestamp":0,"outcome":"failure","outcome":"success","#
            + #""model":{"name":"x","version":"1"},"model":{"name":"y","version":"2"},"#
            + #""slices":{"lang":"en","tier":1,"lang":"de","gone":true,"gone":null}}"#
        let r = try decoder.decode(Array(line.utf8))
        #expect(r.requestID == "b")
        #expect(r.outcome == .success)
        #expect(r.model == ModelInfo(name: "y", version: "2"))
        #expect(r.slices == [Slice(key: "lang", value: .string("de")), Slice(key: "tier", value: .number(1))])
    }

    @Test("many slice keys with repeats stay correct past the linear-search threshold")
    func manySlices() throws {
        var fields: [String] = []
        for i in 0..<40 { fields.append("\"k\(i)\":\(i)") }
        for i in stride(from: 0, to: 40, by: 3) { fields.append("\"k\(i)\":\"again\"") }
        fields.append("\"k1\":null")
        let line = "{\"request_id\":\"a\",\"timestamp\":0,\"slices\":{" + fields.joined(separator: ",") + "}}"
        let r = try decoder.decode(Array(line.utf8))
        #expect(r.slices.count == 39)
        #expect(r.slice("k0") == .string("again"))
        #expect(r.slice("k2") == .number(2))
        #expect(r.slice("k1") == nil)
        #expect(r.slices.map(\.key).first == "k0")
    }

    @Test("null means absent for optional fields")
    func nulls() throws {
        let line = #"{"request_id":"a","timestamp":0,"service":null,"model":null,"tools":null,"cost_usd":null,"#
            + #""retrieval":{"index_version":"i","top_k":null,"evidence":[{"id":"e","score":null,"updated_at":null}]}}"#
        let r = try decoder.decode(Array(line.utf8))
        #expect(r.service == nil && r.model == nil && r.tools.isEmpty && r.costUSD == nil)
        #expect(r.retrieval == RetrievalInfo(indexVersion: "i", evidence: [Evidence(id: "e")]))
    }

    @Test("escapes decode, including surrogate pairs and escaped keys")
    func escapes() throws {
        let line = #"{"request\u005fid":"a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\u20AC\ud83d\ude00","timestamp":"2024-02-29T12:00:00\u005a"}"#
        let r = try decoder.decode(Array(line.utf8))
        #expect(r.requestID == "a\"b\\c/d\u{8}\u{C}\n\r\t\u{0}é€😀")
        #expect(r.timestampMicros == RFC3339.parse("2024-02-29T12:00:00Z"))
    }

    @Test("timestamps as epoch milliseconds, RFC 3339 with offsets, and integral floats for integers")
    func timestampsAndIntegers() throws {
        let a = try decoder.decode(Array(#"{"request_id":"a","timestamp":-1500,"tokens":{"input":1e3,"output":7.0}}"#.utf8))
        #expect(a.timestampMicros == -1_500_000)
        #expect(a.tokens == TokenUsage(input: 1000, output: 7))
        let b = try decoder.decode(Array(#"{"request_id":"a","timestamp":"2024-06-01T02:00:00.5+02:00"}"#.utf8))
        #expect(b.timestampMicros == RFC3339.parse("2024-06-01T00:00:00.500Z"))
    }

    @Test("numbers convert exactly", arguments: [
        ("0", 0.0), ("-0", -0.0), ("0.1", 0.1), ("1e400", Double.infinity), ("-1e400", -Double.infinity),
        ("1e-400", 0.0), ("2.2250738585072014e-308", 2.2250738585072014e-308), ("4.9e-324", Double.leastNonzeroMagnitude),
        ("1.7976931348623157e308", 1.7976931348623157e308), ("1E+2", 100), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.30000000000000004", 0.30000000000000004), ("9007199254740993", 9007199254740992), ("1e22", 1e22), ("1e23", 1e23),
        ("0.000001", 1e-6), ("-12.5e-1", -1.25), ("100000000000000000000000e-23", 1),
    ])
    func doubles(text: String, expected: Double) throws {
        let line = #"{"request_id":"a","timestamp":0,"slices":{"v":"# + text + "}}"
        if expected.isFinite {
            let r = try decoder.decode(Array(line.utf8))
            guard case .number(let d)? = r.slice("v") else { Issue.record("no number"); return }
            #expect(d.bitPattern == expected.bitPattern)
        } else {
            #expect(throws: RecordDecodingError(code: "invalid_value", reason: "field \"slices.v\": number out of range, got \(text)")) {
                try decoder.decode(Array(line.utf8))
            }
        }
    }

    @Test("random decimal strings parse like the standard library's correctly rounded parser")
    func randomDecimalStrings() throws {
        var g = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            var text = Bool.random(using: &g) ? "-" : ""
            let intDigits = Int.random(in: 1...22, using: &g)
            text += String(Int.random(in: 1...9, using: &g))
            for _ in 1..<intDigits { text += String(Int.random(in: 0...9, using: &g)) }
            if Bool.random(using: &g) {
                text += "."
                for _ in 0..<Int.random(in: 1...20, using: &g) { text += String(Int.random(in: 0...9, using: &g)) }
            }
            if Bool.random(using: &g) { text += "e" + String(Int.random(in: -330...300, using: &g)) }
            let expected = Double(text)!
            guard expected.isFinite else { continue }
            let r = try decoder.decode(Array((#"{"request_id":"a","timestamp":0,"cost_usd":"# + text + "}").utf8))
            #expect(r.costUSD?.bitPattern == expected.bitPattern, "\(text)")
        }
    }
}
