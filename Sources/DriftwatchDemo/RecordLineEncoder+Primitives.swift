import DriftwatchCore

/// Strings, integers, doubles and timestamps, each formatted exactly as `RecordEncoder` formats them.
extension RecordLineEncoder {
    private static let integerPowersOfTen: [UInt64] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000]
    private static let hexDigits: StaticString = "0123456789abcdef"

    @inline(__always)
    func string(_ value: String) {
        var s = value
        s.withUTF8 { utf8 in
            let b = buffer
            let n = utf8.count
            b.reserve(n + 2)
            b.append(UInt8(ascii: "\""))
            if let src = utf8.baseAddress, !Self.needsEscaping(UnsafeRawPointer(src), n) {
                ByteBuffer.copy(from: UnsafeRawPointer(src), to: UnsafeMutableRawPointer(b.base + b.count), count: n)
                b.count += n
            } else {
                for byte in utf8 { escaped(byte) }
            }
            b.append(UInt8(ascii: "\""))
        }
    }

    /// Whether any byte is a control character, a quote or a backslash, eight bytes at a time (SWAR).
    @inline(__always)
    static func needsEscaping(_ p: UnsafeRawPointer, _ n: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let slash = w ^ (ones &* 0x5C)
            // A byte of a word is zero (or below 0x20) exactly when its high bit survives this expression;
            // bytes >= 0x80 are excluded by `& ~w`.
            let control = (w &- ones &* 0x20) & ~w
            let hit = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | control
            if hit & highs != 0 { return true }
            i += 8
        }
        while i < n {
            let byte = p.load(fromByteOffset: i, as: UInt8.self)
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            i += 1
        }
        return false
    }

    private func escaped(_ byte: UInt8) {
        let b = buffer
        switch byte {
        case 0x22: b.append("\\\"")
        case 0x5C: b.append("\\\\")
        case 0x0A: b.append("\\n")
        case 0x0D: b.append("\\r")
        case 0x09: b.append("\\t")
        case 0..<0x20:
            b.append("\\u00")
            let hex = Self.hexDigits.utf8Start
            b.append(hex[Int(byte >> 4)])
            b.append(hex[Int(byte & 0xF)])
        default: b.append(byte)
        }
    }

    @inline(__always)
    func int(_ value: Int64) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude, minimumDigits: 1)
    }

    /// Writes `value` in decimal, left-padded with zeros to `minimumDigits`, straight into the buffer.
    @inline(__always)
    func unsigned(_ value: UInt64, minimumDigits: Int) {
        var width = 1
        var limit: UInt64 = 10
        while width < 20, value >= limit {
            width += 1
            limit = limit &* 10
        }
        if width < minimumDigits { width = minimumDigits }
        let b = buffer
        b.reserve(width)
        var p = b.base + b.count + width
        var v = value
        for _ in 0..<width {
            p -= 1
            p.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
            v /= 10
        }
        b.count += width
    }

    /// Integers as integers; short decimals by hand when their shortest round-trip form is provably the
    /// `n / 10^k` found; anything else through Swift's description, as `RecordEncoder` does.
    @inline(__always)
    func double(_ d: Double) {
        guard d.isFinite else { buffer.append("null"); return }
        let magnitude = abs(d)
        // Truncation instead of `rounded()`, which is a libm call on baseline x86-64.
        if magnitude < 1e15, Double(Int64(d)) == d {
            int(Int64(d))
            return
        }
        // Below 1e9 a double's spacing is under 1e-7, so at most one decimal with six or fewer fractional
        // digits rounds to it; if it does, its digits without trailing zeros are the shortest round-trip form.
        if magnitude >= 1e-4, magnitude < 1e9 {
            var n = UInt64(magnitude * 1e6 + 0.5)
            if Double(n) / 1e6 == magnitude {
                var k = 6
                while n % 10 == 0 { n /= 10; k -= 1 }
                if d < 0 { buffer.append(UInt8(ascii: "-")) }
                let divisor = Self.integerPowersOfTen[k]
                unsigned(n / divisor, minimumDigits: 1)
                buffer.append(UInt8(ascii: "."))
                unsigned(n % divisor, minimumDigits: k)
                return
            }
        }
        var text = "\(d)"
        text.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff]Z` as `RFC3339.format(micros:)` writes it, with the date part cached.
    @inline(__always)
    func timestamp(_ micros: Int64) {
        var secs = micros / 1_000_000
        var frac = micros % 1_000_000
        if frac < 0 { frac += 1_000_000; secs -= 1 }
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let b = buffer
        guard dates.append(day: days, to: b) else {
            var text = RFC3339.format(micros: micros)
            text.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
            return
        }
        b.reserve(16)
        let p = b.base + b.count
        let hour = rem / 3600, minute = (rem % 3600) / 60, second = rem % 60
        p[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: hour / 10)
        p[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: hour % 10)
        p[2] = UInt8(ascii: ":")
        p[3] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: minute / 10)
        p[4] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: minute % 10)
        p[5] = UInt8(ascii: ":")
        p[6] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: second / 10)
        p[7] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: second % 10)
        b.count += 8
        if frac != 0 {
            b.append(UInt8(ascii: "."))
            if frac % 1000 == 0 { unsigned(UInt64(frac / 1000), minimumDigits: 3) } else { unsigned(UInt64(frac), minimumDigits: 6) }
        }
        b.append(UInt8(ascii: "Z"))
    }

}

/// A direct-mapped cache of formatted dates, so a timestamp costs a lookup rather than a calendar computation.
final class DatePrefixCache {
    private static let slots = 256
    private let days = UnsafeMutablePointer<Int64>.allocate(capacity: DatePrefixCache.slots)
    private let text = UnsafeMutablePointer<UInt8>.allocate(capacity: DatePrefixCache.slots * 16)

    init() { days.initialize(repeating: .min, count: Self.slots) }

    deinit {
        days.deallocate()
        text.deallocate()
    }

    /// Appends `YYYY-MM-DDT` for `day` (days since the epoch); false for years outside 0...9999.
    @inline(__always)
    func append(day: Int64, to buffer: ByteBuffer) -> Bool {
        let slot = Int(UInt64(bitPattern: day) & UInt64(Self.slots - 1))
        let entry = text + slot * 16
        if days[slot] != day {
            let (y, m, d) = RFC3339.civilFromDays(day)
            guard (0...9999).contains(y) else { return false }
            func put(_ v: Int64, _ at: Int, _ width: Int) {
                var v = v
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    entry[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(y, 0, 4); entry[4] = UInt8(ascii: "-")
            put(m, 5, 2); entry[7] = UInt8(ascii: "-")
            put(d, 8, 2); entry[10] = UInt8(ascii: "T")
            days[slot] = day
        }
        buffer.append(UnsafeRawBufferPointer(start: entry, count: 11))
        return true
    }
}
