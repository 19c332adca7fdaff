@testable import DriftwatchCore
import Testing

/// The columns of a record as plain values, whichever way they were obtained.
private struct PlainColumns: Equatable, CustomStringConvertible {
    var strings: [String?]
    var timestamp: Int64
    var outcome: Outcome?
    var tuned: Bool?
    var numbers: [UInt64?]  // bit patterns, so -0.0 and 0.0 differ as they do in the decoder

    init(_ c: RecordColumns, arena: [UInt8]) {
        func text(_ s: ByteSpan) -> String? {
            s.isNone ? nil : String(decoding: arena[s.start..<(s.start + s.count)], as: UTF8.self)
        }
        strings = [c.requestID, c.service, c.task, c.route, c.modelName, c.modelVersion, c.templateID,
                   c.templateVersion, c.indexVersion].map(text)
        timestamp = c.timestampMicros
        outcome = c.outcome
        tuned = c.modelTuned
        numbers = [c.latencyTotal?.bitPattern, c.tokensInput.map { UInt64($0) }, c.tokensOutput.map { UInt64($0) },
                   c.costUSD?.bitPattern, c.feedbackScore?.bitPattern]
    }

    var description: String { "\(strings) \(timestamp) \(String(describing: outcome)) \(String(describing: tuned)) \(numbers)" }
}

/// What the scanner says of `line`: nil if it leaves the line to the decoder.
private func scanned(_ line: [UInt8]) -> PlainColumns? {
    line.withUnsafeBytes { raw in
        RecordColumnScanner.scan(raw, base: 0).map { PlainColumns($0, arena: line) }
    }
}

/// What the decoder makes of `line`, as columns; nil if it refuses it.
private func decoded(_ line: [UInt8]) -> PlainColumns? {
    guard let record = try? RecordDecoder().decode(line) else { return nil }
    let arena = LineArena(capacity: 256)
    let columns = RecordColumns(record, arena: arena)
    return PlainColumns(columns, arena: arena.bytes)
}

@Suite("Record column scanner (the ingest fast path)")
struct RecordColumnScannerTests {
    @Test("realistic lines take the fast path, with exactly the decoder's values")
    func realisticLines() {
        var g = SeededGenerator(seed: 42)
        var fast = 0
        let n = 2_000
        for i in 0..<n {
            let line = RecordEncoder().encode(RecordFixtures.realisticRecord(&g, index: i))
            guard let columns = scanned(line) else { continue }
            fast += 1
            #expect(columns == decoded(line), "line \(i): \(String(decoding: line, as: UTF8.self))")
        }
        // Lines with numbers the encoder prints with an exponent (e.g. a cost of 9e-05) go to the decoder.
        #expect(fast >= n * 9 / 10, "only \(fast) of \(n) lines took the fast path")
    }

    @Test("whatever it accepts, the decoder accepts with the same values (random mutations)")
    func mutationsNeverDisagree() {
        var g = SeededGenerator(seed: 7)
        let tricky = Array("\"\\{}[],:0123456789.eE-+ntfrul ".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
        var accepted = 0
        var refused = 0
        for i in 0..<6_000 {
            var line = RecordEncoder().encode(RecordFixtures.realisticRecord(&g, index: i))
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let at = Int.random(in: 0..<line.count, using: &g)
                switch Int.random(in: 0..<5, using: &g) {
                case 0: line.remove(at: at)
                case 1: line.insert(tricky.randomElement(using: &g)!, at: at)
                case 2: line[at] = tricky.randomElement(using: &g)!
                case 3:  // a digit changed: often still valid, with another value
                    if let d = line[at...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                        line[d] = UInt8(0x30 + Int.random(in: 0...9, using: &g))
                    }
                default:  // a slice of the line repeated: duplicate keys, nested garbage
                    let end = min(line.count, at + Int.random(in: 1...40, using: &g))
                    line.insert(contentsOf: Array(line[at..<end]), at: at)
                }
            }
            guard let fast = scanned(line) else { refused += 1; continue }
            accepted += 1
            let full = decoded(line)
            #expect(full != nil, "the decoder refuses a line the scanner accepted: \(String(decoding: line, as: UTF8.self))")
            #expect(fast == full, "values differ for \(String(decoding: line, as: UTF8.self))")
        }
        // Both outcomes occur, so the property is exercised.
        #expect(accepted > 300)
        #expect(refused > 300)
    }

