import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo

/// Runs a demo workload straight through an engine, in memory.
struct ScenarioRun {
    var engine: AnalysisEngine
    var events: [IncidentEvent]
    var groundTruth: [GroundTruthLabel]
    var configuration: WorkloadConfiguration

    /// Every incident ever opened, as of its latest state, most severe first.
    var incidents: [Incident] { engine.rankedIncidents }

    /// Opened incidents, most severe first (severity at opening).
    var opened: [Incident] {
        events.filter { $0.kind == .opened }.map(\.incident).sorted { ($0.severity, $0.id) > ($1.severity, $1.id) }
    }

    static func run(specs: [String], seed: UInt64, hours: Double = 6, noise: Double = 0.1,
                    requestsPerMinute: Double = 200) throws -> ScenarioRun {
        var configuration = WorkloadConfiguration(
            seed: seed, length: .duration(micros: Int64(hours * 3_600_000_000)), requestsPerMinute: requestsPerMinute, noise: noise)
        for spec in specs { configuration.add(try WorkloadSpecParser.parse(spec)) }
        var generator = try WorkloadGenerator(configuration)
        var engine = try AnalysisEngine()
        var events: [IncidentEvent] = []
        var n = 0
        while let record = generator.next() {
            engine.ingest(record)
            n += 1
            if n % 5000 == 0 { events += engine.takeChanges().events }
        }
        events += engine.takeChanges().events
        return ScenarioRun(engine: engine, events: events, groundTruth: generator.groundTruth, configuration: configuration)
    }
}
