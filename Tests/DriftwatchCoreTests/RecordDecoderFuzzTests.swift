import DriftwatchCore
import Foundation
import Testing

/// Property tests over hostile input: the decoder must never trap or read out of bounds, and must
/// either decode or throw a ``RecordDecodingError`` with a known code and a non-empty reason.
@Suite("RecordDecoder fuzzing")
struct RecordDecoderFuzzTests {
    static let codes: Set<String> = ["invalid_json", "invalid_utf8", "missing_field", "wrong_type", "invalid_value", "too_deep"]
    static let syntaxCodes: Set<String> = ["invalid_json", "invalid_utf8", "too_deep"]

    let decoder = RecordDecoder()

    /// Decodes through an exactly-sized heap buffer so any read past the end is a real overread
    /// (visible under the address sanitizer), not a read of an array's spare capacity.
    @discardableResult
    func check(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Result<RequestRecord, RecordDecodingError> {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        defer { buffer.deallocate() }
        bytes.withUnsafeBytes { source in
            if let s = source.baseAddress { buffer.baseAddress!.copyMemory(from: s, byteCount: source.count) }
        }
        let input = UnsafeRawBufferPointer(start: buffer.baseAddress, count: bytes.count)
        do {
            return .success(try decoder.decode(input))
        } catch {
            #expect(Self.codes.contains(error.code), "unknown code \(error.code)", sourceLocation: sourceLocation)
            #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
            return .failure(error)
        }
    }

    static func sampleLines(count: Int, seed: UInt64) -> [[UInt8]] {
        var g = SeededGenerator(seed: seed)
        let encoder = RecordEncoder()
        return (0..<count).map { i in
            encoder.encode(i.isMultiple(of: 2) ? RecordFixtures.randomRecord(&g) : RecordFixtures.realisticRecord(&g, index: i))
        }
    }

    @Test("every truncation of valid lines fails cleanly as invalid JSON")
    func truncations() {
        for line in Self.sampleLines(count: 60, seed: 11) {
            for cut in 0..<line.count {
                let prefix = Array(line[0..<cut])
                guard case .failure(let error) = check(prefix) else {
                    Issue.record("a truncated object decoded: \(String(decoding: prefix, as: UTF8.self))")
                    continue
                }
                // A cut can only break the text (or split a UTF-8 sequence): never a record-level code.
                #expect(Self.syntaxCodes.contains(error.code), "\(error) for cut \(cut)")
            }
        }
    }

    @Test("random byte flips, insertions and deletions never crash")
    func mutations() {
        var g = SeededGenerator(seed: 12)
        let interesting: [UInt8] = Array(#"{}[]",:\"0-+.eE ntfu"#.utf8) + [0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF]
        var outcomes = [String: Int]()
        for line in Self.sampleLines(count: 300, seed: 13) {
            for _ in 0..<40 {
                var m = line
                for _ in 0..<Int.random(in: 1...4, using: &g) {
                    let i = Int.random(in: 0..<m.count, using: &g)
                    let b = Bool.random(using: &g) ? interesting.randomElement(using: &g)! : UInt8.random(in: 0...255, using: &g)
                    switch Int.random(in: 0..<3, using: &g) {
                    case 0: m[i] = b
                    case 1: m.insert(b, at: i)
                    default: if m.count > 1 { m.remove(at: i) }
                    }
                }
                switch check(m) {
                case .success: outcomes["ok", default: 0] += 1
                case .failure(let e): outcomes[e.code, default: 0] += 1
                }
            }
        }
        // The mutations must actually reach the different failure modes, or this test proves little.
        for code in ["ok", "invalid_json", "invalid_utf8", "wrong_type"] {
            #expect(outcomes[code, default: 0] > 0, "\(code) never produced: \(outcomes)")
        }
    }

    @Test("deep nesting inserted anywhere a value can go is refused as too_deep")
    func deepNesting() {
        var g = SeededGenerator(seed: 14)
        for line in Self.sampleLines(count: 40, seed: 15) {
            // Insert a deep array/object mix as a value after a random key (a ':' right after a quote;
            // the sample strings never contain `":` themselves).
            let colons = line.indices.filter { $0 > 0 && line[$0] == UInt8(ascii: ":") && line[$0 - 1] == UInt8(ascii: "\"") }
            let at = colons.randomElement(using: &g)! + 1
            var deep: [UInt8] = []
            for k in 0..<100 { deep += Array((k.isMultiple(of: 2) ? "[" : "{\"k\":").utf8) }
            deep += Array("1".utf8)
            for k in (0..<100).reversed() { deep += Array((k.isMultiple(of: 2) ? "]" : "}").utf8) }
            var m = Array(line[..<at]) + deep + [UInt8(ascii: ",")] + Array(line[at...])
            // Keep the original value as an unknown key's value so the line stays valid JSON.
            m.insert(contentsOf: Array(#""_":"#.utf8), at: at + deep.count + 1)
            guard case .failure(let e) = check(m) else {
                Issue.record("deep nesting decoded")
                continue
            }
            #expect(e.code == "too_deep", "\(e)")
        }
        for n in [63, 64, 65, 100, 5000] {
            let text = #"{"request_id":"a","timestamp":0,"x":"# + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "}"
            let result = check(Array(text.utf8))
            if n + 1 <= 64 {
                #expect((try? result.get()) != nil, "depth \(n + 1)")
            } else {
                #expect(throws: RecordDecodingError.self) { try result.get() }
            }
        }
    }

    @Test("whenever JSONSerialization rejects a mutated line, the decoder rejects it too")
    func agreesWithJSONSerialization() throws {
        var g = SeededGenerator(seed: 16)
        var rejectedByFoundation = 0
        for line in Self.sampleLines(count: 200, seed: 17) {
            for _ in 0..<25 {
                var m = line
                let i = Int.random(in: 0..<m.count, using: &g)
                switch Int.random(in: 0..<3, using: &g) {
                case 0: m[i] = UInt8.random(in: 0...255, using: &g)
                case 1: m[i] = Array(#"{}[]",:\"0-.e"#.utf8).randomElement(using: &g)!
                default: m.remove(at: i)
                }
                let foundationAccepts = (try? JSONSerialization.jsonObject(with: Data(m))) != nil
                let result = check(m)
                if !foundationAccepts {
                    rejectedByFoundation += 1
                    guard case .failure = result else {
                        Issue.record("JSONSerialization rejects but the decoder accepts: \(String(decoding: m, as: UTF8.self))")
                        continue
                    }
                }
                if case .failure(let e) = result, e.code == "wrong_type" || e.code == "missing_field" {
                    // A record-level error means the text itself is valid JSON. (Not checked for
                    // invalid_value: JSONSerialization also rejects numbers beyond Double, like 1e400.)
                    #expect(foundationAccepts, "\(e) for \(String(decoding: m, as: UTF8.self))")
                }
            }
        }
        #expect(rejectedByFoundation > 1000)
    }
}
