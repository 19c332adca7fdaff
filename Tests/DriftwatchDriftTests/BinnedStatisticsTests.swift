import DriftwatchCore
@testable import DriftwatchDrift
import DriftwatchStatistics
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The detector computes statistics from fine-binned counts, not raw samples. These tests check
/// the binned numbers against the same DriftwatchStatistics functions on the raw samples (which are
/// themselves checked against scipy/Evidently), within the tolerance the binning allows.
@Suite struct BinnedStatisticsTests {
    /// Deterministic samples: a seeded generator and inverse-CDF normals.
    struct Samples {
        var state: UInt64
        mutating func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (Double((z ^ (z >> 31)) >> 11) + 0.5) / 9_007_199_254_740_992
        }
        mutating func normal(_ mean: Double, _ sd: Double) -> Double { mean + sd * SpecialFunctions.normalQuantile(unit()) }
        mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * SpecialFunctions.normalQuantile(unit())) }
    }

    static let binning = FineBinning()

    static func histogram(_ values: [Double]) -> NumericHistogram {
        var h = NumericHistogram()
        for v in values { h.add(key: binning.key(v), value: v) }
        return h
    }

    /// Score-like, latency-like and token-like pairs: no drift, a small shift, a large shift.
    static let cases: [(name: String, reference: [Double], current: [Double])] = {
        var rng = Samples(state: 42)
        func scores(_ n: Int, _ mean: Double) -> [Double] { (0..<n).map { _ in min(0.999, max(0.01, rng.normal(mean, 0.07))) } }
        func latencies(_ n: Int, _ median: Double) -> [Double] { (0..<n).map { _ in (rng.logNormal(median: median, sigma: 0.35) * 10).rounded() / 10 } }
        func tokens(_ n: Int, _ median: Double) -> [Double] { (0..<n).map { _ in rng.logNormal(median: median, sigma: 0.6).rounded() } }
        return [
            ("scores, same", scores(3000, 0.8), scores(2500, 0.8)),
            ("scores, -0.02", scores(3000, 0.8), scores(2500, 0.78)),
            ("scores, -0.12", scores(3000, 0.8), scores(2500, 0.68)),
            ("latency, same", latencies(4000, 60), latencies(4000, 60)),
            ("latency, x1.3", latencies(4000, 60), latencies(4000, 78)),
            ("tokens, same", tokens(2000, 900), tokens(3000, 900)),
            ("tokens, x1.1", tokens(2000, 900), tokens(3000, 990)),
            ("small, shift", scores(300, 0.8), scores(200, 0.76)),
        ]
    }()

    @Test(arguments: 0..<8)
    func kolmogorovSmirnovOnFineBinsMatchesRawSamples(index: Int) {
        let c = Self.cases[index]
        let bins = AlignedBins(reference: Self.histogram(c.reference), current: Self.histogram(c.current))
        let raw = KolmogorovSmirnov.test(c.reference, c.current)
        let binned = KolmogorovSmirnov.test(counts1: bins.reference, counts2: bins.current)
        // D on bins is D of the samples evaluated at bin edges: it can only miss what lies inside
        // one bin, so |ΔD| ≤ the largest share of either sample in a single bin.
        let nRef = Double(c.reference.count), nCur = Double(c.current.count)
        let bound = bins.reference.indices.map { max(Double(bins.reference[$0]) / nRef, Double(bins.current[$0]) / nCur) }.max()!
        #expect(binned.statistic <= raw.statistic + 1e-12, "\(c.name)")
        #expect(raw.statistic - binned.statistic <= bound + 1e-12, "\(c.name)")
        #expect(abs(raw.statistic - binned.statistic) < 0.01, "\(c.name): D raw \(raw.statistic) binned \(binned.statistic)")
        #expect((raw.pValue <= 0.05) == (binned.pValue <= 0.05), "\(c.name): p raw \(raw.pValue) binned \(binned.pValue)")
    }

    @Test(arguments: 0..<8)
    func wassersteinOnFineBinsMatchesRawSamples(index: Int) {
        let c = Self.cases[index]
        let bins = AlignedBins(reference: Self.histogram(c.reference), current: Self.histogram(c.current))
        let raw = Wasserstein.normalizedDistance(reference: c.reference, current: c.current)
        let binned = DriftEngine.numericScore(.wasserstein, bins: bins, binning: Self.binning, psiBins: 10).value
        // Every value moves by at most α·|x| to its bin's representative, so W moves by at most
        // α·(E|x_ref| + E|x_cur|), and σ by at most α·E|x|-ish: stated tolerance 2α·(mean ratio) + 1%.
        let meanMagnitude = (c.reference.map(abs).reduce(0, +) / Double(c.reference.count) + c.current.map(abs).reduce(0, +) / Double(c.current.count))
        let sigma = Wasserstein.standardDeviation(c.reference)
        let tolerance = Self.binning.relativeAccuracy * meanMagnitude / sigma + 0.01 * raw
        #expect(abs(raw - binned) <= tolerance, "\(c.name): raw \(raw) binned \(binned) tolerance \(tolerance)")
        #expect(abs(raw - binned) < 0.005 + 0.01 * raw, "\(c.name): raw \(raw) binned \(binned)")
        #expect((raw >= 0.1) == (binned >= 0.1), "\(c.name)")
    }

    @Test(arguments: 0..<8)
    func psiOnReferenceQuantileBinsMatchesRawQuantileBins(index: Int) {
        let c = Self.cases[index]
        let bins = AlignedBins(reference: Self.histogram(c.reference), current: Self.histogram(c.current))
        let cuts = HistogramBinning.quantileEdges(reference: c.reference, binCount: 10)
        let raw = PopulationStability.index(
            referenceCounts: HistogramBinning.openBinCounts(c.reference, cutPoints: cuts),
            currentCounts: HistogramBinning.openBinCounts(c.current, cutPoints: cuts))
        let binned = DriftEngine.numericScore(.psi, bins: bins, binning: Self.binning, psiBins: 10).value
        // Cuts snap to fine-bin edges (within α of numpy's quantiles); each bin's share moves by at
        // most the mass of one fine bin, so PSI agrees to about 0.01 at these sizes.
        #expect(abs(raw - binned) < 0.01 + 0.05 * raw, "\(c.name): raw \(raw) binned \(binned)")
        let q = bins.quantileBins(10, binning: Self.binning)
        #expect(q.reference.count == cuts.count + 1 || c.reference.count < 500, "\(c.name)")
        for (a, b) in zip(q.cuts, cuts) { #expect(abs(a - b) <= 3 * Self.binning.relativeAccuracy * abs(b) + 1e-9, "\(c.name) cut \(a) vs \(b)") }
    }

    @Test func fewDistinctValuesAreBinnedExactly() {
        // Retries and evidence counts: Evidently bins by distinct value (≤ 20 of them), so the fine
        // bins, one per integer, must give identical counts and statistics.
        var rng = Samples(state: 7)
        let reference = (0..<5000).map { _ in Double(Int(rng.unit() * rng.unit() * 4)) }
        let current = (0..<4000).map { _ in Double(Int(rng.unit() * 4)) }
        let bins = AlignedBins(reference: Self.histogram(reference), current: Self.histogram(current))
        let evidently = EvidentlyBinning.counts(reference: reference, current: current)
        #expect(bins.reference.sorted() == evidently.reference.sorted())
        #expect(bins.keys.count == 4)
        let test = DriftTest.evidentlyDefault(kind: .numerical, referenceCount: reference.count, distinctValues: bins.keys.count)
        #expect(test == .jensenShannon)
        let binned = DriftEngine.numericScore(test, bins: bins, binning: Self.binning, psiBins: 10).value
        let raw = EvidentlyBinning.jensenShannon(reference: reference, current: current)
        #expect(abs(binned - raw) <= 1e-12 * raw)
        let chi = DriftEngine.numericScore(.chiSquare, bins: bins, binning: Self.binning, psiBins: 10).value
        #expect(chi == ChiSquareDrift.test(referenceCounts: evidently.reference, currentCounts: evidently.current).pValue)
    }

    @Test func quantilesAndMeansFromBinsAreWithinTheRelativeAccuracy() {
        let c = Self.cases[3]
        let h = Self.histogram(c.reference)
        let sorted = c.reference.sorted()
        for q in [0.1, 0.5, 0.9, 0.99] {
            let exact = sorted[Int((q * Double(sorted.count)).rounded(.up)) - 1]
            let approx = h.quantile(q, binning: Self.binning)!
            #expect(abs(approx - exact) <= Self.binning.relativeAccuracy * exact * 1.0001, "q\(q): \(approx) vs \(exact)")
        }
        #expect(abs(h.mean! - c.reference.reduce(0, +) / Double(c.reference.count)) < 1e-9)
    }

    @Test func binKeysAreMonotoneAndRepresentativesClose() {
        let b = Self.binning
        var previous = Int32.min
        for x in [-1e13, -5000.0, -1.0, -1e-3, -1e-7, 0, 1e-7, 1e-6, 2e-6, 0.5, 0.5001, 1, 3, 1e6, 1e12, 1e15] {
            let k = b.key(x)
            #expect(k >= previous, "\(x)")
            previous = k
            if abs(x) >= 1e-6 && abs(x) <= 1e12 { #expect(abs(b.value(k) - x) <= b.relativeAccuracy * abs(x) * 1.0001, "\(x)") }
        }
        #expect(b.key(0) == 0 && b.key(1e-7) == 0)
        #expect(b.key(0.5) != b.key(0.51))
    }

    @Test func categoricalStatisticsFromCountsEqualRawValues() throws {
        // A report's categorical numbers are the functions applied to counts of the raw values.
        var rng = Samples(state: 3)
        func draw(_ weights: [Double]) -> String {
            var u = rng.unit() * weights.reduce(0, +)
            for (i, w) in weights.enumerated() { u -= w; if u < 0 { return ["en", "de", "fr", "es"][i] } }
            return "es"
        }
        let reference = (0..<3000).map { _ in draw([0.55, 0.15, 0.15, 0.15]) }
        let current = (0..<2000).map { _ in draw([0.45, 0.3, 0.15, 0.1]) }
        let raw = CategoricalCounts(reference: reference, current: current)
        let rawJS = JensenShannon.distance(referenceCounts: raw.reference, currentCounts: raw.current)
        var engine = DriftEngine(configuration: {
            var c = DriftConfiguration()
            c.baseline = .fixed(fromMicros: 0, toMicros: 3000)
            c.currentWindowMicros = 1_000_000
            c.bucketMicros = 1_000_000
            return c
        }())
        for (i, language) in reference.enumerated() {
            engine.ingest(.init(requestID: "r\(i)", timestampMicros: Int64(i), slices: [.init(key: "language", value: .string(language))]))
        }
        for (i, language) in current.enumerated() {
            engine.ingest(.init(requestID: "c\(i)", timestampMicros: 10_000_000 + Int64(i), slices: [.init(key: "language", value: .string(language))]))
        }
        let row = try #require(engine.report().row("slices.language"))
        #expect(row.statistic == "jensenshannon")
        #expect(abs(row.value - rawJS) <= 1e-12 * rawJS)
        #expect(row.reference.count == 3000 && row.current.count == 2000)
        #expect(row.pValue == PooledContingencyChiSquare.test(reference: raw.reference, current: raw.current).pValue)
        #expect(row.drifted)
    }
}
