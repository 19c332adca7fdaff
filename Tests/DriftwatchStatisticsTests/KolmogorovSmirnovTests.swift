import DriftwatchStatistics
import Testing

@Suite("Two-sample Kolmogorov–Smirnov against scipy ks_2samp")
struct KolmogorovSmirnovTests {
    @Test func rawSamplesMatchScipyAndEvidently() throws {
        for c in try StatsFixture.cases("tests_ks", "samples") {
            let name = c["name"] as? String ?? "?"
            let result = KolmogorovSmirnov.test(c.doubles("a"), c.doubles("b"))
            expectClose(result.statistic, c.double("statistic"), rel: 1e-12, "D \(name)")
            // p-values down to 1e-185 are compared relatively; absolute 1e-300 only guards underflow.
            expectClose(result.pValue, c.double("p"), abs: 1e-300, "p \(name)")
            #expect((result.method == .exact) == (c["exact"] as? Bool), "method \(name)")
            if c["evidentlyP"] != nil {
                expectClose(result.pValue, c.double("evidentlyP"), abs: 1e-300, "Evidently ks \(name)")
            }
        }
    }

    @Test func histogramsMatchScipyOnBinIndices() throws {
        for c in try StatsFixture.cases("tests_ks", "histograms") {
            let result = KolmogorovSmirnov.test(counts1: c.ints("counts1"), counts2: c.ints("counts2"))
            expectClose(result.statistic, c.double("statistic"), rel: 1e-12, "D \(c["counts1"] ?? "")")
            expectClose(result.pValue, c.double("p"), abs: 1e-300, "p \(c["counts1"] ?? "")")
        }
    }

    @Test func kolmogorovDistributionMatchesKstwo() throws {
        for c in try StatsFixture.cases("tests_ks", "kstwo") {
            let n = c.int("n"), d = c.double("d")
            expectClose(KolmogorovSmirnov.kolmogorovSF(d, n: n), c.double("sf"), abs: 1e-300, "kstwo.sf(\(d), \(n))")
        }
    }

    @Test func symmetricInItsSamples() {
        let a: [Double] = [1, 2, 2, 3, 5, 8]
        let b: [Double] = [2, 3, 3, 4, 9, 10, 11]
        #expect(KolmogorovSmirnov.test(a, b) == KolmogorovSmirnov.test(b, a))
    }
}
