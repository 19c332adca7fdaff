import DriftwatchDemo
import DriftwatchDrift
import Testing

/// Reference windows per feature (fixed baseline or trailing) and streaming detectors that fire as
/// a change starts rather than when a window closes.
@Suite struct DriftWindowTests {
    static func configuration(trailing: Bool) -> DriftConfiguration {
        var c = DriftConfiguration()
        c.features = [
            DriftFeature(.topScore, reference: trailing ? .trailing : .baseline),
            DriftFeature(.evidenceAgeDays),
        ]
        c.monitorAllSliceKeys = false
        c.baseline = .leading(durationMicros: 3_600_000_000)
        return c
    }

    @Test func aTrailingReferenceFollowsAChangeThatABaselineStillSees() throws {
        // The reindex starts at 1h: the trailing reference [1h, 2h) already holds it, the
        // baseline [0, 1h) does not.
        let early = ["reindex_lower_scores@1h"]
        let baseline = try DriftScenario.run(early, configuration: Self.configuration(trailing: false))
        let trailing = try DriftScenario.run(early, configuration: Self.configuration(trailing: true))
        #expect(baseline.row("retrieval.top_score")?.drifted == true)
        #expect(trailing.row("retrieval.top_score")?.drifted == false)
        #expect(trailing.trailingReference != nil)
        // A change inside the current window is drift against either reference.
        let late = try DriftScenario.run(["reindex_lower_scores@2h10m"], configuration: Self.configuration(trailing: true))
        #expect(late.row("retrieval.top_score")?.drifted == true)
        // Only the trailing feature keeps the extra buckets: the window plus the trailing hour.
        let engine = try DriftScenario.engine(early, configuration: Self.configuration(trailing: true))
        #expect(engine.bucketCount <= 25)
        #expect(try DriftScenario.engine(early, configuration: Self.configuration(trailing: false)).bucketCount <= 13)
    }

    @Test func streamingDetectorsFireWithinMinutesOfTheChange() throws {
        let generator = try DriftScenario.generator(["tool_call_drop@1h30m:tool=order_status_api,rate=0.5"])
        let start = try #require(generator.groundTruth.first?.startMicros)
        var engine = DriftEngine()
        for record in generator { engine.ingest(record) }
        let detector = try #require(engine.report().detectors.first { $0.name == "tools.expected_missing_rate" })
        let first = try #require(detector.firstDetection)
        let firstMicros = try #require(RFC3339Probe.micros(first))
        #expect(firstMicros >= start, "no false alarm before the change")
        #expect(firstMicros - start < 10 * 60_000_000, "detected \(Double(firstMicros - start) / 6e7) minutes after the change")
        #expect(detector.currentRate > 0.2)
    }
}

import DriftwatchCore

enum RFC3339Probe {
    static func micros(_ text: String) -> Int64? { RFC3339.parse(text) }
}
