@testable import DriftwatchAlerts
import DriftwatchTesting
import Foundation
import Testing

@Suite struct RuleLoaderTests {
    @Test func shippedDefaultRulesLoadWithoutErrors() {
        let directory = DriftwatchExecutable.packageRoot.appendingPathComponent("Alerts").path
        let result = AlertRuleLoader().load(directories: [directory])
        #expect(result.errors.isEmpty, "\(result.errors)")
        let names = Set(result.rules.map(\.name))
        for expected in ["IncidentOpened", "RetrievalIncident", "FeatureDrift", "SuccessRateLow", "P95LatencyHigh", "CostPerRequestHigh",
                         "NoRecords", "DeadLetterRate", "IngestLag"] {
            #expect(names.contains(expected), "missing default rule \(expected)")
        }
    }

    @Test func brokenRuleIsReportedWithFileRuleAndKeyAndOthersStillLoad() throws {
        let directory = TemporaryDirectory()
        try """
        rules:
          - alert: Good
            condition: { incident: {} }
          - alert: BadDuration
            condition: { no_records_for: 10m }
            for: five minutes
          - alert: BadMetric
            condition: { metric: success_ratio, below: 0.9, window: 5m }
          - alert: AlsoGood
            condition: { metric: success_rate, below: 0.9, window: 5m }
            annotations: { summary: "rate {{ value }} on {{ task }}" }
        """.write(to: URL(fileURLWithPath: directory.file("a.yml")), atomically: true, encoding: .utf8)
        try "rules: [ { alert: X, condition: {".write(to: URL(fileURLWithPath: directory.file("b.yaml")), atomically: true, encoding: .utf8)
        try """
        rules:
          - alert: Other
            condition: { drift: { features: [tokens.input] } }
            keep_firing_for: 10m
        """.write(to: URL(fileURLWithPath: directory.file("c.yml")), atomically: true, encoding: .utf8)
        let result = AlertRuleLoader().load(directories: [directory.path])
        #expect(result.rules.map(\.name) == ["Good", "AlsoGood", "Other"])
        #expect(result.errors.count == 3)
        let duration = try #require(result.errors.first { $0.rule == "BadDuration" })
        #expect(duration.key == "for")
        #expect(duration.file.hasSuffix("a.yml"))
        #expect(duration.line == 6)
        let metric = try #require(result.errors.first { $0.rule == "BadMetric" })
        #expect(metric.key == "condition.metric")
        #expect(metric.description.contains("success_ratio"))
        #expect(result.errors.contains { $0.file.hasSuffix("b.yaml") && $0.message.contains("YAML") })
        #expect(result.rules.last?.keepFiringFor == .seconds(600))
    }

    @Test func durationsParseLikePrometheus() {
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("0") == .zero)
        #expect(DurationText.parse("5 minutes") == nil)
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
    }

    @Test func templatesRenderIncidentFields() {
        let incident = AlertFacts.IncidentFact(document: #"{"id":"inc-1","component":"retrieval","scope":{"task":"refund_question"},"recommendation":{"action":"retrieval_fix","summary":"roll back idx-7"},"severity":12.5}"#)
        #expect(incident.fields["task"] == "refund_question")
        let rule = AlertRule(name: "R", condition: .incident(matchers: [try! LabelMatcher(parsing: "component=retrieval")]),
                             annotations: ["summary": "{{ component }} regression {{ .task }}: {{ recommendation.action }} ({{ $labels.incident_id }})"])
        var facts = AlertFacts(nowMicros: 0, watchingSinceMicros: 0)
        facts.incidents = [incident]
        let conditions = RuleEvaluator.evaluate([rule], facts: facts)
        #expect(conditions.count == 1)
        #expect(conditions.first?.annotations["summary"] == "retrieval regression refund_question: retrieval_fix (inc-1)")
        #expect(conditions.first?.labels["incident_id"] == "inc-1")
        #expect(conditions.first?.labels["alertname"] == "R")
        facts.incidents[0].fields["component"] = "tools"
        #expect(RuleEvaluator.evaluate([rule], facts: facts).isEmpty)
    }

    @Test func metricRulesCompareWindowsWithThresholds() {
        let rule = AlertRule(name: "Low", condition: .metric(.init(metric: .successRate, below: true, threshold: 0.9, window: .seconds(300), minRecords: 10)))
        var facts = AlertFacts(nowMicros: 0, watchingSinceMicros: 0)
        var stats = RecordWindowStatsFixture.make(records: 100, outcomes: 100, successes: 80)
        facts.windows[.init(window: .seconds(300), task: nil)] = stats
        #expect(RuleEvaluator.evaluate([rule], facts: facts).first?.value == 0.8)
        stats.successes = 95
        facts.windows[.init(window: .seconds(300), task: nil)] = stats
        #expect(RuleEvaluator.evaluate([rule], facts: facts).isEmpty)
        stats = RecordWindowStatsFixture.make(records: 5, outcomes: 5, successes: 0)
        facts.windows[.init(window: .seconds(300), task: nil)] = stats
        #expect(RuleEvaluator.evaluate([rule], facts: facts).isEmpty, "below min_records")
    }

    @Test func noRecordsFiresAfterTheQuietPeriod() {
        let rule = AlertRule(name: "Quiet", condition: .noRecords(for: .seconds(600)))
        var facts = AlertFacts(nowMicros: 1_000_000_000, watchingSinceMicros: 0)
        facts.newestIngestedAtMicros = 1_000_000_000 - 300_000_000
        #expect(RuleEvaluator.evaluate([rule], facts: facts).isEmpty)
        facts.newestIngestedAtMicros = 1_000_000_000 - 700_000_000
        #expect(RuleEvaluator.evaluate([rule], facts: facts).count == 1)
    }
}

import DriftwatchStore

enum RecordWindowStatsFixture {
    static func make(records: Int64, outcomes: Int64, successes: Int64) -> RecordWindowStats {
        var stats = RecordWindowStats()
        stats.records = records
        stats.outcomes = outcomes
        stats.successes = successes
        return stats
    }
}
