import DriftwatchCore
import Testing

@Suite("RFC 3339 parsing")
struct RFC3339Tests {
    @Test("valid timestamps parse to the right microseconds", arguments: [
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01T00:00:00.000001Z", 1),
        ("1969-12-31T23:59:59.999999Z", -1),
        ("2024-02-29T12:34:56Z", 1_709_210_096_000_000),
        ("2024-02-29t12:34:56z", 1_709_210_096_000_000),
        ("2024-02-29 12:34:56Z", 1_709_210_096_000_000),
        ("2024-02-29T14:34:56+02:00", 1_709_210_096_000_000),
        ("2024-02-29T07:04:56-05:30", 1_709_210_096_000_000),
        ("2024-02-29T12:34:56-00:00", 1_709_210_096_000_000),
        ("2024-03-01T00:00:00+23:59", 1_709_164_860_000_000),
        ("2024-02-29T12:34:56.1Z", 1_709_210_096_100_000),
        ("2024-02-29T12:34:56.12Z", 1_709_210_096_120_000),
        ("2024-02-29T12:34:56.123Z", 1_709_210_096_123_000),
        ("2024-02-29T12:34:56.123456Z", 1_709_210_096_123_456),
        ("2024-02-29T12:34:56.123456789Z", 1_709_210_096_123_456),
        ("2024-02-29T12:34:56.999999999+01:00", 1_709_206_496_999_999),
        ("2000-02-29T00:00:00Z", 951_782_400_000_000),
        ("1600-02-29T00:00:00Z", -11_670_998_400_000_000),
        ("0000-01-01T00:00:00Z", -62_167_219_200_000_000),
        ("9999-12-31T23:59:59.999999Z", 253_402_300_799_999_999),
        ("2016-12-31T23:59:60Z", 1_483_228_800_000_000),
    ] as [(String, Int64)])
    func valid(text: String, micros: Int64) {
        #expect(RFC3339.parse(text) == micros)
        #expect(RFC3339.parse(Array(text.utf8)) == micros)
    }

    @Test("invalid timestamps are rejected", arguments: [
        "", "2024-02-29", "2024-02-29T12:34Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
        "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:61Z", "2024-01-01T00:00:00",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00,5Z", "2024-01-01T00:00:00+0100", "2024-01-01T00:00:00+24:00",
        "2024-01-01T00:00:00+01:60", "2024-01-01T00:00:00Z ", " 2024-01-01T00:00:00Z", "2024-01-01X00:00:00Z",
        "2024/01/01T00:00:00Z", "24-01-01T00:00:00Z", "+2024-01-01T00:00:00Z", "2024-01-01T00:00:00ZZ",
        "2024-1-01T00:00:00Z", "2024-01-01T00:00:00+01:00:00", "２０２４-01-01T00:00:00Z", "2024-01-01T00:00:00.1234567",
    ])
    func invalid(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("format and parse are inverse over random instants")
    func roundTrip() {
        var g = SeededGenerator(seed: 3339)
        for _ in 0..<10_000 {
            let micros = Int64.random(in: -62_167_219_200_000_000...253_402_300_799_999_999, using: &g)
            #expect(RFC3339.parse(RFC3339.format(micros: micros)) == micros)
        }
    }

    @Test("every day of a leap and a common year is accepted exactly once per calendar")
    func calendar() {
        for (year, days) in [(2023, 365), (2024, 366), (1900, 365), (2000, 366)] {
            var accepted = 0
            for month in 1...12 {
                for day in 1...31 {
                    let text = zeroPadded(year, 4) + "-" + zeroPadded(month, 2) + "-" + zeroPadded(day, 2) + "T00:00:00Z"
                    if RFC3339.parse(text) != nil { accepted += 1 }
                }
            }
            #expect(accepted == days, "year \(year)")
        }
    }
}

private func zeroPadded(_ v: Int, _ width: Int) -> String {
    let digits = "\(v)"
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
