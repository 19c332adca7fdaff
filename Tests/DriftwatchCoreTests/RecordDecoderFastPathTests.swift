@testable import DriftwatchCore
import Testing

/// The decoder's fast paths against the general code they stand in for.
@Suite("RecordDecoder fast paths")
struct RecordDecoderFastPathTests {
    let decoder = RecordDecoder()

    @Test("the small-string layout check holds here, so the fast path is what the other tests exercise")
    func smallStringLayout() {
        #expect(SmallASCII.layoutMatches)
    }

    @Test("strings of every short length, ASCII or not, at the end of the line or not, decode exactly")
    func shortStrings() throws {
        let alphabet: [String] = ["a", "Z", "0", "-", "_", " ", "~", "é", "€", "😀"]
        var g = SeededGenerator(seed: 15)
        for length in 0...20 {
            for _ in 0..<20 {
                var value = ""
                for _ in 0..<length { value += alphabet[Int.random(in: 0..<alphabet.count, using: &g)] }
                // The value last (near the end of the buffer) and first (far from it).
                let tail = #"{"timestamp":0,"request_id":"r","service":"\#(value)"}"#
                let head = #"{"service":"\#(value)","request_id":"r","timestamp":0,"task":"padding-padding-padding"}"#
                for line in [tail, head] {
                    let r = try decoder.decode(Array(line.utf8))
                    #expect(r.service == value)
                    #expect(r.service.map { Array($0.utf8) } == Array(value.utf8))
                    #expect(r.service?.hashValue == value.hashValue)
                }
                let slice = #"{"request_id":"r","timestamp":0,"slices":{"\#(value)":"\#(value)"}}"#
                #expect(try decoder.decode(Array(slice.utf8)).slices == [Slice(key: value, value: .string(value))])
            }
        }
    }

