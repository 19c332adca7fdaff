@testable import DriftwatchAnalysis
import Testing

/// The between-hour variance of the window test (issue #12's quiet-run false alarms at 200 requests/min), against
/// numpy/scipy on the same inputs (Fixtures/make_dispersion_fixtures.py prints these values).
@Suite("Hourly dispersion")
struct HourlyDispersionTests {
    static let trials: [Int64] = [2800, 2850, 2790, 2900, 2760, 2810, 2880, 2830, 2795, 2870, 2805, 2840,
                                  2815, 2860, 2790, 2825, 2850, 2800, 2885, 2770, 2835, 2810, 2845, 2800]
    static let passes: [Int64] = [2554, 2579, 2561, 2607, 2542, 2557, 2601, 2589, 2585, 2572, 2555, 2579,
                                  2581, 2580, 2547, 2559, 2622, 2545, 2596, 2532, 2571, 2582, 2572, 2565]
    static var hours: [(trials: Int64, passes: Int64)] { zip(trials, passes).map { ($0, $1) } }

    @Test("the robust estimate and the test with between-hour variance match numpy/scipy")
    func matchesReference() {
        #expect(abs(HourlyDispersion.chiSquare1Median - 0.454936423119572) < 1e-12)
        let d = HourlyDispersion(hours: Self.hours)
        #expect(abs(d.logitVariance - 0.0076724667031426936) / 0.0076724667031426936 < 1e-9)
        let p = d.pWorse(current: (2506, 2843), reference: (34331, 37644), referenceHours: 24)
        #expect(abs(p - 0.00045807461616089536) / 0.00045807461616089536 < 1e-6)
        // Without it, the quiet run's false alarm: p 2.1e-8.
        let binomial = RegressionDetector.pWorse(current: PassRate(passes: 2506, trials: 2843),
                                                 reference: PassRate(passes: 34331, trials: 37644), fisherBelow: 5)
        #expect(abs(binomial - 2.1229968790225546e-08) / 2.1229968790225546e-08 < 1e-6)
    }

    @Test("one incident hour in the baseline hardly moves the estimate; too few hours give none")
    func robustAndNeedsHours() {
        let d = HourlyDispersion(hours: Self.hours)
        var withIncident = Self.hours
        withIncident[7] = (2830, 1415)
        let e = HourlyDispersion(hours: withIncident)
        #expect(abs(e.logitVariance - d.logitVariance) / d.logitVariance < 0.35)
        // The mean-based (Pearson) estimate would be dominated by that hour.
        #expect(e.logitVariance < 2 * d.logitVariance)
        #expect(HourlyDispersion(hours: Array(Self.hours.prefix(HourlyDispersion.minimumHours - 1))) == .none)
        #expect(HourlyDispersion(hours: Self.hours.map { (20, $0.passes * 20 / $0.trials) }) == .none, "hours under 30 trials are not used")
    }

    @Test("hours no more variable than binomial add nothing; a drop is never more significant than under the binomial test")
    func binomialHoursAddNothing() {
        let flat = (0..<24).map { _ in (trials: Int64(2800), passes: Int64(2548)) }
        #expect(HourlyDispersion(hours: flat).logitVariance == 0)
        let d = HourlyDispersion(hours: Self.hours)
        for (cs, cn) in [(2506, 2843), (260, 290), (2560, 2843), (80, 100)] as [(Int64, Int64)] {
            let binomial = RegressionDetector.pWorse(current: PassRate(passes: cs, trials: cn),
                                                     reference: PassRate(passes: 34331, trials: 37644), fisherBelow: 0)
            #expect(d.pWorse(current: (cs, cn), reference: (34331, 37644), referenceHours: 24) >= binomial)
        }
    }
}
