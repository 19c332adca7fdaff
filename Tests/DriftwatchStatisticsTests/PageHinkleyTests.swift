import DriftwatchStatistics
import Testing

@Suite struct PageHinkleyTests {
    static func detector(for c: StreamFixtures.PageHinkleyCase) throws -> PageHinkley {
        let p = c.params
        let mode = try #require(PageHinkley.Mode(rawValue: p.mode))
        return PageHinkley(minInstances: p.minInstances, delta: p.delta, threshold: p.threshold, alpha: p.alpha, mode: mode)
    }

    @Test("reproduces River's detections and running sums", arguments: StreamFixtures.pageHinkleyCases)
    func matchesRiver(_ c: StreamFixtures.PageHinkleyCase) throws {
        let values = try #require(StreamFixtures.streams[c.stream])
        var detector = try Self.detector(for: c)
        var detections: [Int] = []
        var traceMismatches: [Int] = []
        for (i, x) in values.enumerated() {
            if detector.update(x) {
                detections.append(i)
            }
            if i % c.traceEvery == 0 {
                let expected = c.trace[i / c.traceEvery]
                let actual = [
                    detector.count, detector.mean, detector.sumIncrease, detector.sumDecrease,
                    detector.minIncrease, detector.maxDecrease,
                ]
                if !zip(actual, expected).allSatisfy({ StreamFixtures.isClose($0, $1) }) {
                    traceMismatches.append(i)
                }
            }
        }
        #expect(detections == c.detections)
        #expect(traceMismatches.isEmpty, "first trace mismatches: \(traceMismatches.prefix(5))")
    }

    @Test("a restored detector continues exactly like the original", arguments: [
        ("step_mean", "default", 1000), ("step_mean", "default", 1512), ("gradual", "up", 1966), ("bernoulli_jump", "down", 10),
    ])
    func restoredContinuesIdentically(stream: String, config: String, cut: Int) throws {
        let values = try #require(StreamFixtures.streams[stream])
        let reference = try #require(StreamFixtures.pageHinkleyCases.first { $0.stream == stream && $0.config == config })
        var original = try Self.detector(for: reference)
        var detections: [Int] = []
        for (i, x) in values[...cut].enumerated() where original.update(x) {
            detections.append(i)
        }
        var restored = try PageHinkley(restoring: original.state)
        #expect(restored == original)
        for (i, x) in values.enumerated().dropFirst(cut + 1) {
            let a = original.update(x)
            let b = restored.update(x)
            #expect(a == b)
            if b { detections.append(i) }
        }
        #expect(restored == original)
        #expect(detections == reference.detections)
    }

    @Test func freshStateRoundTripsWithInfiniteMinimum() throws {
        let fresh = PageHinkley()
        #expect(fresh.state.minIncrease == .infinity)
        #expect(try PageHinkley(restoring: fresh.state) == fresh)
        var broken = fresh.state
        broken.mean = .nan
        #expect(throws: StreamStateError.self) { try PageHinkley(restoring: broken) }
    }

    @Test func noDetectionBeforeMinInstances() {
        var detector = PageHinkley(minInstances: 30, threshold: 1)
        var fired: [Int] = []
        for i in 0..<30 where detector.update(i < 10 ? 0 : 1000) {
            fired.append(i)
        }
        #expect(fired == [29])
    }

    @Test(arguments: PageHinkley.Mode.allCases)
    func modesSeeOnlyTheirDirection(_ mode: PageHinkley.Mode) {
        var rising = PageHinkley(mode: mode)
        var falling = PageHinkley(mode: mode)
        var rose = false, fell = false
        for i in 0..<400 {
            rose = rising.update(i < 200 ? 0 : 5) || rose
            fell = falling.update(i < 200 ? 5 : 0) || fell
        }
        #expect(rose == (mode != .down))
        #expect(fell == (mode != .up))
    }
}
