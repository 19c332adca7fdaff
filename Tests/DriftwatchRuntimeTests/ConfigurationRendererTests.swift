import DriftwatchAlerts
import DriftwatchCore
import DriftwatchMetrics
@testable import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

@Suite("config defaults and config check")
struct ConfigurationRendererTests {
    static let rich = """
        database: /var/lib/dw/store.sqlite
        sources:
          - name: legacy
            paths: ["/var/log/app/llm.jsonl*"]
            fields:
              request_id: id
              timestamp: ts
              task: route_name
              retrieval.index_version: ctx.index
              retrieval.evidence: ctx.docs
              outcome: status
            timestamp_unit: ms
            elements:
              retrieval.evidence: {id: doc_id, score: sim}
            values:
              outcome: {ok: success, error: failure}
            constants:
              service: support-copilot
          - name: collector
            paths: [/var/log/otel/*.json]
            format: otlp_json
            follow_symlinks: false
            allowed_owners: [root, "1001"]
        ingest: { max_line_bytes: 2MiB, batch_records: 5000, poll_interval: 100ms }
        retention: { max_age: off, max_size: 10GiB, interval: 90m }
        server: { listen: 127.0.0.1:4318, journal: off, max_connections: 32 }
        analysis: { bucket: 10m, lateness: 2h, min_effect: 3%, export_dir: off }
        drift: { baseline: 2h, reference_bucket: 30m, significance_guard: off, features: [task, {name: retrieval.top_score, reference: trailing, test: psi, threshold: 0.2}] }
        dashboards: { out: /srv/dash, definitions: ./Dashboards, interval: 5m }
        fleet: { url_env: DRIFTWATCH_FLEET_URL, node: replica-a, interval: 30s, lease_ttl: 45s, local_alerts: true }
        alerts:
          rule_dirs: [Alerts, /etc/dw/rules]
          dashboard_url: https://dw.example/dash
          route:
            receiver: ops
            group_wait: 0s
            routes:
              - { matchers: ['severity="page"'], receiver: pager, continue: true, group_by: [alertname] }
          receivers:
            - name: ops
              webhook: { url: "https://hooks.example/x", format: alertmanager, timeout: 5s }
            - name: pager
              send_resolved: false
              email: { to: [oncall@example.com], from: dw@example.com, smarthost: smtp.example.com:465, username: dw, password: hunter2 }
          retry: { max_attempts: 3, initial_backoff: 2s, max_backoff: 1m }
        """

    @Test("config defaults prints YAML that loads back to the same configuration", arguments: ["", rich])
    func renderedConfigurationLoadsBack(yaml: String) throws {
        let loader = ConfigurationLoader()
        let config = try loader.load(yaml: yaml)
        let text = ConfigurationRenderer.render(config)
        var again = try loader.load(yaml: text, file: "<defaults>")
        // Secrets are not printed: put back the one the rich file sets before comparing.
        if let i = again.alerts.receivers.firstIndex(where: { $0.name == "pager" }) {
            again.alerts.receivers[i].email?.password = config.alerts.receivers[i].email?.password
        }
        #expect(again == config, "\(text)")
        #expect(!text.contains("hunter2"))
        #expect(ConfigurationRenderer.render(again) == text)
    }

    @Test("the defaults show every key with its default value")
    func defaultsAreFilledIn() {
        let text = ConfigurationRenderer.render(DriftwatchConfiguration())
        for line in ["database: \"./driftwatch.sqlite\"", "  max_age: 30d", "  max_size: off", "  poll_interval: 250ms",
                     "  batch_bytes: 8MiB", "  listen: off", "  bucket: 5m", "  baseline: rolling", "  rule_dirs: []", "  builtin_rules: true",
                     "  min_effect: 0.02", "    max_attempts: 10"] {
            #expect(text.contains(line + "\n"), "missing \(line)")
        }
    }

