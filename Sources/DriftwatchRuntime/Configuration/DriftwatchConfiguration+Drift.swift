public import DriftwatchDrift

extension DriftwatchConfiguration {
    /// The drift detector's settings under `drift:`.
    public struct DriftSettings: Sendable, Equatable {
        /// Windows, features, caps and thresholds of the detector.
        public var detector = DriftConfiguration()
        /// How often `run` catches up with new records and refreshes the stored state.
        public var intervalMillis = 30_000
        /// Rows read per store query and committed per state write.
        public var batchRows = 50_000

        public init() {}
    }
}
