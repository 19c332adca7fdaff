@testable import DriftwatchAlerts
import DriftwatchTesting
import Foundation
import Testing

/// Built-in rules, how `rule_dirs` adds to them, and conditions and templates checked against the known fields.
@Suite struct RuleValidationTests {
    @Test func builtInRulesAreTheShippedFiles() throws {
        let directory = DriftwatchExecutable.packageRoot.appendingPathComponent("Alerts")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(names == DefaultAlertRules.files.map { $0.name + ".yml" })
        for file in DefaultAlertRules.files {
            let text = try String(contentsOf: directory.appendingPathComponent(file.name + ".yml"), encoding: .utf8)
            #expect(text == file.yaml + "\n", "Alerts/\(file.name).yml differs from DefaultAlertRules.swift")
        }
        let builtin = AlertRuleLoader().builtin()
        #expect(builtin.errors.isEmpty, "\(builtin.errors)")
        #expect(builtin.rules.contains { $0.name == "ToolIncident" && $0.file == "builtin:Alerts/incidents.yml" })
    }

    static func write(_ text: String, _ directory: TemporaryDirectory, _ name: String = "rules.yml") throws -> String {
        try text.write(toFile: directory.file(name), atomically: true, encoding: .utf8)
        return directory.file(name)
    }

    @Test func ruleDirsAddToTheBuiltInsAndReplaceThemByNameOrAll() throws {
        let directory = TemporaryDirectory()
        _ = try Self.write("""
        rules:
          - alert: ToolIncident
            condition: { incident: { component: tools } }
            severity: warning
          - alert: ModelIncident
            condition: { incident: { component: model } }
        """, directory)
        let builtin = AlertRuleLoader().builtin().rules
        var configuration = AlertsConfiguration()
        configuration.ruleDirectories = [directory.path]
        let added = AlertRuleLoader().load(configuration)
        #expect(added.errors.isEmpty, "\(added.errors)")
        #expect(added.rules.count == builtin.count + 1, "ModelIncident added, ToolIncident replaced")
        #expect(added.rules.first { $0.name == "ToolIncident" }?.severity == "warning")
        configuration.builtinRules = false
        #expect(AlertRuleLoader().load(configuration).rules.map(\.name) == ["ToolIncident", "ModelIncident"])
    }

    @Test(arguments: [
        ("condition: { incident: { component: tool } }", "condition.incident.component",
         "unknown value \"tool\" for component; expected one of retrieval, tools, wrapper, model, traffic"),
        ("condition: { incident: { componnt: tools } }", "condition.incident.componnt", "unknown incident field \"componnt\""),
        ("condition: { incident: { action: rollback } }", "condition.incident.action", "unknown value \"rollback\" for action"),
        ("condition: { incident: { metric: latency } }", "condition.incident.metric", "expected success_rate or check:<check name>"),
        ("condition: { incident: {} }\n    annotations: { summary: \"{{ compnent }} regression\" }", "annotations.summary",
         "unknown template variable \"compnent\""),
        ("condition: { metric: success_rate, below: 0.9, window: 5m }\n    annotations: { summary: \"{{ recommendation.action }}\" }",
         "annotations.summary", "unknown template variable \"recommendation.action\""),
    ])
    func unknownFieldsValuesAndVariablesAreErrorsNamingFileRuleAndKey(rule: String, key: String, message: String) throws {
        let directory = TemporaryDirectory()
        let file = try Self.write("rules:\n  - alert: Typo\n    \(rule)\n", directory)
        let result = AlertRuleLoader().load(directories: [directory.path])
        #expect(result.rules.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.file == file && error.rule == "Typo" && error.key == key)
        #expect(error.description.contains(message), "\(error)")
        #expect(error.description.hasPrefix(file), "\(error)")
    }

    @Test func knownFieldsAndRegexesPass() throws {
        let directory = TemporaryDirectory()
        _ = try Self.write("""
        rules:
          - alert: Checks
            condition: { incident: { metric: "~check:.*", scope.task: refund, recommendation.action: tool_fix, status: open } }
            labels: { team: search }
            annotations:
              summary: "{{ component }} {{ task }} {{ team }} {{ labels.team }} {{ $labels.severity }} {{ baseline.value }} {{ scope.model_version }}"
              description: "{{ recommendation.details.rollback_to }} {{ evidence.0.signal }} {{ incident_id }} {{ value }} {{ .alertname }}"
          - alert: Drifted
            condition: { drift: {} }
            annotations: { summary: "{{ feature }} {{ scope }} {{ statistic }} {{ threshold }}" }
        """, directory)
        let result = AlertRuleLoader().load(directories: [directory.path])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.rules.count == 2)
    }
}
