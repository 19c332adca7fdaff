import Foundation
import Testing

/// Reference values written by `Fixtures/make_stream_fixtures.py` (River 0.26.1, ddsketch 3.0.1).
enum StreamFixtures {
    struct ADWINCase: Sendable, CustomTestStringConvertible {
        var stream: String
        var config: String
        var delta: Double
        var clock: Int
        var maxBuckets: Int
        var minWindowLength: Int
        var gracePeriod: Int
        var detections: [Int]
        var width: [Int]
        var estimation: [Double]
        var varianceEvery: Int
        var variance: [Double]
        var testDescription: String { "\(stream)/\(config)" }

    }

    struct PageHinkleyCase: Sendable, CustomTestStringConvertible {
        var stream: String
        var config: String
        var minInstances: Int
        var delta: Double
        var threshold: Double
        var alpha: Double
        var mode: String
        var detections: [Int]
        var traceEvery: Int
        /// Per sample: n, mean, sumIncrease, sumDecrease, minIncrease, maxDecrease.
        var trace: [[Double]]
        var testDescription: String { "\(stream)/\(config)" }
    }

    struct SketchSummary: Sendable {
        var count: Double
        var sum: Double
        var min: Double
        var max: Double
        var zeroCount: Double
        var quantiles: [Double]
        var positiveBins: [[Int]]
        var negativeBins: [[Int]]
        var positiveCollapsed: Bool
        var negativeCollapsed: Bool
    }

    struct SketchCase: Sendable, CustomTestStringConvertible {
        var name: String
        var relativeAccuracy: Double
        var binLimit: Int
        var values: [Double]
        var mergeSplit: Int
        var whole: SketchSummary
        var merged: SketchSummary
        var exactLowerQuantiles: [Double]
        var testDescription: String { name }
    }

    static let streams: [String: [Double]] = (try? loadStreams()) ?? [:]
    static let adwinCases: [ADWINCase] = (try? loadADWIN()) ?? []
    static let pageHinkleyCases: [PageHinkleyCase] = (try? loadPageHinkley()) ?? []
    static let sketchQuantiles: [Double] = (try? load("stream_ddsketch")["quantiles"]).map(doubles) ?? []
    static let sketchCases: [SketchCase] = (try? loadSketches()) ?? []

    static func load(_ name: String) throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: Any])
    }

    static func doubles(_ any: Any?) -> [Double] {
        (any as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
    }

    static func ints(_ any: Any?) -> [Int] {
        (any as? [Any] ?? []).map { ($0 as? NSNumber)?.intValue ?? Int.min }
    }

    private static func number(_ any: Any?) -> Double { (any as? NSNumber)?.doubleValue ?? .nan }

    private static func loadStreams() throws -> [String: [Double]] {
        let root = try load("stream_inputs")
        let streams = try #require(root["streams"] as? [String: Any])
        return streams.mapValues(doubles)
    }

    private static func loadADWIN() throws -> [ADWINCase] {
        let cases = try #require(try load("stream_adwin")["cases"] as? [[String: Any]])
        return try cases.map { c in
            let p = try #require(c["params"] as? [String: Any])
            return ADWINCase(
                stream: c["stream"] as? String ?? "", config: c["config"] as? String ?? "",
                delta: number(p["delta"]), clock: Int(number(p["clock"])), maxBuckets: Int(number(p["max_buckets"])),
                minWindowLength: Int(number(p["min_window_length"])), gracePeriod: Int(number(p["grace_period"])),
                detections: ints(c["detections"]), width: ints(c["width"]), estimation: doubles(c["estimation"]),
                varianceEvery: Int(number(c["variance_every"])), variance: doubles(c["variance"])
            )
        }
    }

    private static func loadPageHinkley() throws -> [PageHinkleyCase] {
        let cases = try #require(try load("stream_page_hinkley")["cases"] as? [[String: Any]])
        return try cases.map { c in
            let p = try #require(c["params"] as? [String: Any])
            return PageHinkleyCase(
                stream: c["stream"] as? String ?? "", config: c["config"] as? String ?? "",
                minInstances: Int(number(p["min_instances"])), delta: number(p["delta"]),
                threshold: number(p["threshold"]), alpha: number(p["alpha"]), mode: p["mode"] as? String ?? "",
                detections: ints(c["detections"]), traceEvery: Int(number(c["trace_every"])),
                trace: (c["trace"] as? [Any] ?? []).map(doubles)
            )
        }
    }

    private static func summary(_ any: Any?) throws -> SketchSummary {
        let s = try #require(any as? [String: Any])
        return SketchSummary(
            count: number(s["count"]), sum: number(s["sum"]), min: number(s["min"]), max: number(s["max"]),
            zeroCount: number(s["zero_count"]), quantiles: doubles(s["quantiles"]),
            positiveBins: (s["positive_bins"] as? [Any] ?? []).map(ints),
            negativeBins: (s["negative_bins"] as? [Any] ?? []).map(ints),
            positiveCollapsed: s["positive_collapsed"] as? Bool ?? false,
            negativeCollapsed: s["negative_collapsed"] as? Bool ?? false
        )
    }

    private static func loadSketches() throws -> [SketchCase] {
        let cases = try #require(try load("stream_ddsketch")["cases"] as? [[String: Any]])
        return try cases.map { c in
            SketchCase(
                name: c["name"] as? String ?? "", relativeAccuracy: number(c["relative_accuracy"]),
                binLimit: Int(number(c["bin_limit"])), values: doubles(c["values"]),
                mergeSplit: Int(number(c["merge_split"])), whole: try summary(c["whole"]),
                merged: try summary(c["merged"]), exactLowerQuantiles: doubles(c["exact_lower_quantiles"])
            )
        }
    }
}

/// Equal, or within `relative` of the larger magnitude (the fixtures' 1e-9 contract).
func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    a == b || abs(a - b) <= relative * Swift.max(abs(a), abs(b))
}

@Test func streamFixturesLoadAndParseExactly() throws {
    #expect(StreamFixtures.streams.count == 6)
    #expect(StreamFixtures.adwinCases.count == 9)
    #expect(StreamFixtures.pageHinkleyCases.count == 12)
    #expect(StreamFixtures.sketchCases.count == 6)
    #expect(StreamFixtures.sketchQuantiles.count == 13)
    // JSON numbers must parse to the same doubles Python wrote, or detections could differ.
    let url = try #require(Bundle.module.url(forResource: "stream_inputs", withExtension: "json", subdirectory: "Fixtures"))
    let text = try String(contentsOf: url, encoding: .utf8)
    let start = try #require(text.range(of: "\"step_mean\":["))
    let tail = text[start.upperBound...]
    let end = try #require(tail.firstIndex(of: "]"))
    let parsed = tail[..<end].split(separator: ",").map { Double(String($0)) }
    #expect(parsed.count == 4500)
    #expect(parsed.elementsEqual(StreamFixtures.streams["step_mean"] ?? [], by: { $0 == $1 }))
}
