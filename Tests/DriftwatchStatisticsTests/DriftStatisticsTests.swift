import Foundation
import DriftwatchStatistics
import Testing

@Suite("Drift statistics against scipy and Evidently")
struct DriftStatisticsTests {
    @Test func categoricalStatistics() throws {
        for c in try StatsFixture.cases("tests_drift", "categorical") {
            let ref = c.ints("reference"), cur = c.ints("current")
            let label = "\(ref) vs \(cur)"
            let chi = ChiSquareDrift.test(referenceCounts: ref, currentCounts: cur)
            expectClose(chi.statistic, c.double("chiSquareStatistic"), "chi2 statistic \(label)")
            expectClose(chi.pValue, c.double("chiSquareP"), abs: 1e-300, "chisquare p \(label)")
            expectClose(JensenShannon.distance(referenceCounts: ref, currentCounts: cur), c.double("jensenShannon"),
                        abs: 1e-15, "js \(label)")
            expectClose(JensenShannon.distance(referenceCounts: ref, currentCounts: cur, base: 2), c.double("jensenShannonBase2"),
                        abs: 1e-15, "js base 2 \(label)")
            if c["evidentlyJensenShannon"] != nil {
                expectClose(JensenShannon.distance(referenceCounts: ref, currentCounts: cur), c.double("evidentlyJensenShannon"),
                            abs: 1e-15, "Evidently js \(label)")
                expectClose(PopulationStability.evidentlyIndex(referenceCounts: ref, currentCounts: cur), c.double("evidentlyPSI"),
                            abs: 1e-15, "Evidently psi \(label)")
            }
            if c["zP"] != nil {
                // Evidently's 2·(1 − Φ(|z|)) has an absolute floor near 1e-16.
                expectClose(EvidentlyZTest.pValue(referenceCounts: ref, currentCounts: cur), c.double("zP"), abs: 1e-15, "z \(label)")
            }
        }
    }

    @Test func numericStatistics() throws {
        for c in try StatsFixture.cases("tests_drift", "numeric") {
            let name = c["name"] as? String ?? "?"
            let ref = c.doubles("reference"), cur = c.doubles("current")
            expectClose(Wasserstein.distance(ref, cur), c.double("wasserstein"), "wasserstein \(name)")
            expectClose(Wasserstein.normalizedDistance(reference: ref, current: cur), c.double("wassersteinNorm"), "wasserstein norm \(name)")
            let binned = EvidentlyBinning.counts(reference: ref, current: cur)
            #expect(binned.reference.sorted() == c.ints("binnedReference").sorted() || binned.reference == c.ints("binnedReference"),
                    "binned reference \(name)")
            if c["sturgesEdges"] != nil {
                var lower = Double.infinity, upper = -Double.infinity
                for v in ref + cur { lower = min(lower, v); upper = max(upper, v) }
                let edges = HistogramBinning.sturgesEdges(min: lower, max: upper, count: ref.count + cur.count)
                #expect(edges == c.doubles("sturgesEdges"), "sturges edges \(name)")
                #expect(binned.reference == c.ints("binnedReference"), "sturges reference counts \(name)")
                #expect(binned.current == c.ints("binnedCurrent"), "sturges current counts \(name)")
            }
            if c["evidentlyJensenShannon"] != nil {
                expectClose(EvidentlyBinning.jensenShannon(reference: ref, current: cur), c.double("evidentlyJensenShannon"),
                            abs: 1e-15, "Evidently js \(name)")
                expectClose(EvidentlyBinning.psi(reference: ref, current: cur), c.double("evidentlyPSI"), abs: 1e-15, "Evidently psi \(name)")
                expectClose(Wasserstein.normalizedDistance(reference: ref, current: cur), c.double("evidentlyWasserstein"),
                            "Evidently wasserstein \(name)")
            }
            let cuts = HistogramBinning.quantileEdges(reference: ref, binCount: 10)
            #expect(cuts == c.doubles("quantileCuts"), "quantile cuts \(name)")
            let refCounts = HistogramBinning.openBinCounts(ref, cutPoints: cuts)
            let curCounts = HistogramBinning.openBinCounts(cur, cutPoints: cuts)
            #expect(refCounts == c.ints("quantileReference"), "quantile reference counts \(name)")
            #expect(curCounts == c.ints("quantileCurrent"), "quantile current counts \(name)")
            expectClose(PopulationStability.index(referenceCounts: refCounts, currentCounts: curCounts), c.double("quantilePSI"),
                        abs: 1e-15, "quantile psi \(name)")
        }
    }

    @Test func weightedWassersteinOnHistograms() throws {
        for c in try StatsFixture.cases("tests_drift", "weighted") {
            let values = c.doubles("values"), c1 = c.ints("counts1"), c2 = c.ints("counts2")
            expectClose(Wasserstein.distance(values: values, weights1: c1.map(Double.init), weights2: c2.map(Double.init)),
                        c.double("distance"), abs: 1e-15, "weighted wasserstein \(values)")
            expectClose(Wasserstein.normalizedDistance(values: values, referenceCounts: c1, currentCounts: c2),
                        c.double("normalized"), abs: 1e-15, "normalized weighted wasserstein \(values)")
        }
    }

    @Test func defaultTestSelectionMatchesEvidently() throws {
        for c in try StatsFixture.cases("tests_drift", "defaults") {
            let kind = try #require(DriftTest.FeatureKind(rawValue: c["kind"] as? String ?? ""))
            let test = DriftTest.evidentlyDefault(kind: kind, referenceCount: c.int("referenceCount"), distinctValues: c.int("distinct"))
            #expect(test.rawValue == c["test"] as? String, "default for \(c)")
            #expect(test.defaultThreshold == c.double("threshold"), "threshold for \(c)")
        }
    }

    @Test func driftDecisionsFollowEvidentlyComparisons() {
        #expect(DriftTest.chiSquare.isDrift(score: 0.049))
        #expect(!DriftTest.chiSquare.isDrift(score: 0.05))
        #expect(DriftTest.kolmogorovSmirnov.isDrift(score: 0.05))
        #expect(DriftTest.jensenShannon.isDrift(score: 0.1))
        #expect(!DriftTest.wasserstein.isDrift(score: 0.099))
        #expect(DriftTest.psi.isDrift(score: 0.3, threshold: 0.25))
        #expect(!DriftTest.zTest.isDrift(score: .nan))
    }

    @Test func categoricalCountsAlignUnionOfCategories() {
        let table = CategoricalCounts(reference: ["en", "de", "en", "fr"], current: ["en", "es", "es"])
        #expect(table.categories == ["en", "de", "fr", "es"])
        #expect(table.reference == [2, 1, 1, 0])
        #expect(table.current == [1, 0, 0, 2])
        // A category new in current makes chi-squared infinite and its p-value 0, as scipy does.
        let chi = ChiSquareDrift.test(referenceCounts: table.reference, currentCounts: table.current)
        #expect(chi.statistic == .infinity && chi.pValue == 0)
    }

    @Test func psiUsesEpsilonForEmptyBins() {
        // Reference shares (0.5, 0.5, 0), current (0.5, 0.25, 0.25): the empty bin counts as 1e-4.
        let psi = PopulationStability.index(referenceCounts: [2, 2, 0], currentCounts: [2, 1, 1])
        let expected = (0.5 - 0.25) * log(0.5 / 0.25) + (1e-4 - 0.25) * log(1e-4 / 0.25)
        expectClose(psi, expected, rel: 1e-12, "psi with an empty bin")
    }
}
