import DriftwatchStatistics
import Testing

@Suite("Proportion tests against statsmodels and scipy")
struct ProportionsTests {
    @Test func wilsonIntervalMatchesStatsmodels() throws {
        for c in try StatsFixture.cases("tests_proportions", "wilson") {
            let interval = Proportions.wilsonInterval(successes: c.int("successes"), trials: c.int("trials"), alpha: c.double("alpha"))
            // Bounds can be exactly 0 (k = 0) up to rounding: absolute 1e-15 there.
            expectClose(interval.lower, c.double("lower"), abs: 1e-15, "wilson lower \(c)")
            expectClose(interval.upper, c.double("upper"), abs: 1e-15, "wilson upper \(c)")
        }
        #expect(Proportions.wilsonInterval(successes: 0, trials: 0).lower.isNaN)
    }

    @Test func twoProportionZTestMatchesStatsmodels() throws {
        for c in try StatsFixture.cases("tests_proportions", "ztest") {
            let alternative = try #require(TestAlternative(rawValue: c["alternative"] as? String ?? ""))
            let result = Proportions.twoProportionZTest(successes1: c.int("s1"), trials1: c.int("n1"),
                                                        successes2: c.int("s2"), trials2: c.int("n2"), alternative: alternative)
            expectClose(result.statistic, c.double("z"), abs: 1e-15, "z \(c)")
            expectClose(result.pValue, c.double("p"), abs: 1e-300, "p \(c)")
        }
    }

    @Test func fisherExactMatchesScipy() throws {
        for c in try StatsFixture.cases("tests_proportions", "fisher") {
            let table = try #require(c["table"] as? [Any]).map { ($0 as? [Double] ?? []).map { Int($0) } }
            let alternative = try #require(TestAlternative(rawValue: c["alternative"] as? String ?? ""))
            let result = FisherExactTest.test(table[0][0], table[0][1], table[1][0], table[1][1], alternative: alternative)
            expectClose(result.statistic, c.double("oddsRatio"), "odds ratio \(table)")
            expectClose(result.pValue, c.double("p"), abs: 1e-300, "p \(table) \(alternative)")
        }
    }

    @Test func benjaminiHochbergMatchesStatsmodels() throws {
        for c in try StatsFixture.cases("tests_proportions", "bh") {
            let result = BenjaminiHochberg.adjust(c.doubles("p"), alpha: c.double("alpha"))
            let expected = c.doubles("adjusted")
            #expect(result.adjusted.count == expected.count)
            for (a, e) in zip(result.adjusted, expected) { expectClose(a, e, "adjusted \(c["p"] ?? "")") }
            #expect(result.rejected == (c["rejected"] as? [Bool]))
        }
        #expect(BenjaminiHochberg.adjust([]).adjusted.isEmpty)
    }

    @Test func zTestWithZeroVarianceIsNaN() {
        let result = Proportions.twoProportionZTest(successes1: 10, trials1: 10, successes2: 7, trials2: 7)
        #expect(result.pValue.isNaN)
    }
}
