import DriftwatchCore
import DriftwatchDemo
import DriftwatchDrift

/// Builds demo workloads in memory and runs them through a drift engine.
enum DriftScenario {
    /// The first hour as a fixed baseline: these scenarios test the recommender's rules on a clean
    /// reference, and three hours are too short for the default rolling 24 h one.
    static var firstHour: DriftConfiguration {
        var c = DriftConfiguration()
        c.baseline = .leading(durationMicros: 3_600_000_000)
        return c
    }

    /// Three hours at 200 requests/minute; the baseline is the first hour, the current window the last.
    static func run(
        _ specs: [String], seed: UInt64 = 7, hours: Int64 = 3, configuration: DriftConfiguration = firstHour,
        incidents: [IncidentSummary] = []
    ) throws -> DriftReport {
        let engine = try engine(specs, seed: seed, hours: hours, configuration: configuration)
        return engine.report(incidents: incidents)
    }

    static func engine(_ specs: [String], seed: UInt64 = 7, hours: Int64 = 3, configuration: DriftConfiguration = firstHour) throws -> DriftEngine {
        var engine = DriftEngine(configuration: configuration)
        for record in try generator(specs, seed: seed, hours: hours) { engine.ingest(record) }
        return engine
    }

    static func generator(_ specs: [String], seed: UInt64 = 7, hours: Int64 = 3, requestsPerMinute: Double = 200) throws -> WorkloadGenerator {
        var workload = WorkloadConfiguration(seed: seed, length: .duration(micros: hours * 3_600_000_000), requestsPerMinute: requestsPerMinute)
        for spec in specs { workload.add(try WorkloadSpecParser.parse(spec)) }
        return try WorkloadGenerator(workload)
    }

    /// Recommendations drift's rules point at (without an incident they are `watch`).
    static func suggested(_ report: DriftReport, _ action: String) -> [DriftRecommendation] {
        report.recommendations.filter { $0.suggestedAction == action }
    }

    /// Drifted rows of features that are not version features, as `feature@scope`.
    static func driftedTags(_ report: DriftReport) -> [String] {
        report.features.filter { $0.drifted && !$0.informational }.map { "\($0.feature)@\($0.scope)" }
    }

    static func summary(_ report: DriftReport) -> String {
        let rows = report.features.filter(\.drifted).map { "\($0.feature)@\($0.scope) \($0.statistic)=\($0.value)" }
        let recs = report.recommendations.map { "\($0.action)/\($0.suggestedAction ?? "-") [\($0.scope)] \($0.reason)" }
        return (rows + ["--"] + recs).joined(separator: "\n")
    }
}
