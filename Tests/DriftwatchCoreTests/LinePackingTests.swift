@testable import DriftwatchCore
import Testing

/// Scans `line` into an arena as the ingest fast path does (packed) and returns the packed line with
/// the columns' strings read from it; nil if the scanner leaves the line to the decoder.
private func packed(_ line: [UInt8]) -> (bytes: [UInt8], strings: [String?])? {
    line.withUnsafeBytes { raw -> ([UInt8], [String?])? in
        let arena = LineArena(capacity: 16)  // small: appending must grow it
        // Not at offset 0 of the arena, so spans must carry the base.
        Array("{}".utf8).withUnsafeBytes { _ = arena.appendLine($0) }
        let before = arena.count
        guard let scanned = arena.appendScanned(raw) else {
            #expect(arena.count == before, "a line left to the decoder appends nothing")
            return nil
        }
        #expect(arena.bytes[scanned.range.upperBound] == UInt8(ascii: "\n"))
        #expect(arena.count == scanned.range.upperBound + 1)
        return (Array(arena.bytes[scanned.range]), strings(scanned.columns, arena.bytes))
    }
}

/// The columns' strings as the spans find them in `arena`.
private func strings(_ c: RecordColumns, _ arena: [UInt8]) -> [String?] {
    [c.requestID, c.service, c.task, c.route, c.modelName, c.modelVersion, c.templateID, c.templateVersion, c.indexVersion]
        .map { $0.isNone ? nil : String(decoding: arena[$0.start..<($0.start + $0.count)], as: UTF8.self) }
}

/// The columns' strings of `line` scanned as it is, without marks.
private func plainStrings(_ line: [UInt8]) -> [String?]? {
    line.withUnsafeBytes { raw in RecordColumnScanner.scan(raw, base: 0).map { strings($0, line) } }
}

private func unpack(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { LinePacking.unpack($0) } }

@Suite("Line packing (how the store keeps lines)")
struct LinePackingTests {
    @Test("realistic lines unpack to exactly their bytes, at under 60% of their size, with every column where it was")
    func realisticLines() throws {
        var g = SeededGenerator(seed: 7)
        var raw = 0, stored = 0
        for i in 0..<2_000 {
            let line = RecordEncoder().encode(RecordFixtures.realisticRecord(&g, index: i))
            guard let (bytes, columns) = packed(line) else { continue }
            #expect(unpack(bytes) == line, "line \(i)")
            #expect(columns == plainStrings(line), "line \(i)")
            raw += line.count
            stored += bytes.count
        }
        #expect(raw > 0)
        #expect(Double(stored) < 0.6 * Double(raw), "packed \(stored) of \(raw) bytes")
    }

    @Test("spacing, key order, slice keys named like fields, and escapes in other strings are kept exactly", arguments: [
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z"}"#,
        #"{ "request_id" : "a" , "timestamp":"2025-01-01T00:00:00Z" }"#,
        #"{"timestamp":"2025-01-01T00:00:00Z","task":"t","request_id":"a","model":{"version":"2","name":"m"}}"#,
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","slices":{"id":"x","score":1,"name":true}}"#,
        "{\"request_id\":\"a\",\t\"timestamp\":\"2025-01-01T00:00:00Z\",\r\n\"task\" :\"t\"}",
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","tools":[{"name":"crm","status":"ok","version":"1"},{"name":"x","status":"timeout"}]}"#,
    ])
    func exactBytes(_ text: String) throws {
        let line = Array(text.utf8)
        let (bytes, columns) = try #require(packed(line))
        #expect(unpack(bytes) == line)
        #expect(columns == plainStrings(line))
        #expect(bytes.count < line.count)
    }

    @Test("lines packed one after another in one arena each read back exactly")
    func severalLinesInOneArena() throws {
        var g = SeededGenerator(seed: 3)
        let lines = (0..<50).map { RecordEncoder().encode(RecordFixtures.realisticRecord(&g, index: $0)) }
        let arena = LineArena(capacity: 64)
        var kept: [(line: [UInt8], range: Range<Int>)] = []
        for line in lines {
            if let scanned = line.withUnsafeBytes({ arena.appendScanned($0) }) { kept.append((line, scanned.range)) }
        }
        #expect(kept.count > 40)
        let bytes = arena.bytes
        for (k, item) in kept.enumerated() {
            #expect(bytes[item.range.upperBound] == UInt8(ascii: "\n"))
            if k > 0 { #expect(item.range.lowerBound == kept[k - 1].range.upperBound + 1, "back to back") }
            #expect(unpack(Array(bytes[item.range])) == item.line, "line \(k)")
        }
    }

    @Test("random mutations: whatever the scanner accepts round-trips, and never held a code byte")
    func mutations() {
        var g = SeededGenerator(seed: 11)
        let alphabet = Array(#"{}[]":,. -0123456789abcdefnrtuls_"#.utf8) + [0x01, 0x09, 0x1F, 0x7F, 0xC3]
        var accepted = 0
        for i in 0..<6_000 {
            var line = RecordEncoder().encode(RecordFixtures.realisticRecord(&g, index: i))
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let at = Int.random(in: 0..<line.count, using: &g)
                switch Int.random(in: 0..<3, using: &g) {
                case 0: line[at] = alphabet.randomElement(using: &g)!
                case 1: line.insert(alphabet.randomElement(using: &g)!, at: at)
                default: line.remove(at: at)
                }
            }
            guard let (bytes, columns) = packed(line) else { continue }
            accepted += 1
            #expect(line.withUnsafeBytes { !LinePacking.holdsCodeBytes($0) }, "accepted a line with a code byte: \(line)")
            #expect(unpack(bytes) == line)
            #expect(columns == plainStrings(line))
        }
        #expect(accepted > 100, "only \(accepted) mutated lines were accepted")
    }

    @Test("the code table: every field name of the format has a code, none is whitespace, and codes are distinct")
    func codeTable() {
        #expect(LinePacking.singleByteCodes.count == 27)
        #expect(Set(LinePacking.keys).count == LinePacking.keys.count)
        #expect(LinePacking.keys.count <= 256)
        let codes = LinePacking.keys.map { LinePacking.code(for: $0)! }
        #expect(Set(codes).count == codes.count)
        for code in codes {
            let first = UInt8(truncatingIfNeeded: code)
            #expect(first >= 0x01 && first <= 0x1F && ![0x09, 0x0A, 0x0D].contains(first))
        }
        let schemaNames = ["request_id", "timestamp", "service", "task", "route", "model", "template", "release", "retrieval",
                           "tools_expected", "tools", "validation", "outcome", "feedback", "latency_ms", "tokens", "cost_usd",
                           "retries", "slices", "name", "version", "provider", "base", "tuned", "id", "dataset", "validator",
                           "eval_suite", "index_version", "top_k", "evidence", "score", "updated_at", "status", "check",
                           "passed", "reason", "source", "total", "generation", "input", "output"]
        for name in schemaNames { #expect(LinePacking.code(for: name) != nil, "\(name)") }
    }

    @Test("unpacking never traps on bytes the packer cannot write")
    func oddBytes() {
        #expect(unpack([0x1F]) == [0x1F])
        #expect(unpack([0x1F, 0xFF, 0x41]) == [0x1F, 0xFF, 0x41])
        #expect(unpack([0x41, 0x01, 0x42]) == Array(#"A"id":B"#.utf8))
        #expect(unpack([0x09, 0x0A, 0x0D]) == [0x09, 0x0A, 0x0D])
        #expect(unpack([]) == [])
    }
}
