import Foundation
import Testing

/// Reference values written by `Fixtures/make_stream_fixtures.py` (River 0.26.1, ddsketch 3.0.1).
/// Decoded with `JSONDecoder`, which parses doubles exactly; `JSONSerialization` on Linux can
/// be off by a few ulps for 17-digit numbers.
enum StreamFixtures {
    struct ADWINParams: Decodable, Sendable {
        var delta: Double
        var clock: Int
        var maxBuckets: Int
        var minWindowLength: Int
        var gracePeriod: Int
    }

    struct ADWINCase: Decodable, Sendable, CustomTestStringConvertible {
        var stream: String
        var config: String
        var params: ADWINParams
        var detections: [Int]
        var width: [Int]
        var estimation: [Double]
        var varianceEvery: Int
        var variance: [Double]
        var testDescription: String { "\(stream)/\(config)" }
    }

    struct PageHinkleyParams: Decodable, Sendable {
        var minInstances: Int
        var delta: Double
        var threshold: Double
        var alpha: Double
        var mode: String
    }

    struct PageHinkleyCase: Decodable, Sendable, CustomTestStringConvertible {
        var stream: String
        var config: String
        var params: PageHinkleyParams
        var detections: [Int]
        var traceEvery: Int
        /// Per sample: n, mean, sumIncrease, sumDecrease, minIncrease, maxDecrease.
        var trace: [[Double]]
        var testDescription: String { "\(stream)/\(config)" }
    }

    struct SketchSummary: Decodable, Sendable {
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

    struct SketchCase: Decodable, Sendable, CustomTestStringConvertible {
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

    struct Inputs: Decodable { var streams: [String: [Double]] }
    struct Cases<Case: Decodable>: Decodable { var cases: [Case] }
    struct Sketches: Decodable {
        var quantiles: [Double]
        var cases: [SketchCase]
    }

    static let streams: [String: [Double]] = (try? load("stream_inputs", as: Inputs.self).streams) ?? [:]
    static let adwinCases: [ADWINCase] = (try? load("stream_adwin", as: Cases<ADWINCase>.self).cases) ?? []
    static let pageHinkleyCases: [PageHinkleyCase] = (try? load("stream_page_hinkley", as: Cases<PageHinkleyCase>.self).cases) ?? []
    static let sketches = try? load("stream_ddsketch", as: Sketches.self)
    static let sketchQuantiles: [Double] = sketches?.quantiles ?? []
    static let sketchCases: [SketchCase] = sketches?.cases ?? []

    /// Equal, or within `relative` of the larger magnitude (the fixtures' 1e-9 contract).
    static func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        a == b || abs(a - b) <= relative * Swift.max(abs(a), abs(b))
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(contentsOf: url))
    }
}

@Test func streamFixturesLoadAndParseExactly() throws {
    // Loading again surfaces the decoding error that the cached properties swallow.
    _ = try StreamFixtures.load("stream_adwin", as: StreamFixtures.Cases<StreamFixtures.ADWINCase>.self)
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
