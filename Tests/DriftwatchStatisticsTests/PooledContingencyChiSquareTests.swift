import DriftwatchStatistics
import Testing

/// The categorical drift guard against scipy's chi2_contingency on the same pooled tables
/// (Fixtures/make_contingency_fixtures.py).
@Suite struct PooledContingencyChiSquareTests {
    @Test func matchesScipyOnPooledTables() throws {
        for (i, c) in try StatsFixture.cases("tests_contingency", "cases").enumerated() {
            let result = PooledContingencyChiSquare.test(
                reference: c.ints("reference"), current: c.ints("current"), dispersion: c.double("dispersion"))
            #expect(PooledContingencyChiSquare.pool(c.ints("reference"), c.ints("current")).count == Int(c.double("columns")), "columns case \(i)")
            #expect(result.degreesOfFreedom == Int(c.double("df")), "df case \(i)")
            expectClose(result.statistic, c.double("statistic"), rel: 1e-10, abs: 1e-12, "statistic case \(i)")
            expectClose(result.pValue, c.double("p"), rel: 1e-8, abs: 1e-300, "p case \(i)")
        }
    }

    /// The quiet-run false drift: one request in the current hour called a tool set the reference never
    /// saw. Evidently's goodness-of-fit calls that certain drift; pooled, it is not.
    @Test func aValueOnlyTheCurrentWindowHasIsNotCertainDrift() {
        let reference = [1378, 1098, 1007, 838, 0], current = [59, 30, 46, 60, 1]
        #expect(ChiSquareDrift.test(referenceCounts: reference, currentCounts: current).pValue == 0)
        let pooled = PooledContingencyChiSquare.test(reference: reference, current: current)
        #expect(pooled.pValue > 1e-5)
        #expect(pooled.degreesOfFreedom == 3)
    }

    @Test func dispersionWeakensTheEvidence() {
        let reference = [400, 300, 300], current = [30, 50, 20]
        let plain = PooledContingencyChiSquare.test(reference: reference, current: current)
        let dispersed = PooledContingencyChiSquare.test(reference: reference, current: current, dispersion: 2.5)
        #expect(plain.statistic == dispersed.statistic)
        #expect(dispersed.pValue > plain.pValue * 10)
    }
}
