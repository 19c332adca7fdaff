public import DriftwatchStore

/// Everything `driftwatch` reads from its YAML file. Every key has a default, so running
/// without a file works; see `docs/configuration.md` for the file format.
public struct DriftwatchConfiguration: Sendable, Equatable {
    /// Path of the SQLite database.
    public var databasePath: String = "./driftwatch.sqlite"
    /// Log sources to tail.
    public var sources: [LogSource] = []
    public var ingest = IngestSettings()
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

    public struct IngestSettings: Sendable, Equatable {
        /// Lines longer than this are dead-lettered (`line_too_long`), not buffered.
        public var maxLineBytes: Int = 1 << 20
        /// A batch is committed when it holds this many records...
        public var batchRecords: Int = 20_000
        /// ...or this many bytes of lines; reading pauses until it is committed.
        public var batchBytes: Int = 8 << 20
        /// How often a caught-up tailer looks for new lines.
        public var pollIntervalMillis: Int = 250
        /// How often glob patterns are expanded again to find new files.
        public var discoveryIntervalMillis: Int = 1_000

        public init() {}
    }

    public struct RetentionSettings: Sendable, Equatable {
        public var policy = RetentionPolicy(maxAgeMicros: 30 * 86_400_000_000)
        /// How often the retention pass runs under `run`.
        public var intervalMillis: Int = 600_000

        public init() {}
    }
}
