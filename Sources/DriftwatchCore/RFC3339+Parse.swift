extension RFC3339 {
    /// Parses an RFC 3339 date-time (`2024-02-29T13:45:00.123456Z`, `...+05:30`) into microseconds
    /// since the epoch, or nil when the text is not one.
    ///
    /// Accepts `T`, `t` or a space between date and time (RFC 3339 §5.6 note), `Z`/`z` or a `±hh:mm`
    /// offset, and a fraction of any length (digits past microseconds are truncated). Dates are
    /// checked against the calendar (Feb 29 only in leap years). Second 60 is accepted for leap
    /// seconds and counts as the first second of the next minute.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 20, let p = bytes.baseAddress else { return nil }
        if let micros = parseCommonShape(p, bytes.count) { return micros }
        return parseInFull(bytes)
    }

    /// ``parse(_:)`` byte by byte, for every shape RFC 3339 allows.
    static func parseInFull(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = bytes.count
        guard n >= 20, let p = bytes.baseAddress else { return nil }

        // Digit values, 10 or more for a non-digit; all fourteen are checked with one test below.
        @inline(__always) func d(_ i: Int) -> UInt32 { UInt32(p[i] &- 0x30) }
        let y0 = d(0), y1 = d(1), y2 = d(2), y3 = d(3), mo0 = d(5), mo1 = d(6), d0 = d(8), d1 = d(9)
        let h0 = d(11), h1 = d(12), mi0 = d(14), mi1 = d(15), s0 = d(17), s1 = d(18)
        let anyNonDigit = (y0 &+ 6) | (y1 &+ 6) | (y2 &+ 6) | (y3 &+ 6) | (mo0 &+ 6) | (mo1 &+ 6) | (d0 &+ 6)
            | (d1 &+ 6) | (h0 &+ 6) | (h1 &+ 6) | (mi0 &+ 6) | (mi1 &+ 6) | (s0 &+ 6) | (s1 &+ 6)
        guard anyNonDigit & ~0xF == 0, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":") else { return nil }
        let sep = p[10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " ") else { return nil }
        let year = Int64(y0 &* 1000 &+ y1 &* 100 &+ y2 &* 10 &+ y3)
        let month = Int64(mo0 &* 10 &+ mo1), day = Int64(d0 &* 10 &+ d1)
        let hour = Int64(h0 &* 10 &+ h1), minute = Int64(mi0 &* 10 &+ mi1), second = Int64(s0 &* 10 &+ s1)
        let leap = isLeapYear(year)
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(month: month, leap: leap),
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
            guard i + 6 <= n, d(i + 1) < 10, d(i + 2) < 10, p[i + 3] == UInt8(ascii: ":"), d(i + 4) < 10,
                  d(i + 5) < 10 else { return nil }
            let oh = Int64(d(i + 1) * 10 + d(i + 2)), om = Int64(d(i + 4) * 10 + d(i + 5))
            guard oh <= 23, om <= 59 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (p[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == n else { return nil }

        let days = daysSinceEpoch(year: year, month: month, day: day, leap: leap)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }

    /// The shapes writers almost always use, `YYYY-MM-DDTHH:MM:SSZ` with no fraction, milliseconds or
    /// microseconds, checked a word at a time; nil means "not this shape" and ``parse(_:)`` reads the
    /// text in full (which also rejects what is invalid).
    @inline(__always)
    static func parseCommonShape(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        let raw = UnsafeRawPointer(p)
        // XOR with the expected text turns digits into 0...9 and expected separators into 0.
        let v0 = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) ^ wordOf("0000-00-")
        let v1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) ^ wordOf("00T00:00")
        var v2: UInt64
        var fraction: UInt64 = 0
        var fractionDigits = 0
        switch n {
        case 20:
            v2 = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))) ^ wordOf(":00Z")
        case 24:
            v2 = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))) ^ wordOf(":00.")
            fraction = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 20, as: UInt32.self))) ^ wordOf("000Z")
            fractionDigits = 3
        case 27:
            v2 = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))) ^ wordOf(":00.")
            fraction = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 19, as: UInt64.self)) ^ wordOf(".000000Z")
            fractionDigits = 6
        default:
            return nil
        }
        // Separators (and the Z) must be exactly zero; every byte must be at most 9. A byte over 9
        // sets its own high bit here; a carry it causes can only fail a neighbour, never pass one.
        let highs: UInt64 = 0x8080_8080_8080_8080
        let sevens: UInt64 = 0x7676_7676_7676_7676
        guard v0 & 0xFF00_00FF_0000_0000 == 0, v1 & 0x0000_FF00_00FF_0000 == 0, v2 & 0xFF00_00FF == 0,
              ((v0 &+ sevens) | v0 | (v1 &+ sevens) | v1 | (v2 &+ sevens) | v2) & highs == 0 else { return nil }
        if fractionDigits == 3 {
            guard fraction & 0xFF00_0000 == 0, ((fraction &+ sevens) | fraction) & highs == 0 else { return nil }
        } else if fractionDigits == 6 {
            guard fraction & 0xFF00_0000_0000_00FF == 0, ((fraction &+ sevens) | fraction) & highs == 0 else { return nil }
            fraction >>= 8
        }
        @inline(__always) func digit(_ v: UInt64, _ i: UInt64) -> Int64 { Int64((v >> (8 * i)) & 0xFF) }
        // Every value below is bounded by its digits, so wrapping arithmetic cannot wrap.
        let year = digit(v0, 0) &* 1000 &+ digit(v0, 1) &* 100 &+ digit(v0, 2) &* 10 &+ digit(v0, 3)
        let month = digit(v0, 5) &* 10 &+ digit(v0, 6)
        let day = digit(v1, 0) &* 10 &+ digit(v1, 1)
        let hour = digit(v1, 3) &* 10 &+ digit(v1, 4)
        let minute = digit(v1, 6) &* 10 &+ digit(v1, 7)
        let second = digit(v2, 1) &* 10 &+ digit(v2, 2)
        let leap = isLeapYear(year)
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(month: month, leap: leap),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var micros: Int64 = 0
        if fractionDigits > 0 {
            var k: UInt64 = 0
            while k < UInt64(fractionDigits) {
                micros = micros &* 10 &+ digit(fraction, k)
                k += 1
            }
            if fractionDigits == 3 { micros &*= 1000 }
        }
        let days = daysSinceEpoch(year: year, month: month, day: day, leap: leap)
        return (days &* 86_400 &+ hour &* 3600 &+ minute &* 60 &+ second) &* 1_000_000 &+ micros
    }

    /// The little-endian word of up to 8 ASCII bytes.
    @inline(__always)
    static func wordOf(_ s: StaticString) -> UInt64 {
        var w: UInt64 = 0
        let p = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount { w |= UInt64(p[i]) << (8 * UInt64(i)) }
        return w
    }

    /// ``daysFromCivil(year:month:day:)`` for the four-digit years a timestamp can hold, without its
    /// signed era arithmetic (the decoder's hot path parses several timestamps per line).
    @inline(__always)
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64, leap: Bool) -> Int64 {
        guard year >= 1 else { return daysFromCivil(year: year, month: month, day: day) }
        let y = UInt64(truncatingIfNeeded: year &- 1)
        // Days from 0001-01-01 to January 1 of `year`; 719_162 of them come before 1970-01-01.
        let beforeYear = Int64(truncatingIfNeeded: 365 &* y &+ y / 4 &- y / 100 &+ y / 400) &- 719_162
        // Days before the month in a common year: (367m - 362) / 12, less 2 after February (1 in a leap year).
        let m = UInt64(truncatingIfNeeded: month)
        var beforeMonth = Int64(truncatingIfNeeded: (367 &* m &- 362) / 12)
        if month > 2 { beforeMonth &-= leap ? 1 : 2 }
        return beforeYear &+ beforeMonth &+ day &- 1
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

    @inline(__always)
    static func isLeapYear(_ y: Int64) -> Bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    @inline(__always)
    static func daysInMonth(month: Int64, leap: Bool) -> Int64 {
        switch month {
        case 2: return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
