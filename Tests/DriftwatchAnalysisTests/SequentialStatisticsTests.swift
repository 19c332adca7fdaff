@testable import DriftwatchAnalysis
import DriftwatchDemo
import DriftwatchStatistics
import Foundation
import Testing

/// Reference values written by Fixtures/make_sequential_fixtures.py (scipy, statsmodels, numpy).
struct SequentialReference: Decodable {
    struct SPRT: Decodable { var failures: Int64, trials: Int64, p0: Double, log_e: Double }
    struct Beta: Decodable { var x: Double, a: Double, b: Double, value: Double }
    struct Wilson: Decodable { var failures: Int64, trials: Int64, upper: Double }
    struct Series: Decodable {
        var points: [[Int64]]
        var bucket: Int64
        var shape: String
        var estimate: Int64, lower: Int64, upper: Int64
        var best_log_likelihood: Double
        /// [τ, log-likelihood] pairs; τ fits Int64 exactly in a Double below 2^53 (the fixtures' times do).
        var profile: [[Double]]
    }

    var mixture_sprt: [SPRT]
    var betainc: [Beta]
    var wilson_upper: [Wilson]
    var change_points: [Series]

    static func load() throws -> SequentialReference {
        let url = try #require(Bundle.module.url(forResource: "sequential_reference", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(SequentialReference.self, from: Data(contentsOf: url))
    }
}

@Suite("Sequential statistics against references")
struct SequentialStatisticsTests {
    @Test("mixture SPRT e-values match numerical integration (scipy.integrate.quad)")
    func mixtureSPRT() throws {
        for c in try SequentialReference.load().mixture_sprt {
            let value = BinomialMixtureSPRT.logEValue(failures: c.failures, trials: c.trials, p0: c.p0)
            #expect(abs(value - c.log_e) <= 1e-8 * max(1, abs(c.log_e)), "\(c.failures)/\(c.trials) against \(c.p0): \(value) vs \(c.log_e)")
        }
    }

    @Test("regularized incomplete beta matches scipy.special.betainc")
    func incompleteBeta() throws {
        for c in try SequentialReference.load().betainc {
            let value = SpecialFunctions.regularizedBeta(c.x, c.a, c.b)
            #expect(abs(value - c.value) <= 1e-11 * max(1e-3, c.value), "I_\(c.x)(\(c.a), \(c.b)) = \(value), scipy \(c.value)")
            #expect(abs(SpecialFunctions.regularizedBetaUpper(c.x, c.a, c.b) - (1 - c.value)) <= 1e-11)
        }
    }

    @Test("one-sided 97.5% Wilson upper bound matches statsmodels")
    func wilson() throws {
        for c in try SequentialReference.load().wilson_upper {
            #expect(abs(SliceSearch.wilsonUpper(failures: c.failures, trials: c.trials) - c.upper) < 1e-9)
        }
    }

    @Test("change points (step and ramp, with intervals) match a numpy least-squares profile")
    func changePoints() throws {
        for c in try SequentialReference.load().change_points {
            let series = c.points.map { ChangePoint.Point(start: $0[0], x: Double($0[1]), n: Double($0[2])) }
            let cp = try #require(ChangePoint.estimate(series, bucketMicros: c.bucket))
            #expect(cp.shape.rawValue == c.shape)
            #expect(cp.estimate == c.estimate)
            #expect(cp.lower == c.lower)
            #expect(cp.upper == c.upper)
            #expect(abs(cp.bestLogLikelihood - c.best_log_likelihood) <= 1e-6 * max(1, abs(c.best_log_likelihood)))
            #expect(cp.profile.count == c.profile.count)
            for pair in c.profile {
                let t = Int64(pair[0])
                let value = try #require(cp.profile[t])
                #expect(abs(value - pair[1]) <= 1e-6 * max(1, abs(pair[1])), "profile at \(t)")
            }
        }
    }

    /// A deploy marker is taken when the profile at its bucket is within max(3.32, ln m) of the best: the
    /// estimate itself always is; the reference profile decides every other bucket, on both sides of the bound.
    @Test("a deploy marker is supported exactly where the reference profile is within max(3.32, ln m) of its best")
    func markerSupport() throws {
        var rejectedSomewhere = false
        for c in try SequentialReference.load().change_points {
            let series = c.points.map { ChangePoint.Point(start: $0[0], x: Double($0[1]), n: Double($0[2])) }
            let cp = try #require(ChangePoint.estimate(series, bucketMicros: c.bucket))
            #expect(cp.supports(changeAt: c.estimate, bucketMicros: c.bucket))
            let bound = c.best_log_likelihood - max(3.32, log(Double(c.profile.count)))
            let profile = Dictionary(uniqueKeysWithValues: c.profile.map { (Int64($0[0]), $0[1]) })
            for (t, _) in profile {
                // A marker inside bucket t stands for t or the next bucket, whichever fits better.
                let fit = max(profile[t] ?? -.infinity, profile[t + c.bucket] ?? -.infinity)
                let expected = fit >= bound
                if !expected { rejectedSomewhere = true }
                #expect(cp.supports(changeAt: t + c.bucket / 3, bucketMicros: c.bucket) == expected, "marker in bucket \(t)")
            }
        }
        #expect(rejectedSomewhere)
    }

    /// Ville's inequality in practice: under the null, the chance that the e-value ever crosses 1/α in many looks
    /// stays below α (a fixed-sample test looked at this often would cross far more).
    @Test("under the null the mixture SPRT crosses 1/α at most α of the time over 400 looks", arguments: [0.02, 0.1])
    func nullCrossing(p0: Double) {
        var rng = SplitMix64(seed: 42)
        let alpha = 0.05, runs = 2000, looks = 400
        var crossed = 0, naiveCrossed = 0
        for _ in 0..<runs {
            var failures: Int64 = 0
            var naive = false
            for n in 1...looks {
                if Double(rng.next() >> 11) / Double(1 << 53) < p0 { failures += 1 }
                if BinomialMixtureSPRT.logEValue(failures: failures, trials: Int64(n), p0: p0) >= log(1 / alpha) {
                    crossed += 1
                    break
                }
                // The fixed-sample one-sided z-test at the same α, looked at every 20 trials.
                if n % 20 == 0, !naive {
                    let z = (Double(failures) - Double(n) * p0) / (Double(n) * p0 * (1 - p0)).squareRoot()
                    if z > 1.645 { naive = true }
                }
            }
            if naive { naiveCrossed += 1 }
        }
        #expect(Double(crossed) / Double(runs) <= alpha)
        #expect(Double(naiveCrossed) / Double(runs) > 2 * alpha, "the repeated fixed test should over-reject: \(naiveCrossed)")
    }
}
