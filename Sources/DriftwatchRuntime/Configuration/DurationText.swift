/// Durations and sizes written the way the configuration reads them (`30d`, `1h30m`, `250ms`, `8MiB`), for messages
/// that quote a setting back to the user and for `config defaults`.
public enum DurationText {
    /// The duration in the largest unit that divides it exactly (`30d`, `90m`, `250ms`): one number and one unit, the
    /// form the loader reads (to the millisecond).
    public static func format(micros: Int64) -> String {
        let millis = max(1, micros / 1000)
        for (unit, name) in [(Int64(7 * 86_400_000), "w"), (86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")] where millis % unit == 0 {
            return "\(millis / unit)\(name)"
        }
        return "\(millis)ms"
    }

    /// A size in the largest binary unit that divides it exactly (`8MiB`, `1536KiB`, `100B`).
    public static func format(bytes: Int64) -> String {
        for (unit, name) in [(Int64(1) << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] where bytes >= unit && bytes % unit == 0 {
            return "\(bytes / unit)\(name)"
        }
        return "\(bytes)B"
    }
}
