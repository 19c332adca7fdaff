import DriftwatchCore
import DriftwatchRuntime
import DriftwatchTesting
import Foundation
import Testing

@Suite("Configuration documentation")
struct ConfigurationDocsTests {
    /// Every key the loader accepts in these sections is in docs/configuration.md. The accepted keys are asked
    /// of the loader itself: an unknown key's error lists them.
    @Test("every key the loader accepts is documented", arguments: [
        ("alerts", "alerts: { zz_probe: 1 }"),
        ("alerts.route", "alerts: { route: { zz_probe: 1 } }"),
        ("alerts.retry", "alerts: { retry: { zz_probe: 1 } }"),
        ("alerts.inhibit_rules[]", "alerts: { inhibit_rules: [ { zz_probe: 1 } ] }"),
        ("alerts.receivers[]", "alerts: { receivers: [ { zz_probe: 1 } ] }"),
        ("alerts.receivers[].webhook", "alerts: { receivers: [ { name: a, webhook: { zz_probe: 1 } } ] }"),
        ("alerts.receivers[].email", "alerts: { receivers: [ { name: a, email: { zz_probe: 1 } } ] }"),
        ("alerts.receivers[].slack", "alerts: { receivers: [ { name: a, slack: { zz_probe: 1 } } ] }"),
        ("alerts.receivers[].pagerduty", "alerts: { receivers: [ { name: a, pagerduty: { zz_probe: 1 } } ] }"),
        ("ingest", "ingest: { zz_probe: 1 }"),
        ("retention", "retention: { zz_probe: 1 }"),
        ("server", "server: { zz_probe: 1 }"),
        ("analysis", "analysis: { zz_probe: 1 }"),
        ("drift", "drift: { zz_probe: 1 }"),
        ("drift.baseline", "drift: { baseline: { zz_probe: 1 } }"),
        ("dashboards", "dashboards: { zz_probe: 1 }"),
        ("fleet", "fleet: { zz_probe: 1 }"),
        ("sources[]", "sources: [ { zz_probe: 1 } ]"),
    ])
    func documented(prefix: String, yaml: String) throws {
        let docs = try String(contentsOf: DriftwatchExecutable.packageRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        var message = ""
        do { _ = try ConfigurationLoader().load(yaml: yaml) } catch let error as DriftwatchError { message = error.message }
        let list = try #require(message.components(separatedBy: "expected one of: ").last, "no key list in: \(message)")
        let keys = list.components(separatedBy: ", ").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(keys.count > 1, "\(message)")
        for key in keys {
            // A mapping (a receiver's `webhook`) is documented through its keys.
            #expect(docs.contains("`\(prefix).\(key)`") || docs.contains("`\(prefix).\(key)."),
                    "\(prefix).\(key) is accepted by the loader but not documented in docs/configuration.md")
        }
    }
}

/// The reference's examples are what a reader copies: each `yaml` block of docs/configuration.md, and the README's
/// own-schema and quick-start files, must load (a fragment of `alerts:` is loaded inside `alerts:`).
@Suite("Configuration examples load")
struct ConfigurationExamplesTests {
    static let sections: Set<String> = ["database", "sources", "ingest", "retention", "server", "analysis", "drift", "dashboards", "fleet", "alerts"]
    static let alertKeys: Set<String> = ["route", "inhibit_rules", "receivers", "retry", "rule_dirs", "interval"]

    static func yamlBlocks(_ text: String) -> [String] {
        text.components(separatedBy: "```yaml\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
    }

    @Test("every yaml block of docs/configuration.md and of the README loads")
    func examplesLoad() throws {
        let root = DriftwatchExecutable.packageRoot
        // The secrets the examples name by variable must be set when a file is loaded.
        for name in ["DW_WEBHOOK_SECRET", "DW_SMTP_PASSWORD", "DW_SLACK_URL", "DW_PD_KEY", "DRIFTWATCH_OTLP_TOKEN"] {
            setenv(name, name == "DW_SLACK_URL" ? "https://hooks.example/slack" : "example-secret", 0)
        }
        var loaded = 0
        for file in ["docs/configuration.md", "README.md"] {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for block in Self.yamlBlocks(text) {
                let top = Set(block.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("#") && $0.contains(":") }
                    .map { String($0.prefix { $0 != ":" }) })
                let yaml: String
                if top.isSubset(of: Self.sections) {
                    yaml = block
                } else if top.isSubset(of: Self.alertKeys) {
                    // A routing fragment names receivers defined in the page's full example: stand-ins for them.
                    let names = Set(block.matches(of: /receiver: ([A-Za-z0-9_-]+)/).map { String($0.1) })
                    let receivers = top.contains("receivers") || names.isEmpty ? ""
                        : "\n  receivers:\n" + names.sorted().map { "    - { name: \($0), webhook: { url: \"http://127.0.0.1:9/\($0)\" } }" }.joined(separator: "\n")
                    yaml = "alerts:\n" + block.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + receivers
                } else {
                    Issue.record("\(file): a yaml block with keys \(top.sorted()) is neither a configuration file nor a fragment of alerts:\n\(block)")
                    continue
                }
                do {
                    _ = try ConfigurationLoader().load(yaml: yaml, file: file)
                    loaded += 1
                } catch {
                    Issue.record("\(file): this example does not load: \(error)\n\(block)")
                }
            }
        }
        #expect(loaded >= 17, "\(loaded) examples loaded")
    }
}