    @Test("lines outside its narrow shape are left to the decoder", arguments: [
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","extra":{"kept":[1,2]}}"#,  // unknown field
        #"{"request_id":"a\u0041","timestamp":"2025-01-01T00:00:00Z"}"#,  // an escape
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","cost_usd":1e-3}"#,  // an exponent
        #"{"request_id":"a","request_id":"b","timestamp":"2025-01-01T00:00:00Z"}"#,  // a repeated key
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","task":null}"#,  // a null
        #"{"request_id":"a","timestamp":1735689600000}"#,  // epoch milliseconds
        #"{"request_id":"é","timestamp":"2025-01-01T00:00:00Z"}"#,  // non-ASCII
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","tokens":{"input":3.0,"output":1}}"#,  // 3.0 as an integer
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","slices":{"x":1,"x":2}}"#,  // a repeated slice
    ])
    func leftToTheDecoder(_ text: String) {
        let line = Array(text.utf8)
        #expect(scanned(line) == nil)
        #expect(decoded(line) != nil)  // each is valid: only the fast path declines it
    }

    @Test("invalid lines are never accepted", arguments: [
        #"{"request_id":"","timestamp":"2025-01-01T00:00:00Z"}"#,
        #"{"timestamp":"2025-01-01T00:00:00Z"}"#,
        #"{"request_id":"a"}"#,
        #"{"request_id":"a","timestamp":"2025-13-01T00:00:00Z"}"#,
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","outcome":"great"}"#,
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","tools":[{"name":"x","status":"slow"}]}"#,
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","tokens":{"input":-1,"output":1}}"#,
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","model":{"name":"m"}}"#,
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z"} x"#,
        #"{"request_id":"a","timestamp":"2025-01-01T00:00:00Z","cost_usd":01}"#,
        #"[1]"#,
    ])
    func invalidLinesRefused(_ text: String) {
        let line = Array(text.utf8)
        #expect(scanned(line) == nil)
        #expect(decoded(line) == nil)
    }

    @Test("its timestamp check agrees with the RFC 3339 parser")
    func timestampCheck() {
        var g = SeededGenerator(seed: 99)
        // With the bytes next to digits and separators (`/`, `;`, `?`, `@`), which a word-wise check could let through.
        let alphabet = Array("0123456789-:TtZz.+ /;?@,S".utf8) + [0x00, 0x7F, 0xB0, 0xF9]
        var valid = 0
        for i in 0..<50_000 {
            let micros = Int64.random(in: 0...4_102_444_800_000_000, using: &g)
            var text = Array(RFC3339.format(micros: micros).utf8)
            if let dot = text.firstIndex(of: UInt8(ascii: ".")) {
                // Shapes `…SSZ` and `…SS.fffZ` take the checker's own path; others go to the parser.
                if i % 3 == 0 { text.removeSubrange(dot..<(text.count - 1)) }
                if i % 3 == 1, text.count - 1 - dot > 4 { text.removeSubrange((dot + 4)..<(text.count - 1)) }
            }
            if i % 2 == 1 {
                let at = Int.random(in: 0..<text.count, using: &g)
                text[at] = alphabet.randomElement(using: &g)!
            }
            if i % 7 == 0 { text = Array("20\(Int.random(in: 10...99, using: &g))-02-29T23:59:60Z".utf8) }
            let expected = RFC3339.parse(text) != nil
            if expected { valid += 1 }
            #expect(text.withUnsafeBufferPointer { RecordColumnScanner.isValidTimestamp($0) } == expected,
                    "\(String(decoding: text, as: UTF8.self))")
        }
        #expect(valid > 10_000)
    }
}
