import DriftwatchStatistics
import Testing

@Suite("Special functions against scipy")
struct SpecialFunctionsTests {
    @Test func normalCDFAndSurvival() throws {
        for c in try StatsFixture.cases("tests_special", "normal") {
            let x = c.double("x")
            // scipy flushes Φ(−38) ≈ 2.9e-316 to 0; below 1e-300 only absolute agreement counts.
            expectClose(SpecialFunctions.normalCDF(x), c.double("cdf"), rel: 1e-12, abs: 1e-300, "cdf(\(x))")
            expectClose(SpecialFunctions.normalSF(x), c.double("sf"), rel: 1e-12, abs: 1e-300, "sf(\(x))")
        }
    }

    @Test func normalQuantile() throws {
        for c in try StatsFixture.cases("tests_special", "quantile") {
            let p = c.double("p")
            expectClose(SpecialFunctions.normalQuantile(p), c.double("x"), rel: 1e-13, abs: 1e-15, "ppf(\(p))")
        }
    }

    @Test func logGammaAndFactorial() throws {
        for c in try StatsFixture.cases("tests_special", "logGamma") {
            let x = c.double("x")
            // Absolute tolerance near the zeros of ln Γ at 1 and 2.
            expectClose(SpecialFunctions.logGamma(x), c.double("value"), rel: 1e-13, abs: 1e-14, "lgamma(\(x))")
        }
        for c in try StatsFixture.cases("tests_special", "logFactorial") {
            let n = c.int("n")
            expectClose(SpecialFunctions.logFactorial(n), c.double("value"), rel: 1e-14, abs: 1e-15, "ln \(n)!")
        }
    }

    @Test func incompleteGamma() throws {
        for c in try StatsFixture.cases("tests_special", "gamma") {
            let a = c.double("a"), x = c.double("x")
            expectClose(SpecialFunctions.regularizedGammaP(a, x), c.double("p"), rel: 1e-12, abs: 1e-300, "P(\(a), \(x))")
            expectClose(SpecialFunctions.regularizedGammaQ(a, x), c.double("q"), rel: 1e-12, abs: 1e-300, "Q(\(a), \(x))")
        }
    }

    @Test func chiSquaredSurvival() throws {
        for c in try StatsFixture.cases("tests_special", "chi2") {
            let x = c.double("x"), df = c.double("df")
            expectClose(SpecialFunctions.chiSquaredSF(x, degreesOfFreedom: df), c.double("sf"), rel: 1e-12, abs: 1e-300,
                        "chi2.sf(\(x), \(df))")
        }
    }

    @Test func hypergeometricPMF() throws {
        for c in try StatsFixture.cases("tests_special", "hypergeometric") {
            let value = SpecialFunctions.hypergeometricPMF(c.int("k"), population: c.int("population"),
                                                           successes: c.int("successes"), draws: c.int("draws"))
            expectClose(value, c.double("pmf"), rel: 1e-11, "hypergeom \(c)")
        }
    }

    @Test func domainEdges() {
        #expect(SpecialFunctions.normalQuantile(0) == -.infinity)
        #expect(SpecialFunctions.normalQuantile(1) == .infinity)
        #expect(SpecialFunctions.normalQuantile(1.5).isNaN)
        #expect(SpecialFunctions.chiSquaredSF(3, degreesOfFreedom: 0).isNaN)
        #expect(SpecialFunctions.chiSquaredSF(0, degreesOfFreedom: 4) == 1)
        #expect(SpecialFunctions.chiSquaredSF(.infinity, degreesOfFreedom: 4) == 0)
        #expect(SpecialFunctions.logGamma(-1).isNaN)
    }
}
