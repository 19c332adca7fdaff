import DriftwatchAlerts
import DriftwatchCore
import DriftwatchDashboards
import DriftwatchFleet
import DriftwatchStore
import Foundation

/// What `driftwatch config check` prints: the configuration is loaded (errors stop it before this), then what `run`
/// would do with it: the store, each source's globs and what they match now, the listener, dashboards, alert rules and
/// receivers. Problems that stop something from working are errors (non-zero exit); surprises are warnings.
public struct ConfigCheckReport: Sendable, Codable, Equatable {
    /// The file read, nil when none (every setting at its default).
    public var configFile: String?
    public var database: String
    /// The store as it is now: a Driftwatch store, missing (created by `ingest`/`run`), or the reason it cannot be used.
    public var databaseState: String
    public var sources: [SourceMatches]
    public var retentionMaxAge: String
    public var listen: String?
    public var analysis: Bool
    public var dashboardsOut: String?
    public var dashboards: [String]
    public var ruleFiles: [String]
    public var rules: [String]
    public var receivers: [String]
    public var errors: [String]
    public var warnings: [String]
    /// Where `run` ships the sidecar's state (docs/fleet.md); nil when `fleet` is off.
    public var fleet: String? = nil

    public var ok: Bool { errors.isEmpty }

    enum CodingKeys: String, CodingKey {
        case database, sources, listen, analysis, dashboards, rules, receivers, errors, warnings, fleet
        case configFile = "config_file"
        case databaseState = "database_state"
        case retentionMaxAge = "retention_max_age"
        case dashboardsOut = "dashboards_out"
        case ruleFiles = "rule_files"
    }

    public static func make(configuration c: DriftwatchConfiguration, configFile: String?) -> ConfigCheckReport {
        var errors: [String] = []
        var warnings: [String] = []
        let databaseState: String
        do {
            let store = try SQLiteStore(path: c.databasePath, access: .readOnly)
            databaseState = "a Driftwatch store, schema v\(try store.schemaVersion())"
        } catch let error as DriftwatchError where error.code == .missingStore {
            databaseState = "missing; `driftwatch ingest` or `driftwatch run` creates it"
        } catch let error as DriftwatchError where error.code == .storage && error.message.contains("read-only commands do not migrate") {
            databaseState = "a Driftwatch store of an older schema; `ingest` or `run` upgrades it"
        } catch {
            databaseState = "unusable"
            errors.append("database \(c.databasePath): \(error)")
        }
        let sources = SourceMatches.of(c.sources)
        for source in sources {
            for p in source.patterns where p.matches == 0 {
                warnings.append("source \(source.name): \(p.pattern) matches no file now (run warns while it stays empty)")
            }
        }
        if c.sources.isEmpty && c.server.listen == nil {
            warnings.append("no sources and no server.listen: `run` has nothing to ingest (add sources: with paths:, or server.listen)")
        }
        var dashboards: [String] = []
        do {
            let loader = DashboardDefinitionLoader()
            dashboards = try (c.dashboards.definitionsDirectory.map { try loader.loadDirectory($0) } ?? loader.defaults()).map(\.id)
        } catch {
            errors.append("dashboards.definitions: \(error)")
        }
        let alerts = AlertsAdmin(configuration: c).check()
        // The default rule directory (./Alerts) is only there in a checkout: its absence elsewhere is not a mistake in the file.
        let defaultDirectories = AlertsConfiguration().ruleDirectories
        let missingDefault = c.alerts.ruleDirectories == defaultDirectories && !defaultDirectories.isEmpty && !defaultDirectories.contains { FileManager.default.fileExists(atPath: $0) }
        if missingDefault {
            warnings.append("alerts.rule_dirs is not set and its default \(defaultDirectories.joined(separator: ", ")) does not exist here: no alert rules are loaded")
        }
        errors += alerts.errors.filter { !(missingDefault && $0.contains("does not exist")) }.map { "alert rule: \($0)" }
        if c.alerts.enabled && !alerts.rules.isEmpty && c.alerts.receivers.isEmpty {
            warnings.append("\(alerts.rules.count) alert rules but no alerts.receivers: no notification is sent (the dispatcher does not start)")
        }
        var fleet: String?
        if c.fleet.isEnabled {
            do {
                let url = try FleetShipping.url(c.fleet)
                fleet = "ships to \(url.endpoint) as node \(c.fleet.node) every \(DurationText.format(micros: Int64(c.fleet.intervalMillis) * 1000))"
            } catch let error as DriftwatchError {
                fleet = "unusable"
                errors.append(error.message)
            } catch {
                fleet = "unusable"
                errors.append("fleet: \(error)")
            }
        }
        var report = ConfigCheckReport(
            configFile: configFile, database: c.databasePath, databaseState: databaseState, sources: sources,
            retentionMaxAge: c.retention.policy.maxAgeMicros.map { DurationText.format(micros: $0) } ?? "off",
            listen: c.server.listen, analysis: c.analysis.enabled, dashboardsOut: c.dashboards.outputDirectory, dashboards: dashboards,
            ruleFiles: alerts.files, rules: alerts.rules,
            receivers: c.alerts.receivers.map { "\($0.name) (\($0.kind))" }, errors: errors, warnings: warnings)
        report.fleet = fleet
        return report
    }

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        var lines = [
            "config        \(configFile ?? "none (every setting at its default)")",
            "database      \(database): \(databaseState)",
            "retention     max_age \(retentionMaxAge)",
            "server        \(listen.map { "listening on \($0) (OTLP/HTTP, /metrics, /healthz)" } ?? "off")",
            "analysis      \(analysis ? "on" : "off")",
            "dashboards    \(dashboards.count) (\(dashboards.joined(separator: ", "))) " + (dashboardsOut.map { "written to \($0) under run" } ?? "not written under run (dashboards.out off)"),
            "alert rules   \(rules.count) in \(ruleFiles.count) files",
        ]
        lines += rules.map { "  \($0)" }
        lines.append("fleet         \(fleet ?? "off (fleet.url_env not set)")")
        lines.append("receivers     \(receivers.isEmpty ? "none" : receivers.joined(separator: ", "))")
        lines.append(sources.isEmpty ? "sources       none" : "sources (\(sources.count))")
        for source in sources { lines += source.lines }
        lines += warnings.map { "warning: \($0)" }
        lines += errors.map { "error: \($0)" }
        lines.append(ok ? "ok" : "\(errors.count) error(s)")
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}
