/// One rendering of the range pages. The configured range (`dashboards.range`) is written at the output root, so
/// `index.html` and the links alert notifications carry stay where they were; 24 h and 30 d are written the same
/// way under `24h/` and `30d/` (a range equal to the configured one is not written twice). Every page's header
/// links to the same page in the other ranges.
struct RangeVariant: Equatable, Sendable {
    /// `""` for the configured range, else `24h/` or `30d/`.
    var directory: String
    var micros: Int64
    var isConfigured: Bool { directory.isEmpty }

    static let hour: Int64 = 3_600_000_000
    /// The fixed alternatives every page is also rendered for.
    static let alternatives: [(directory: String, micros: Int64)] = [("24h/", 24 * hour), ("30d/", 720 * hour)]

    /// The configured range first, then the alternatives that differ from it.
    static func all(configured: Int64) -> [RangeVariant] {
        [RangeVariant(directory: "", micros: configured)]
            + alternatives.filter { $0.micros != configured }.map { RangeVariant(directory: $0.directory, micros: $0.micros) }
    }
}
