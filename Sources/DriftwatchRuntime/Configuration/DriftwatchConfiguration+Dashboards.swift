extension DriftwatchConfiguration {
    /// Static HTML dashboards under `dashboards:`; `run` re-renders them only when `out` is set.
    public struct DashboardSettings: Sendable, Equatable {
        /// Where pages are written; nil: `run` renders none.
        public var outputDirectory: String?
        /// Directory of dashboard definitions (`*.yaml`); nil: the shipped defaults.
        public var definitionsDirectory: String?
        /// How often `run` re-renders.
        public var intervalMillis = 60_000
        /// The time range of every page that does not set its own (all shipped pages).
        public var rangeMicros: Int64 = DashboardSettings.defaultRangeMicros
        public static let defaultRangeMicros: Int64 = 7 * 86_400_000_000

        public init() {}
    }
}
