@testable import DriftwatchAnalysis
import Testing

/// The analyzer's tests and decomposition against scipy/statsmodels reference values.
@Suite("Statistics against references")
struct StatisticsReferenceTests {
    @Test("one-sided p-values (Fisher for small expected counts, z otherwise) and Wilson intervals")
    func oneSided() throws {
        for c in try AnalysisReference.load().one_sided {
            var cur = MetricCounters(), ref = MetricCounters()
            (cur.successes, cur.outcomes) = (Int64(c.current_successes), Int64(c.current_trials))
            (ref.successes, ref.outcomes) = (Int64(c.reference_successes), Int64(c.reference_trials))
            let p = RegressionDetector.pWorse(current: cur, reference: ref, fisherBelow: 10)
            #expect(abs(p - c.p_value) <= 1e-9 * max(1, c.p_value) + 1e-15, "\(c.method) \(c.current_successes)/\(c.current_trials)")
            let m = AnalysisEngine.measurement(cur)
            #expect(abs((m.ciLower ?? -1) - c.wilson_lower) < 1e-12)
            #expect(abs((m.ciUpper ?? -1) - c.wilson_upper) < 1e-12)
        }
    }

    @Test("mix/rate decomposition: Δrate = Σ(w1−w0)·p0 + Σw1·(p1−p0)")
    func decomposition() throws {
        for d in try AnalysisReference.load().decompositions {
            func counters(_ table: [String: [Int]]) -> [String: MetricCounters] {
                table.mapValues { var c = MetricCounters(); c.successes = Int64($0[0]); c.outcomes = Int64($0[1]); return c }
            }
            let result = MixRateDecomposition(key: "language", baseline: counters(d.baseline), current: counters(d.current))
            #expect(abs(result.mix - d.mix) < 1e-12)
            #expect(abs(result.rate - d.rate) < 1e-12)
            #expect(abs(result.mix + result.rate - d.delta) < 1e-12)
        }
    }
}
