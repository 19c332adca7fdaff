extension RFC3339 {
    /// Parses an RFC 3339 date-time (`2024-02-29T13:45:00.123456Z`, `...+05:30`) into microseconds
    /// since the epoch, or nil when the text is not one.
    ///
    /// Accepts `T`, `t` or a space between date and time (RFC 3339 §5.6 note), `Z`/`z` or a `±hh:mm`
    /// offset, and a fraction of any length (digits past microseconds are truncated). Dates are
    /// checked against the calendar (Feb 29 only in leap years). Second 60 is accepted for leap
    /// seconds and counts as the first second of the next minute.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = bytes.count
        guard n >= 20, let p = bytes.baseAddress else { return nil }

        @inline(__always) func digits2(_ i: Int) -> Int64? {
            let a = p[i] &- 0x30, b = p[i + 1] &- 0x30
            guard a < 10, b < 10 else { return nil }
            return Int64(a) * 10 + Int64(b)
        }

        guard let y1 = digits2(0), let y2 = digits2(2), p[4] == UInt8(ascii: "-"),
              let month = digits2(5), p[7] == UInt8(ascii: "-"), let day = digits2(8) else { return nil }
        let sep = p[10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " ") else { return nil }
        guard let hour = digits2(11), p[13] == UInt8(ascii: ":"), let minute = digits2(14),
              p[16] == UInt8(ascii: ":"), let second = digits2(17) else { return nil }
        let year = y1 * 100 + y2
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60 else { return nil }

        var i = 19
        var micros: Int64 = 0
        if p[i] == UInt8(ascii: ".") {
            i += 1
            var fractionDigits = 0
            while i < n, p[i] &- 0x30 < 10 {
                if fractionDigits < 6 { micros = micros * 10 + Int64(p[i] &- 0x30) }
                fractionDigits += 1
                i += 1
            }
            guard fractionDigits > 0 else { return nil }
            var k = fractionDigits
            while k < 6 { micros *= 10; k += 1 }
        }

        guard i < n else { return nil }
        var offsetSeconds: Int64 = 0
        switch p[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 <= n, let oh = digits2(i + 1), p[i + 3] == UInt8(ascii: ":"), let om = digits2(i + 4),
                  oh <= 23, om <= 59 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (p[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == n else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }

    /// Parses the UTF-8 bytes of an RFC 3339 date-time; see ``parse(_:)-(UnsafeBufferPointer<UInt8>)``.
    public static func parse(_ bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    /// Parses an RFC 3339 date-time string.
    public static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    static func isLeapYear(_ y: Int64) -> Bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
