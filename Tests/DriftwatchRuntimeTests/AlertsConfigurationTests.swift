import DriftwatchAlerts
import DriftwatchCore
import DriftwatchRuntime
import DriftwatchTesting
import Foundation
import Testing

@Suite("Alerts configuration")
struct AlertsConfigurationTests {
    @Test("Slack and PagerDuty receivers, inhibit rules and built-in rules are read")
    func receiversAndInhibition() throws {
        let config = try ConfigurationLoader().load(yaml: """
            alerts:
              builtin_rules: off
              rule_dirs: [./rules]
              inhibit_rules:
                - source_matchers: ['severity="page"']
                  target_matchers: ['severity=~"warning|info"']
                  equal: [task]
              receivers:
                - name: chat
                  slack: { url: "https://hooks.slack.com/services/T0/B0/x", timeout: 5s }
                - name: pager
                  pagerduty: { routing_key: R0UT1NGKEY0123456789abcdefABCDEF, url: "https://events.eu.pagerduty.com/v2/enqueue" }
                  send_resolved: off
            """)
        let alerts = config.alerts
        #expect(!alerts.builtinRules)
        #expect(alerts.ruleDirectories == ["./rules"])
        #expect(alerts.inhibitRules.count == 1)
        #expect(alerts.inhibitRules.first?.equal == ["task"])
        #expect(alerts.inhibitRules.first?.targetMatchers.map(\.description) == ["severity=~\"warning|info\""])
        #expect(alerts.receivers.map(\.kind) == ["slack", "pagerduty"])
        #expect(alerts.receivers[0].slack?.timeout == .seconds(5))
        #expect(alerts.receivers[0].endpoint == "hooks.slack.com:443")
        #expect(alerts.receivers[1].pagerduty?.url == "https://events.eu.pagerduty.com/v2/enqueue")
        #expect(alerts.receivers[1].pagerduty?.routingKey.value == "R0UT1NGKEY0123456789abcdefABCDEF")
        #expect(!alerts.receivers[1].sendResolved)
        #expect(alerts.route.receiver == "chat")
    }

    @Test("defaults: built-in rules, default inhibit rules, grouping per incident")
    func defaults() throws {
        let alerts = try ConfigurationLoader().load(yaml: "alerts:\n  receivers:\n    - { name: pd, pagerduty: { routing_key: k } }\n").alerts
        #expect(alerts.builtinRules && alerts.ruleDirectories.isEmpty)
        #expect(alerts.inhibitRules == InhibitRule.defaults)
        #expect(alerts.route.groupBy == ["alertname", "task", "incident_id"])
        #expect(alerts.receivers[0].pagerduty?.url == "https://events.pagerduty.com/v2/enqueue")
    }

    @Test("rules without receivers are a warning, not silence")
    func noReceivers() throws {
        let quiet = try ConfigurationLoader().load(yaml: "alerts:\n  interval: 30s\n")
        let report = AlertsAdmin(configuration: quiet).check()
        #expect(report.ok)
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.contains("alerts.receivers is empty") == true)
        #expect(try report.render(.text).contains("warning"))
        let off = try ConfigurationLoader().load(yaml: "alerts:\n  enabled: off\n")
        #expect(AlertsAdmin(configuration: off).check().warnings.isEmpty)
    }

    @Test("errors name the file, the key and the expectation", arguments: [
        ("alerts:\n  receivers:\n    - { name: c, slack: {} }\n", "key \"alerts.receivers[0].slack.url\" is required"),
        ("alerts:\n  receivers:\n    - { name: c, slack: { url_env: DW_TEST_SURELY_UNSET_42 } }\n",
         "key \"alerts.receivers[0].slack.url_env\" names the environment variable DW_TEST_SURELY_UNSET_42, which is not set"),
        ("alerts:\n  receivers:\n    - { name: c, slack: { url: nope } }\n", "key \"alerts.receivers[0].slack.url\" expected an http:// or https:// URL"),
        ("alerts:\n  receivers:\n    - { name: p, pagerduty: { url: https://x.example/ } }\n", "key \"alerts.receivers[0].pagerduty.routing_key\" is required"),
        ("alerts:\n  receivers:\n    - { name: p, pagerduty: { routing_key: k }, slack: { url: https://x.example/ } }\n",
         "needs exactly one of webhook, email, slack or pagerduty"),
        ("alerts:\n  inhibit_rules:\n    - { source_matchers: ['a=b'] }\n", "key \"alerts.inhibit_rules[0]\" needs source_matchers and target_matchers"),
        ("alerts:\n  inhibit_rules:\n    - { source_matchers: ['a'], target_matchers: ['b=c'] }\n", "key \"alerts.inhibit_rules[0].source_matchers\" expected a matcher"),
        ("alerts:\n  builtin_rules: sometimes\n", "key \"alerts.builtin_rules\" expected true or false"),
    ])
    func errors(yaml: String, message: String) throws {
        let error = #expect(throws: DriftwatchError.self) {
            _ = try ConfigurationLoader().load(yaml: yaml, file: "/etc/driftwatch.yaml")
        }
        #expect(error?.message.hasPrefix("/etc/driftwatch.yaml") == true)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }
}
