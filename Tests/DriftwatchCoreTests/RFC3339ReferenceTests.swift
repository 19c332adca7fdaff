import DriftwatchCore
import Foundation
import Testing

/// RFC 3339 edge cases against reference values computed by Python's `datetime` on the same strings
/// (`Fixtures/make_rfc3339_fixture.py` writes `Fixtures/rfc3339_python.json`).
@Suite("RFC 3339 parsing against Python's datetime")
struct RFC3339ReferenceTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var text: String
        var micros: Int64?
        var testDescription: String { "\(text.debugDescription) → \(micros.map(String.init) ?? "invalid")" }
    }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rfc3339_python.json")

    static func cases() throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: fixture))
    }

    @Test("the fixture covers leap years, month ends, fractions, offsets and z/Z, valid and not")
    func fixtureCoverage() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 60)
        #expect(cases.filter { $0.micros == nil }.count >= 25)
        #expect(cases.filter { $0.micros != nil }.count >= 25)
        for needle in ["-02-29", "-02-30", "-02-31", "-04-31", ".1234567", "+05:30", "+24:00", "z", ":60Z"] {
            #expect(cases.contains { $0.text.contains(needle) }, "\(needle)")
        }
    }

    @Test("Core's parser agrees with Python's datetime", arguments: (try? cases()) ?? [])
    func agrees(_ c: Case) {
        #expect(RFC3339.parse(c.text) == c.micros)
        // The scanner's word-at-a-time check must say the same.
        let valid = Array(c.text.utf8).withUnsafeBufferPointer { RecordColumnScanner.isValidTimestamp($0) }
        #expect(valid == (c.micros != nil))
    }
}
