import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import Foundation
import Testing

@Suite("TimingProbe")
struct TimingProbeTests {
    @Test func timing() throws {
        let configuration = WorkloadConfiguration(seed: 1, length: .duration(micros: 6 * 3_600_000_000))
        var t0 = Date()
        let records = Array(try WorkloadGenerator(configuration))
        print("generate \(records.count) \(Date().timeIntervalSince(t0))")
        t0 = Date()
        var n = 0
        for r in records { n += r.analysisScopes().count }
        print("scopes \(n) \(Date().timeIntervalSince(t0))")
        t0 = Date()
        for r in records { _ = RecordObservation(r) }
        print("observations \(Date().timeIntervalSince(t0))")
        var c = AnalysisConfiguration()
        c.bucketMicros = 3_600_000_000
        c.baselineWindowMicros = 3_600_000_000 * 5
        var engine = try AnalysisEngine(configuration: c)
        t0 = Date()
        for r in records { engine.ingest(r) }
        print("ingest (6 evaluations) \(Date().timeIntervalSince(t0))")
        engine = try AnalysisEngine()
        t0 = Date()
        for r in records { engine.ingest(r) }
        print("ingest (72 evaluations) \(Date().timeIntervalSince(t0))")
    }
}
