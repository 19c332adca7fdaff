import DriftwatchStatistics
import Testing

@Suite struct DDSketchTests {
    static func sketch(_ c: StreamFixtures.SketchCase, _ values: some Sequence<Double>) -> DDSketch {
        var sketch = DDSketch(relativeAccuracy: c.relativeAccuracy, maxBucketCount: c.binLimit)
        for v in values { sketch.add(v) }
        return sketch
    }

    static func check(_ sketch: DDSketch, against expected: StreamFixtures.SketchSummary) {
        #expect(Double(sketch.count) == expected.count)
        #expect(Double(sketch.zeroCount) == expected.zeroCount)
        #expect(StreamFixtures.isClose(sketch.sum, expected.sum))
        #expect(sketch.min == expected.min)
        #expect(sketch.max == expected.max)
        let quantiles = StreamFixtures.sketchQuantiles.map { sketch.quantile($0) ?? .nan }
        #expect(zip(quantiles, expected.quantiles).allSatisfy { StreamFixtures.isClose($0, $1) }, "\(quantiles) vs \(expected.quantiles)")
        #expect(sketch.positiveBins.map { [$0.key, Int($0.count)] } == expected.positiveBins)
        #expect(sketch.negativeBins.map { [$0.key, Int($0.count)] } == expected.negativeBins)
        #expect(sketch.isCollapsed == (expected.positiveCollapsed || expected.negativeCollapsed))
    }

    @Test("matches ddsketch's bins and quantiles", arguments: StreamFixtures.sketchCases)
    func matchesPython(_ c: StreamFixtures.SketchCase) {
        Self.check(Self.sketch(c, c.values), against: c.whole)
    }

    @Test("merging halves matches ddsketch's merge", arguments: StreamFixtures.sketchCases)
    func mergeMatchesPython(_ c: StreamFixtures.SketchCase) throws {
        var left = Self.sketch(c, c.values[..<c.mergeSplit])
        try left.merge(Self.sketch(c, c.values[c.mergeSplit...]))
        Self.check(left, against: c.merged)
    }

    @Test("quantiles are within alpha of the exact lower quantile", arguments: StreamFixtures.sketchCases)
    func relativeErrorGuarantee(_ c: StreamFixtures.SketchCase) {
        let sketch = Self.sketch(c, c.values)
        for (q, exact) in zip(StreamFixtures.sketchQuantiles, c.exactLowerQuantiles) {
            let estimate = sketch.quantile(q) ?? .nan
            if c.whole.positiveCollapsed && exact > 0 || c.whole.negativeCollapsed && exact < 0 {
                continue  // folded bins void the guarantee for that sign's lowest magnitudes
            }
            if abs(exact) < 1e-300 {
                #expect(estimate == 0, "q=\(q)")
            } else {
                #expect(abs(estimate - exact) <= c.relativeAccuracy * abs(exact) * (1 + 1e-12), "q=\(q): \(estimate) vs \(exact)")
            }
        }
    }

    @Test("bytes restore an equal sketch", arguments: StreamFixtures.sketchCases)
    func serializationRoundTrips(_ c: StreamFixtures.SketchCase) throws {
        let sketch = Self.sketch(c, c.values)
        let bytes = sketch.serializedBytes()
        let restored = try DDSketch(bytes: bytes)
        #expect(restored == sketch)
        #expect(restored.serializedBytes() == bytes)
        for q in StreamFixtures.sketchQuantiles {
            #expect(restored.quantile(q) == sketch.quantile(q))
        }
        // At most three bytes per bin between the lowest and highest key, plus a fixed header.
        let span = [sketch.positiveBins, sketch.negativeBins].reduce(0) { total, bins in
            total + ((bins.last?.key).map { $0 - bins[0].key + 1 } ?? 0)
        }
        #expect(bytes.count <= 60 + 3 * span)
        // Restored sketches keep accepting values and merging like the original.
        var a = sketch, b = restored
        a.add(123.5)
        b.add(123.5)
        #expect(a == b)
    }

    @Test func latencySketchIsUnderAKilobyte() throws {
        let c = try #require(StreamFixtures.sketchCases.first { $0.name == "latency_ms" })
        #expect(Self.sketch(c, c.values).serializedBytes().count < 1024)
    }

    @Test func decodingRejectsCorruptBytes() throws {
        var sketch = DDSketch()
        for v in [-3.0, 0, 0.5, 1, 2, 400, 1e6] { sketch.add(v) }
        let bytes = sketch.serializedBytes()
        for length in 0..<bytes.count {
            #expect(throws: StreamStateError.self) { try DDSketch(bytes: bytes[..<length]) }
        }
        #expect(throws: StreamStateError.self) { try DDSketch(bytes: bytes + [0]) }
        var badMagic = bytes
        badMagic[0] = 0
        let error = #expect(throws: StreamStateError.self) { try DDSketch(bytes: badMagic) }
        #expect(error?.code == .unsupportedFormat)
        var badAccuracy = bytes
        badAccuracy.replaceSubrange(2..<10, with: (2.0).bitPattern.littleEndianBytes)
        #expect(throws: StreamStateError.self) { try DDSketch(bytes: badAccuracy) }
    }

    @Test func emptySketch() throws {
        let empty = DDSketch()
        #expect(empty.quantile(0.5) == nil)
        #expect(empty.min == nil && empty.max == nil && empty.count == 0)
        #expect(try DDSketch(bytes: empty.serializedBytes()) == empty)
        var other = DDSketch()
        other.add(7)
        var merged = DDSketch()
        try merged.merge(other)
        #expect(merged == other)
        try merged.merge(empty)
        #expect(merged == other)
    }

    @Test func mergeRejectsDifferentParameters() {
        var a = DDSketch(relativeAccuracy: 0.01)
        let b = DDSketch(relativeAccuracy: 0.02)
        do {
            try a.merge(b)
            Issue.record("merging sketches of different accuracy must fail")
        } catch {
            #expect(error.code == .incompatible)
        }
        #expect(a.isEmpty)
    }

    @Test func signsZerosAndNonFiniteValues() {
        var sketch = DDSketch()
        for v in [-10.0, -1, 0, -0.0, Double.leastNonzeroMagnitude, 1, 10, .nan, .infinity] { sketch.add(v) }
        #expect(sketch.count == 8)  // NaN ignored
        #expect(sketch.zeroCount == 3)
        let q0 = sketch.quantile(0)!, median = sketch.quantile(0.5)!
        #expect(abs(q0 + 10) <= 0.1)
        #expect(median == 0)
        #expect(sketch.max == .infinity)
        #expect(sketch.quantile(1)! > 1e300)
    }

    @Test func collapsingKeepsHighQuantilesAccurate() {
        var sketch = DDSketch(maxBucketCount: 64)
        var exact: [Double] = []
        var x = 1e-9
        while x < 1e9 {
            sketch.add(x)
            exact.append(x)
            x *= 1.01
        }
        #expect(sketch.isCollapsed)
        #expect(sketch.positiveBins.count <= 64)
        // 64 bins of ratio ~1.02 span a factor ~3.6 below the maximum: only the top ~4% of
        // this geometric series stays within alpha.
        for q in [0.97, 0.99, 0.999, 1.0] {
            let truth = exact[Int(q * Double(exact.count - 1))]
            #expect(abs(sketch.quantile(q)! - truth) <= 0.01 * truth)
        }
        // Folded mass sits in the lowest kept bin, far above the true minimum.
        #expect(sketch.quantile(0)! > 1e3)
    }
}

extension UInt64 {
    fileprivate var littleEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> (8 * $0)) } }
}
