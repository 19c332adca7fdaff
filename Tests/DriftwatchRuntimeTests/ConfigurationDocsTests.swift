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
