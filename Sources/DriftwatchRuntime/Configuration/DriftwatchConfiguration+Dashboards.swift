extension DriftwatchConfiguration {
    /// Static HTML dashboards under `dashboards:`; `run` re-renders them only when `out` is set.
    public struct DashboardSettings: Sendable, Equatable {
        /// Where pages are written; nil: `run` renders none.
        public var outputDirectory: String?
        /// Directory of dashboard definitions (`*.yaml`); nil: the shipped defaults.
        public var definitionsDirectory: String?
        /// How often `run` re-renders.
        public var intervalMillis = 60_000

        public init() {}
    }
}
