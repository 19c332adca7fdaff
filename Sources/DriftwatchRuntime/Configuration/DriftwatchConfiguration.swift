public import DriftwatchAlerts
public import DriftwatchCore
public import DriftwatchIngest
public import DriftwatchAnalysis
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
    /// The HTTP listener: OTLP/HTTP traces in, `/metrics` and `/healthz` out. Off unless configured.
    public var server = ServerSettings()
    /// Rollups, regression detection and incidents.
    public var analysis = AnalysisSettings()
    /// Drift detection on request features.
    public var drift = DriftSettings()
    /// Static HTML dashboards (`dashboards:`).
    public var dashboards = DashboardSettings()
    /// Alert rules, routing, receivers and delivery retries (`alerts:`).
    public var alerts = AlertsConfiguration()
    /// The fleet store this sidecar ships to, and the central view reads (`fleet:`, docs/fleet.md).
    public var fleet = FleetSettings()

    public init() {}

    /// One service's logs: glob patterns that should also match the rotated files
    /// (e.g. `/var/log/copilot/requests.log*`) so nothing written before a rotation is missed.
    public struct LogSource: Sendable, Equatable {
        public var name: String
        public var paths: [String]
        /// What each line is.
        public var format: LogFormat
        /// For a service that logs its own field names: how its lines become records (`fields:` and friends).
        public var mapping: FieldMapping?
        /// Which matched files may be read (`follow_symlinks`, `allowed_owners`).
        public var admission = FileAdmission()
        /// `allowed_owners` as written (user names or uids), for `config defaults`; resolved in ``admission``.
        public var allowedOwnerNames: [String]?

        public init(name: String, paths: [String], format: LogFormat = .driftwatch, mapping: FieldMapping? = nil) {
            self.name = name
            self.paths = paths
            self.format = format
            self.mapping = mapping
        }
    }

    /// The line formats a source can have (`format:` in `sources:`).
    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        /// Request records, format v1 (the JSON Schema in the repo).
        case driftwatch
        /// The OpenTelemetry Collector's file exporter (JSON): one OTLP request per line, one record
        /// per trace in it, mapped as the OTLP receiver maps them (docs/otlp-mapping.md).
        case otlpJSON = "otlp_json"
    }

    public struct RetentionSettings: Sendable, Equatable {
        public var policy = RetentionPolicy(maxAgeMicros: 30 * 86_400_000_000)
        /// How often the retention pass runs under `run`.
        public var intervalMillis: Int = 600_000

        public init() {}
    }

    public struct ServerSettings: Sendable, Equatable {
        /// `host:port` to listen on (loopback by default when enabled); nil turns the listener off.
        public var listen: String?
        /// Bearer token OTLP clients must send; read from `bearer_token` or the variable named by `bearer_token_env`.
        public var bearerToken: String?
        public var maxRequestBytes: Int = 4 << 20
        /// How long to wait for more spans of a trace after its root span arrived.
        public var traceWaitMillis: Int = 2_000
        /// Longest a trace is held waiting for its root span.
        public var traceMaxWaitMillis: Int = 30_000
        /// Journal each request before answering 200, so acknowledged spans survive a crash. Off trades
        /// that guarantee for throughput (a 200 then means "held in memory").
        public var journal: Bool = true
        /// A connection with nothing read for this long is closed (an idle keep-alive, or a client stalled mid-body).
        public var idleTimeoutMillis: Int = 30_000
        /// A request's head must be complete this long after its first byte (slowloris clients are cut off).
        public var headerTimeoutMillis: Int = 10_000
        /// A request's body must be complete this long after its head.
        public var bodyTimeoutMillis: Int = 60_000
        /// Connections beyond this many wait in the listen backlog until one closes, so idle clients cannot exhaust
        /// the process's file descriptors (which the tailer needs to open log files).
        public var maxConnections: Int = 256
        /// Request bodies held in memory across all connections at once; a request beyond it gets 503 and is retried.
        public var maxInflightBytes: Int = 64 << 20
        /// `GET /metrics` requires the bearer token too (`metrics_auth`); off: metrics are open to whoever reaches the port.
        public var metricsAuth = false

        public init() {}
    }

    public struct AnalysisSettings: Sendable, Equatable {
        /// Whether `run` keeps rollups and incidents current.
        public var enabled = true
        /// Windows, buckets and statistical thresholds of the analyzer.
        public var engine = AnalysisConfiguration()
        /// How often a caught-up analyzer looks for new records.
        public var intervalMillis: Int = 5_000
        /// Records analysed and committed per transaction.
        public var batchRecords: Int = 20_000
        /// Where `targeted_retraining` incidents write their request ID files; nil disables exports.
        public var exportDirectory: String? = "./driftwatch-exports"
        /// Fine and coarse rollups older than these are deleted from the store.
        public var fineRetentionMicros: Int64 = 7 * 86_400_000_000
        public var coarseRetentionMicros: Int64 = 90 * 86_400_000_000

        public init() {}
    }
}
