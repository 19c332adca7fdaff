import Foundation

extension DriftwatchConfiguration {
    /// `fleet:`: where this sidecar ships its mergeable state, and what the central view (`--fleet`) reads
    /// (docs/fleet.md). Off unless `url_env` is set.
    public struct FleetSettings: Sendable, Equatable {
        /// The environment variable holding the PostgreSQL URL (a URL carries a password, so it is never in the file).
        public var urlEnvironmentVariable: String?
        /// This sidecar's name in the fleet store: the key its rows are stored under.
        public var node: String = FleetSettings.hostName
        /// How often `run` ships.
        public var intervalMillis: Int = 10_000
        /// How long the central role's lease lasts without renewal: a standby central takes over at most this long
        /// after the leader died.
        public var leaseTTLMillis: Int = 30_000
        /// Whether a sidecar in a fleet also sends the incident alerts of its own analysis (off: the central does,
        /// once per fleet; the sidecar keeps its record-level rules: no records, metric thresholds, drift).
        public var localAlerts: Bool = false

        public init() {}

        public var isEnabled: Bool { urlEnvironmentVariable != nil }

        /// The host name up to its first dot, as `hostname -s` prints it.
        static let hostName: String = {
            let name = ProcessInfo.processInfo.hostName
            let short = name.split(separator: ".").first.map(String.init) ?? name
            return short.isEmpty ? "node" : short
        }()
    }
}
