public import DriftwatchIngest
public import DriftwatchStore

/// Everything `driftwatch` reads from its YAML file. Every key has a default, so running
/// without a file works; see `docs/configuration.md` for the file format.
public struct DriftwatchConfiguration: Sendable, Equatable {
    /// Path of the SQLite database.
    public var databasePath: String = "./driftwatch.sqlite"
    /// Log sources to tail.
    public var sources: [LogSource] = []
    /// Tailing limits and intervals.
    public var ingest = IngestConfiguration()
    public var retention = RetentionSettings()
    public var drift = DriftSettings()

    public init() {}

    /// One service's logs: glob patterns that should also match the rotated files
    /// (e.g. `/var/log/copilot/requests.log*`) so nothing written before a rotation is missed.
    public struct LogSource: Sendable, Equatable {
        public var name: String
        public var paths: [String]

        public init(name: String, paths: [String]) {
            self.name = name
            self.paths = paths
        }
    }

    public struct RetentionSettings: Sendable, Equatable {
        public var policy = RetentionPolicy(maxAgeMicros: 30 * 86_400_000_000)
        /// How often the retention pass runs under `run`.
        public var intervalMillis: Int = 600_000

        public init() {}
    }
}
