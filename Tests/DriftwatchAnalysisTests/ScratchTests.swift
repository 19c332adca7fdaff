@testable import DriftwatchAnalysis

import DriftwatchCore
import DriftwatchDemo
import Foundation
import Testing

@Suite struct ScratchTests {
    @Test func scratch() throws {
        let env = ProcessInfo.processInfo.environment
        guard let specs = env["SCRATCH_SPECS"] else { return }
        let preset = env["SCRATCH_PRESET"].flatMap { try? WorkloadPreset.named($0) }
        let run = try ScenarioRun.run(specs: preset?.specs ?? specs.split(separator: ";").map(String.init), seed: UInt64(env["SCRATCH_SEED"] ?? "1")!,
                                      hours: Double(env["SCRATCH_HOURS"] ?? "") ?? (preset.map { Double($0.durationMicros) / 3.6e9 } ?? 6),
                                      noise: preset?.noise ?? 0.1, requestsPerMinute: Double(env["SCRATCH_RATE"] ?? "200")!)
        for i in run.engine.rankedIncidents { print("FINAL \(i.status) \(i.debugLine)") }
        for e in run.events where e.kind != .updated || env["SCRATCH_UPDATES"] != nil {
            print("EVENT \(e.kind) at \(RFC3339.format(micros: e.atMicros)) \(e.incident.id) \(e.incident.metric) \(e.incident.debugLine) conj \(e.incident.conjunction ?? [])")
        }
    }
}
