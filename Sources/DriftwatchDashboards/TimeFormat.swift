/// UTC time labels without Foundation's locale machinery (pages read the same wherever rendered).
enum TimeFormat {
    /// `2025-01-06 14:00` (UTC).
    static func minute(_ micros: Int64) -> String {
        let (date, s) = split(micros)
        return "\(date) \(pad(s / 3600)):\(pad((s % 3600) / 60))"
    }

    /// `01-06 14:00`, for axis ticks.
    static func tick(_ micros: Int64) -> String {
        let (date, s) = split(micros)
        return "\(date.dropFirst(5)) \(pad(s / 3600)):\(pad((s % 3600) / 60))"
    }

    static func duration(_ micros: Int64) -> String {
        let s = micros / 1_000_000
        if s % 86_400 == 0 { return "\(s / 86_400) d" }
        if s % 3600 == 0 { return "\(s / 3600) h" }
        if s % 60 == 0 { return "\(s / 60) min" }
        return "\(s) s"
    }

    /// A range: hours up to two days (`24 h`), else as ``duration(_:)`` (`7 d`).
    static func range(_ micros: Int64) -> String {
        let s = micros / 1_000_000
        return s < 2 * 86_400 && s % 3600 == 0 ? "\(s / 3600) h" : duration(micros)
    }

    private static func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Civil date from days since 1970 (Howard Hinnant's algorithm) and the seconds into the day.
    private static func split(_ micros: Int64) -> (String, Int64) {
        var seconds = micros / 1_000_000
        if micros % 1_000_000 < 0 { seconds -= 1 }
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return ("\(y)-\(pad(m))-\(pad(d))", rem)
    }
}