    /// Every key path `config defaults` prints for a configuration that sets every section.
    static func keyPaths(_ yaml: String) -> Set<String> {
        var stack: [(indent: Int, key: String)] = []
        var paths = Set<String>()
        for raw in yaml.split(separator: "\n") {
            let trimmed = raw.drop { $0 == " " }
            guard !trimmed.hasPrefix("#") else { continue }
            let isItem = trimmed.hasPrefix("- ")
            let body = isItem ? trimmed.dropFirst(2) : trimmed
            let indent = raw.count - trimmed.count + (isItem ? 2 : 0)
            guard let colon = body.firstIndex(of: ":"), !body.hasPrefix("{"), !body.hasPrefix("\"") else { continue }
            let key = String(body[..<colon])
            guard key.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "." }) else { continue }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            let path = (stack.map(\.key) + [key]).joined(separator: ".")
            // Below sources[].fields/elements/values/constants the keys are record fields, not settings.
            if !["fields", "elements", "values", "constants"].contains(where: { stack.map(\.key).contains($0) }) {
                paths.insert(path)
            }
            stack.append((indent, key))
        }
        return paths
    }

    @Test("docs/configuration.md documents every key config defaults prints")
    func everyKeyIsDocumented() throws {
        let docs = try String(contentsOf: DriftwatchExecutable.packageRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let config = try ConfigurationLoader().load(yaml: Self.rich)
        let paths = Self.keyPaths(ConfigurationRenderer.render(config))
        #expect(paths.count > 80, "\(paths.sorted())")
        // Lists are written `sources[].name` or `alerts.receivers[].email.to` in the reference.
        let undocumented = paths.filter { path in
            let last = path.split(separator: ".").last.map(String.init) ?? path
            return !docs.contains("`\(path)`") && !docs.contains(".\(last)`") && !docs.contains("`\(last)`")
        }
        #expect(undocumented.isEmpty, "not in docs/configuration.md: \(undocumented.sorted())")
    }

    @Test("docs/configuration.md documents every key the loader accepts")
    func everyAcceptedKeyIsDocumented() throws {
        let root = DriftwatchExecutable.packageRoot
        let docs = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let dir = root.appendingPathComponent("Sources/DriftwatchRuntime/Configuration")
        var keys = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasPrefix("ConfigurationLoader") {
            let source = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            // Every `allowOnly(…, keys: [ "a", "b", … ]` list.
            var rest = source[...]
            while let start = rest.range(of: "keys: [") {
                let list = rest[start.upperBound...].prefix { $0 != "]" }
                for piece in list.split(separator: "\"", omittingEmptySubsequences: false).enumerated() where piece.offset % 2 == 1 { keys.insert(String(piece.element)) }
                rest = rest[start.upperBound...]
            }
        }
        #expect(keys.count > 60, "\(keys.sorted())")
        let undocumented = keys.filter { !docs.contains("`\($0)`") && !docs.contains(".\($0)`") && !docs.contains("\($0):") }
        #expect(undocumented.isEmpty, "accepted but not in docs/configuration.md: \(undocumented.sorted())")
    }

    @Test("config check lists what would run, warns about empty globs and rules without receivers, and fails on broken rules")
    func configCheck() throws {
        let dir = TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir.file("app.log"), contents: Data())
        let rules = dir.file("rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try "rules:\n  - alert: Any\n    condition: { incident: {} }\n".write(toFile: rules + "/ok.yaml", atomically: true, encoding: .utf8)
        var config = try ConfigurationLoader().load(yaml: """
            database: \(dir.file("db.sqlite"))
            sources: [{name: app, paths: ["\(dir.file("*.log"))", "\(dir.file("typo/*.log"))"]}]
            alerts: { rule_dirs: ["\(rules)"] }
            """)
        let report = ConfigCheckReport.make(configuration: config, configFile: "x.yaml")
        #expect(report.ok, "\(report.errors)")
        #expect(report.sources.first?.patterns.map(\.matches) == [1, 0])
        #expect(report.databaseState.contains("missing"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("db.sqlite")), "config check created the store")
        // The built-in rules plus the one in the configured directory.
        #expect(report.rules.count == AlertRuleLoader().builtin().rules.count + 1, "\(report.rules)")
        #expect(report.dashboards.count > 0)
        #expect(report.warnings.contains { $0.contains("typo/*.log") && $0.contains("matches no file") })
        #expect(report.warnings.contains { $0.contains("no alerts.receivers") })
        let text = try report.render(.text)
        #expect(text.contains("1 file") && text.hasSuffix("ok"), "\(text)")

        try "rules:\n  - alert: Broken\n    condition: { nonsense: 1 }\n".write(toFile: rules + "/bad.yaml", atomically: true, encoding: .utf8)
        #expect(!ConfigCheckReport.make(configuration: config, configFile: nil).ok)
        try FileManager.default.removeItem(atPath: rules + "/bad.yaml")

        // A foreign database is an error, and stays untouched.
        try "not a database".write(toFile: dir.file("db.sqlite"), atomically: true, encoding: .utf8)
        config.databasePath = dir.file("db.sqlite")
        let foreign = ConfigCheckReport.make(configuration: config, configFile: nil)
        #expect(!foreign.ok && foreign.errors.contains { $0.contains("not a SQLite database") })
        #expect(try String(contentsOfFile: dir.file("db.sqlite"), encoding: .utf8) == "not a database")
    }

    @Test("build info is on /metrics with the version and commit")
    func buildInfoMetric() throws {
        var config = DriftwatchConfiguration()
        config.databasePath = ":memory:"
        let app = try DriftwatchApplication(configuration: config, logger: .init(label: "test"))
        #expect(app.metrics.registry.value("driftwatch_build_info", labels: [BuildInfo.version, BuildInfo.commit]) == 1)
        #expect(app.metrics.render().contains("driftwatch_build_info{version=\"\(BuildInfo.version)\",commit=\"\(BuildInfo.commit)\"} 1"))
        #expect(BuildInfo.commit == "unknown" || BuildInfo.commit.allSatisfy(\.isHexDigit))
    }
}
