import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchIngest
import DriftwatchStore
import Foundation
import Yams

/// Reads a ``DriftwatchConfiguration`` from YAML. Errors name the file, the key (as a dotted path),
/// the line, and what was expected; unknown keys are errors too, since a typo silently ignored
/// is a setting silently not applied.
public struct ConfigurationLoader: Sendable {
    public init() {}

    public func load(path: String) throws -> DriftwatchConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DriftwatchError(.invalidConfig, "\(path): cannot read the configuration file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DriftwatchError(.invalidConfig, "\(path): the configuration file is not UTF-8 text")
        }
        return try load(yaml: text, file: path)
    }

    public func load(yaml: String, file: String = "<config>") throws -> DriftwatchConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw DriftwatchError(.invalidConfig, "\(file): not valid YAML: \(error)")
        }
        var config = DriftwatchConfiguration()
        guard let root else { return config }
        let reader = NodeReader(file: file)
        let top = try reader.mapping(root, path: "")
        try reader.allowOnly(top, keys: ["database", "sources", "ingest", "retention", "server", "analysis", "drift", "dashboards", "alerts", "fleet"], path: "")
        if let node = top["database"] { config.databasePath = try reader.string(node, path: "database") }
        if let node = top["sources"] {
            config.sources = try reader.sequence(node, path: "sources").enumerated().map { index, item in
                try readSource(item, index: index, reader: reader)
            }
        }
        if let node = top["ingest"] {
            let fields = try reader.mapping(node, path: "ingest")
            try reader.allowOnly(fields, keys: ["max_line_bytes", "batch_records", "batch_bytes", "poll_interval", "discovery_interval"], path: "ingest")
            if let n = fields["max_line_bytes"] { config.ingest.maxLineBytes = Int(try reader.bytes(n, path: "ingest.max_line_bytes", minimum: 1024)) }
            if let n = fields["batch_records"] { config.ingest.batchMaxRecords = try reader.int(n, path: "ingest.batch_records", minimum: 1) }
            if let n = fields["batch_bytes"] { config.ingest.batchMaxBytes = Int(try reader.bytes(n, path: "ingest.batch_bytes", minimum: 4096)) }
            if let n = fields["poll_interval"] { config.ingest.pollInterval = .microseconds(try reader.duration(n, path: "ingest.poll_interval")) }
            if let n = fields["discovery_interval"] { config.ingest.discoveryInterval = .microseconds(try reader.duration(n, path: "ingest.discovery_interval")) }
        }
        if let node = top["retention"] {
            let fields = try reader.mapping(node, path: "retention")
            try reader.allowOnly(fields, keys: ["max_age", "max_size", "interval"], path: "retention")
            if let n = fields["max_age"] {
                config.retention.policy.maxAgeMicros = try reader.isOff(n) ? nil : reader.duration(n, path: "retention.max_age")
            }
            if let n = fields["max_size"] {
                config.retention.policy.maxBytes = try reader.isOff(n) ? nil : reader.bytes(n, path: "retention.max_size", minimum: 1 << 20)
            }
            if let n = fields["interval"] { config.retention.intervalMillis = Int(try reader.duration(n, path: "retention.interval") / 1000) }
        }
        if let node = top["server"] {
            let fields = try reader.mapping(node, path: "server")
            try reader.allowOnly(fields, keys: ["listen", "bearer_token", "bearer_token_env", "max_request_bytes", "trace_wait", "trace_max_wait", "journal", "idle_timeout", "header_timeout", "body_timeout", "max_connections", "max_inflight_bytes", "metrics_auth"], path: "server")
            if let n = fields["listen"] {
                if reader.isOff(n) {
                    config.server.listen = nil
                } else {
                    let text = try reader.string(n, path: "server.listen")
                    guard Self.isListenAddress(text) else {
                        throw reader.error(n, path: "server.listen", "expected host:port such as 127.0.0.1:4318, got \"\(text)\"")
                    }
                    config.server.listen = text
                }
            }
            if let n = fields["bearer_token"] { config.server.bearerToken = try reader.string(n, path: "server.bearer_token") }
            if let n = fields["bearer_token_env"] {
                let name = try reader.string(n, path: "server.bearer_token_env")
                guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                    throw reader.error(n, path: "server.bearer_token_env", "names the environment variable \(name), which is not set")
                }
                config.server.bearerToken = value
            }
            if let n = fields["max_request_bytes"] { config.server.maxRequestBytes = Int(try reader.bytes(n, path: "server.max_request_bytes", minimum: 1024)) }
            if let n = fields["trace_wait"] { config.server.traceWaitMillis = Int(try reader.duration(n, path: "server.trace_wait") / 1000) }
            if let n = fields["trace_max_wait"] { config.server.traceMaxWaitMillis = Int(try reader.duration(n, path: "server.trace_max_wait") / 1000) }
            if let n = fields["journal"] { config.server.journal = try reader.bool(n, path: "server.journal") }
            if let n = fields["idle_timeout"] { config.server.idleTimeoutMillis = Int(try reader.duration(n, path: "server.idle_timeout") / 1000) }
            if let n = fields["header_timeout"] {
                config.server.headerTimeoutMillis = Int(try reader.duration(n, path: "server.header_timeout") / 1000)
                if config.server.headerTimeoutMillis < 1 { throw reader.error(n, path: "server.header_timeout", "must be at least 1ms") }
            }
            if let n = fields["body_timeout"] {
                config.server.bodyTimeoutMillis = Int(try reader.duration(n, path: "server.body_timeout") / 1000)
                if config.server.bodyTimeoutMillis < 1 { throw reader.error(n, path: "server.body_timeout", "must be at least 1ms") }
            }
            if let n = fields["max_inflight_bytes"] { config.server.maxInflightBytes = Int(try reader.bytes(n, path: "server.max_inflight_bytes", minimum: 64 * 1024)) }
            if let n = fields["max_connections"] { config.server.maxConnections = try reader.int(n, path: "server.max_connections", minimum: 1) }
            if let n = fields["metrics_auth"] {
                config.server.metricsAuth = try reader.bool(n, path: "server.metrics_auth")
                if config.server.metricsAuth && config.server.bearerToken == nil {
                    throw reader.error(n, path: "server.metrics_auth", "needs a token to check: set server.bearer_token or server.bearer_token_env")
                }
            }
        }
        if let node = top["analysis"] { try loadAnalysis(node, reader: reader, into: &config.analysis) }
        if let node = top["drift"] { config.drift = try readDrift(node, reader: reader) }
        if let node = top["dashboards"] { config.dashboards = try readDashboards(node, reader: reader) }
        if let node = top["alerts"] { config.alerts = try readAlerts(node, reader: reader) }
        if let node = top["fleet"] { config.fleet = try readFleet(node, reader: reader) }
        return config
    }

    /// `host:port` with a port in 0...65535.
    static func isListenAddress(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return false }
        return (0...65535).contains(port) && colon != text.startIndex
    }

    private func loadAnalysis(_ node: Node, reader: NodeReader, into settings: inout DriftwatchConfiguration.AnalysisSettings) throws {
        let fields = try reader.mapping(node, path: "analysis")
        try reader.allowOnly(fields, keys: ["enabled", "interval", "batch_records", "bucket", "coarse_bucket", "current_window",
                                            "baseline_window", "min_effect", "false_discovery_rate", "export_dir",
                                            "rollup_retention", "coarse_rollup_retention", "detect_checks", "detect_tool_failures", "hourly_dispersion", "detect_slices",
                                            "slice_alpha", "slice_min_trials", "cohort_horizon", "resolve_confirmations",
                                            "recovery_window", "reopen_within", "onset_lookback", "lateness", "max_clock_skew"], path: "analysis")
        if let n = fields["enabled"] { settings.enabled = try reader.bool(n, path: "analysis.enabled") }
        if let n = fields["interval"] { settings.intervalMillis = Int(try reader.duration(n, path: "analysis.interval") / 1000) }
        if let n = fields["batch_records"] { settings.batchRecords = try reader.int(n, path: "analysis.batch_records", minimum: 1) }
        if let n = fields["bucket"] { settings.engine.bucketMicros = try reader.duration(n, path: "analysis.bucket") }
        if let n = fields["coarse_bucket"] { settings.engine.coarseBucketMicros = try reader.duration(n, path: "analysis.coarse_bucket") }
        if let n = fields["current_window"] { settings.engine.currentWindowMicros = try reader.duration(n, path: "analysis.current_window") }
        if let n = fields["baseline_window"] { settings.engine.baselineWindowMicros = try reader.duration(n, path: "analysis.baseline_window") }
        if let n = fields["lateness"] { settings.engine.latenessMicros = try reader.duration(n, path: "analysis.lateness") }
        if let n = fields["max_clock_skew"] { settings.engine.maxClockSkewMicros = try reader.duration(n, path: "analysis.max_clock_skew") }
        if let n = fields["min_effect"] { settings.engine.minimumEffect = try reader.fraction(n, path: "analysis.min_effect") }
        if let n = fields["false_discovery_rate"] { settings.engine.falseDiscoveryRate = try reader.fraction(n, path: "analysis.false_discovery_rate") }
        if let n = fields["export_dir"] { settings.exportDirectory = reader.isOff(n) ? nil : try reader.string(n, path: "analysis.export_dir") }
        if let n = fields["rollup_retention"] { settings.fineRetentionMicros = try reader.duration(n, path: "analysis.rollup_retention") }
        if let n = fields["coarse_rollup_retention"] { settings.coarseRetentionMicros = try reader.duration(n, path: "analysis.coarse_rollup_retention") }
        if let n = fields["detect_checks"] { settings.engine.detectChecks = try reader.bool(n, path: "analysis.detect_checks") }
        if let n = fields["detect_tool_failures"] { settings.engine.detectToolFailures = try reader.bool(n, path: "analysis.detect_tool_failures") }
        if let n = fields["hourly_dispersion"] { settings.engine.hourlyDispersion = try reader.bool(n, path: "analysis.hourly_dispersion") }
        if let n = fields["detect_slices"] { settings.engine.detectSlices = try reader.bool(n, path: "analysis.detect_slices") }
        if let n = fields["slice_alpha"] { settings.engine.sliceAlpha = try reader.fraction(n, path: "analysis.slice_alpha") }
        if let n = fields["slice_min_trials"] { settings.engine.sliceMinimumTrials = Int64(try reader.int(n, path: "analysis.slice_min_trials", minimum: 1)) }
        if let n = fields["cohort_horizon"] { settings.engine.cohortHorizonMicros = try reader.duration(n, path: "analysis.cohort_horizon") }
        if let n = fields["resolve_confirmations"] { settings.engine.resolveConfirmations = try reader.int(n, path: "analysis.resolve_confirmations", minimum: 1) }
        if let n = fields["recovery_window"] { settings.engine.recoveryWindowMicros = try reader.duration(n, path: "analysis.recovery_window") }
        if let n = fields["reopen_within"] { settings.engine.reopenWithinMicros = try reader.duration(n, path: "analysis.reopen_within") }
        if let n = fields["onset_lookback"] { settings.engine.onsetLookbackMicros = try reader.duration(n, path: "analysis.onset_lookback") }
        do {
            try settings.engine.validate()
        } catch {
            throw reader.error(node, path: "analysis", error.message)
        }
    }
}