    @Test("strings built from words compare, hash and concatenate like ordinary ones")
    func smallStringBehaviour() throws {
        let line = Array(#"{"request_id":"abcdefghijklmno","timestamp":0,"task":"abcdefgh"}"#.utf8)
        let r = try decoder.decode(line)
        #expect(r.requestID == "abcdefghijklmno")
        #expect(r.requestID.count == 15)
        #expect(r.requestID + "p" == "abcdefghijklmnop")
        #expect(r.task == "abcdefgh")
        #expect(Set([r.requestID, "abcdefghijklmno"]).count == 1)
        #expect(r.requestID < "abcdefghijklmnp")
    }

    @Test("days since the epoch agree with days-from-civil for every day of years 1...2400 and around 9999")
    func daysSinceEpoch() {
        var mismatches = 0
        for year in Array(1...2400) + Array(9990...9999) {
            let y = Int64(year)
            let leap = RFC3339.isLeapYear(y)
            for month in 1...12 as ClosedRange<Int64> {
                for day in 1...RFC3339.daysInMonth(month: month, leap: leap) {
                    let fast = RFC3339.daysSinceEpoch(year: y, month: month, day: day, leap: leap)
                    if fast != RFC3339.daysFromCivil(year: y, month: month, day: day) { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("the common timestamp shapes parse exactly as the full parser, for every single-byte change")
    func timestampShapes() {
        let stamps = ["2024-02-29T12:34:56Z", "2024-02-29T12:34:56.789Z", "2024-02-29T12:34:56.123456Z",
                      "1999-12-31T23:59:60Z", "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999999Z"]
        var checked = 0
        for stamp in stamps {
            let bytes = Array(stamp.utf8)
            #expect(RFC3339.parse(bytes) != nil)
            for i in bytes.indices {
                for value in 0...255 {
                    var mutated = bytes
                    mutated[i] = UInt8(value)
                    let fast = mutated.withUnsafeBufferPointer { RFC3339.parse($0) }
                    let full = mutated.withUnsafeBufferPointer { RFC3339.parseInFull($0) }
                    if fast != full { Issue.record("\(stamp) with byte \(i) = \(value): \(String(describing: fast)) vs \(String(describing: full))") }
                    checked += 1
                }
            }
        }
        #expect(checked > 30_000)
    }

    @Test("random instants in every fraction width parse as the full parser does")
    func timestampWidths() {
        var g = SeededGenerator(seed: 2024)
        for _ in 0..<5000 {
            let micros = Int64.random(in: -62_167_219_200_000_000...253_402_300_799_999_999, using: &g)
            let base = RFC3339.format(micros: micros - micros % 1_000_000)
            let whole = String(base.dropLast())
            let frac = String(1_000_000 + micros % 1_000_000 + (micros % 1_000_000 < 0 ? 1_000_000 : 0)).dropFirst()
            for text in [base, whole + "." + frac.prefix(3) + "Z", whole + "." + frac + "Z"] {
                let bytes = Array(text.utf8)
                let fast = bytes.withUnsafeBufferPointer { RFC3339.parse($0) }
                #expect(fast == bytes.withUnsafeBufferPointer { RFC3339.parseInFull($0) }, "\(text)")
                #expect(fast != nil, "\(text)")
            }
        }
    }

    @Test("timestamps read in place decode as the full parser says, for every printable single-byte change")
    func timestampsInLines() throws {
        let stamps = ["2024-02-29T12:34:56Z", "2024-02-29T12:34:56.789Z", "2024-02-29T12:34:56.123456Z"]
        for stamp in stamps {
            let bytes = Array(stamp.utf8)
            for i in bytes.indices {
                for value in UInt8(0x20)...UInt8(0x7E) where value != UInt8(ascii: "\"") && value != UInt8(ascii: "\\") {
                    var mutated = bytes
                    mutated[i] = value
                    let expected = mutated.withUnsafeBufferPointer { RFC3339.parseInFull($0) }
                    // Last in the line (right at the end of the buffer) and first (far from it).
                    let lines = [Array(#"{"request_id":"r","timestamp":""#.utf8) + mutated + Array(#""}"#.utf8),
                                 Array(#"{"timestamp":""#.utf8) + mutated + Array(#"","request_id":"r"}"#.utf8)]
                    for line in lines {
                        do {
                            let r = try decoder.decode(line)
                            #expect(r.timestampMicros == expected, "\(String(decoding: mutated, as: UTF8.self))")
                        } catch {
                            #expect(expected == nil && error.code == "invalid_value", "\(String(decoding: mutated, as: UTF8.self)): \(error)")
                        }
                    }
                }
            }
        }
    }

    @Test("plain decimals and integers decode to the correctly rounded value, bit for bit")
    func plainNumbers() throws {
        var g = SeededGenerator(seed: 1553)
        var texts = ["0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.000506", "123456789012345", "1234567890.12345",
                     "999999999999999", "9999999999999999", "0.1234567890123456", "00", "01", "1.", ".5", "-", "1e5",
                     "1.5E-3", "2424.1", "-54.8", "1.0000000000000002", "4503599627370497.5"]
        for _ in 0..<3000 {
            let intDigits = Int.random(in: 1...12, using: &g)
            let fracDigits = Int.random(in: 0...8, using: &g)
            var t = Bool.random(using: &g) ? "-" : ""
            t += String(Int.random(in: 1...9, using: &g))
            for _ in 1..<intDigits { t += String(Int.random(in: 0...9, using: &g)) }
            if fracDigits > 0 {
                t += "."
                for _ in 0..<fracDigits { t += String(Int.random(in: 0...9, using: &g)) }
            }
            texts.append(t)
        }
        for text in texts {
            let line = Array(#"{"request_id":"r","timestamp":0,"cost_usd":\#(text)}"#.utf8)
            if let expected = Double(text), !text.hasPrefix("."), !text.hasSuffix("."), !text.hasPrefix("0") || text.count == 1 || text.dropFirst().first == ".",
               !text.hasPrefix("-0") || text.count == 2 || text.dropFirst(2).first == "." {
                let r = try decoder.decode(line)
                #expect(r.costUSD?.bitPattern == expected.bitPattern, "\(text)")
            } else {
                #expect(throws: RecordDecodingError.self, "\(text)") { try decoder.decode(line) }
            }
            let intLine = Array(#"{"request_id":"r","timestamp":0,"tokens":{"input":\#(text),"output":0}}"#.utf8)
            if let expected = Int(text), expected >= 0, text == String(expected) {
                #expect(try decoder.decode(intLine).tokens?.input == expected, "\(text)")
            }
        }
    }

    @Test("the predicted top-level keys are the format's field names, in order")
    func topLevelKeyTable() {
        let names = RecordReader.topLevelFieldNames
        #expect(names.count == 19)
        for (i, name) in names.enumerated() {
            #expect(RecordReader.topLevelKey(i).description == "\"\(name)\":")
        }
    }
}
