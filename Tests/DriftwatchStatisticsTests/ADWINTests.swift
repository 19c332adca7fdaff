import DriftwatchStatistics
import Testing

@Suite struct ADWINTests {
    static func detector(for c: StreamFixtures.ADWINCase) -> ADWIN {
        ADWIN(
            delta: c.params.delta, clock: c.params.clock, maxBuckets: c.params.maxBuckets,
            minWindowLength: c.params.minWindowLength, gracePeriod: c.params.gracePeriod
        )
    }

    @Test("reproduces River's detections, widths, estimates and variances", arguments: StreamFixtures.adwinCases)
    func matchesRiver(_ c: StreamFixtures.ADWINCase) throws {
        let values = try #require(StreamFixtures.streams[c.stream])
        try #require(values.count == c.width.count && values.count == c.estimation.count)
        var adwin = Self.detector(for: c)
        var detections: [Int] = []
        var widthMismatches: [Int] = []
        var estimationMismatches: [Int] = []
        var varianceMismatches: [Int] = []
        for (i, x) in values.enumerated() {
            if adwin.update(x) {
                detections.append(i)
            }
            #expect(adwin.driftDetected == detections.last.map { $0 == i } ?? false)
            if adwin.width != c.width[i] { widthMismatches.append(i) }
            if !StreamFixtures.isClose(adwin.estimation, c.estimation[i]) { estimationMismatches.append(i) }
            if i % c.varianceEvery == 0, !StreamFixtures.isClose(adwin.windowSquaredDeviations, c.variance[i / c.varianceEvery]) {
                varianceMismatches.append(i)
            }
        }
        #expect(detections == c.detections)
        #expect(widthMismatches.isEmpty, "first width mismatches: \(widthMismatches.prefix(5))")
        #expect(estimationMismatches.isEmpty, "first estimation mismatches: \(estimationMismatches.prefix(5))")
        #expect(varianceMismatches.isEmpty, "first variance mismatches: \(varianceMismatches.prefix(5))")
    }

    @Test("a restored detector continues exactly like the original", arguments: [
        ("step_mean", 777), ("step_mean", 1535), ("bernoulli_jump", 3135), ("gradual", 2000), ("latency_step", 31),
    ])
    func restoredContinuesIdentically(stream: String, cut: Int) throws {
        let values = try #require(StreamFixtures.streams[stream])
        let reference = try #require(StreamFixtures.adwinCases.first { $0.stream == stream && $0.config == "default" })
        var original = ADWIN()
        var detections: [Int] = []
        for (i, x) in values[...cut].enumerated() where original.update(x) {
            detections.append(i)
        }
        let state = original.state
        var restored = try ADWIN(restoring: state)
        #expect(restored == original)
        #expect(restored.state == state)
        for (i, x) in values.enumerated().dropFirst(cut + 1) {
            let a = original.update(x)
            let b = restored.update(x)
            #expect(a == b)
            if b { detections.append(i) }
        }
        #expect(restored == original)
        #expect(detections == reference.detections)
    }

    @Test func stateShapeAfterManyUpdates() throws {
        var adwin = ADWIN()
        for i in 0..<1000 { adwin.update(Double(i % 7)) }
        let state = adwin.state
        #expect(state.width == 1000)
        #expect(state.bucketTotals.allSatisfy { $0.count <= 5 })
        let represented = state.bucketTotals.enumerated().reduce(0) { $0 + $1.element.count << $1.offset }
        #expect(represented == 1000)
        #expect(StreamFixtures.isClose(state.bucketTotals.joined().reduce(0, +), state.total))
        #expect(adwin.estimation == state.total / 1000)
    }

    @Test func restoreRejectsInconsistentState() throws {
        var adwin = ADWIN()
        for i in 0..<300 { adwin.update(Double(i % 3)) }
        var wrongWidth = adwin.state
        wrongWidth.width += 1
        #expect(throws: StreamStateError.self) { try ADWIN(restoring: wrongWidth) }
        var overfull = adwin.state
        overfull.bucketTotals[0] += [1, 1, 1, 1, 1, 1]
        overfull.bucketVariances[0] += [0, 0, 0, 0, 0, 0]
        #expect(throws: StreamStateError.self) { try ADWIN(restoring: overfull) }
        var ragged = adwin.state
        ragged.bucketVariances.removeLast()
        #expect(throws: StreamStateError.self) { try ADWIN(restoring: ragged) }
        var badDelta = adwin.state
        badDelta.delta = 0
        #expect(throws: StreamStateError.self) { try ADWIN(restoring: badDelta) }
    }

    @Test func resetsOnTheUpdateAfterADetection() {
        var adwin = ADWIN()
        var detectedAt: Int?
        for i in 0..<2000 where adwin.update(i < 1000 ? 0 : 10) {
            detectedAt = i
            break
        }
        #expect(detectedAt != nil)
        #expect(adwin.detectionCount == 1)
        #expect(adwin.width > 0)
        adwin.update(10)
        #expect(adwin.width == 1)
        #expect(adwin.detectionCount == 0)
        #expect(adwin.estimation == 10)
    }
}