/// Typed access to YAML nodes with errors that point at the file, key and line.
struct NodeReader {
    let file: String

    func error(_ node: Node, path: String, _ expectation: String) -> DriftwatchError {
        let line = node.mark.map { ", line \($0.line)" } ?? ""
        return DriftwatchError(.invalidConfig, "\(file)\(line): key \"\(path)\" \(expectation)")
    }

    func mapping(_ node: Node, path: String) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(node, path: path.isEmpty ? "(top level)" : path, "expected a mapping of keys to values")
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, path: path, "has a key that is not a string") }
            result[name] = value
        }
        return result
    }

    func allowOnly(_ fields: [String: Node], keys: Set<String>, path: String) throws {
        for (key, value) in fields where !keys.contains(key) {
            let full = path.isEmpty ? key : path + "." + key
            throw error(value, path: full, "is not a known setting; expected one of: \(keys.sorted().joined(separator: ", "))")
        }
    }

    func sequence(_ node: Node, path: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, path: path, "expected a list") }
        return Array(sequence)
    }

    func string(_ node: Node, path: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error(node, path: path, "expected a non-empty string")
        }
        return scalar.string
    }

    func int(_ node: Node, path: String, minimum: Int) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), value >= minimum else {
            throw error(node, path: path, "expected a whole number of at least \(minimum), got \(describe(node))")
        }
        return value
    }

    /// A number strictly between 0 and 1, e.g. `0.02`, or a percentage such as `2%`.
    func fraction(_ node: Node, path: String) throws -> Double {
        if case .scalar(let scalar) = node {
            let text = scalar.string.trimmingCharacters(in: .whitespaces)
            let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
            if let value, value > 0, value < 1 { return value }
        }
        throw error(node, path: path, "expected a fraction between 0 and 1 such as 0.02 or 2%, got \(describe(node))")
    }

    func isOff(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return ["off", "none", "false", "null", "~"].contains(scalar.string.lowercased())
    }

    /// Durations like `250ms`, `10s`, `5m`, `2h`, `30d`. A bare number is an error: `max_age: 30` once
    /// meant 30 seconds to the loader and 30 days to its author. Returns microseconds.
    func duration(_ node: Node, path: String) throws -> Int64 {
        guard case .scalar(let scalar) = node, let value = Self.parseDuration(scalar.string), value > 0 else {
            throw error(node, path: path, "expected a positive duration with a unit such as 250ms, 10s, 5m, 2h or 30d, got \(describe(node))\(unitHint(node))")
        }
        return value
    }

    /// Sizes like `512KiB`, `100MB`, `10GiB`; a bare number is an error, as for durations.
    func bytes(_ node: Node, path: String, minimum: Int64) throws -> Int64 {
        guard case .scalar(let scalar) = node, let value = Self.parseBytes(scalar.string), value >= minimum else {
            throw error(node, path: path, "expected a size with a unit of at least \(minimum) bytes such as 512KiB, 100MB or 10GiB, got \(describe(node))\(unitHint(node))")
        }
        return value
    }

    /// Points out a missing unit.
    private func unitHint(_ node: Node) -> String {
        guard case .scalar(let scalar) = node, Double(scalar.string.trimmingCharacters(in: .whitespaces)) != nil else { return "" }
        return " (a bare number has no unit)"
    }

    private func describe(_ node: Node) -> String {
        if case .scalar(let scalar) = node { return "\"\(scalar.string)\"" }
        if case .mapping = node { return "a mapping" }
        return "a list"
    }

    static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1e3), ("s", 1e6), ("m", 60e6), ("h", 3600e6), ("d", 86_400e6), ("w", 604_800e6)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let number = Double(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number.isFinite {
                return Int64(number * scale)
            }
        }
        return nil
    }

    static func parseBytes(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
                                         ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let number = Double(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number.isFinite, number >= 0 {
                return Int64(number * scale)
            }
        }
        return nil
    }
}
