import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo

/// Runs a demo workload straight through an engine, in memory, committing (taking changes) every few thousand
/// records as the service would.
struct ScenarioRun {
    var engine: AnalysisEngine
    var events: [IncidentEvent]
    var groundTruth: [GroundTruthLabel]

    /// Incidents as opened, most severe first.
    var opened: [Incident] {
        events.filter { $0.kind == .opened }.map(\.incident).sorted { ($0.severity, $0.id) > ($1.severity, $1.id) }
    }

    static func run(specs: [String], seed: UInt64, hours: Double = 6, noise: Double = 0.1,
                    requestsPerMinute: Double = 200, configuration: AnalysisConfiguration = AnalysisConfiguration()) throws -> ScenarioRun {
        var workload = WorkloadConfiguration(
            seed: seed, length: .duration(micros: Int64(hours * 3_600_000_000)), requestsPerMinute: requestsPerMinute, noise: noise)
        for spec in specs { workload.add(try WorkloadSpecParser.parse(spec)) }
        var generator = try WorkloadGenerator(workload)
        var engine = try AnalysisEngine(configuration: configuration)
        var events: [IncidentEvent] = []
        var n = 0
        while let record = generator.next() {
            engine.ingest(record)
            n += 1
            if n % 5000 == 0 { events += engine.takeChanges().events }
        }
        events += engine.takeChanges().events
        return ScenarioRun(engine: engine, events: events, groundTruth: generator.groundTruth)
    }
}

extension Incident {
    var debugLine: String {
        let scope = scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "\(component)/\(recommendation.action) confidence \(rounded(confidence)) [\(scope)] started \(startedAt) detected \(detectedAt) \(rounded(baseline.value)) → \(rounded(current.value))"
    }
}

func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
