import DriftwatchCore
import DriftwatchDemo
import DriftwatchDrift
@testable import DriftwatchRuntime
import DriftwatchTesting
import Foundation
import Testing

/// Comparing two files decodes blocks of lines on several threads but counts the records in file
/// order: the state must be byte for byte what one thread ingesting the same records builds.
@Suite struct DriftFileComparisonTests {
    /// Two hours of records with a language shift at the midpoint, as JSON lines.
    static func lines() throws -> [[UInt8]] {
        var workload = WorkloadConfiguration(seed: 11, length: .duration(micros: 2 * 3_600_000_000))
        workload.add(try WorkloadSpecParser.parse("traffic_shift@1h:slice=language=de,share=0.5"))
        return try WorkloadGenerator(workload).map { RecordEncoder().encode($0) }
    }

    static func write(_ lines: ArraySlice<[UInt8]>, to path: String, extra: [String] = [], finalNewline: Bool = true) throws {
        var bytes: [UInt8] = []
        for (i, line) in lines.enumerated() {
            bytes += line
            if i < lines.count - 1 || finalNewline { bytes.append(UInt8(ascii: "\n")) }
            // Blank and broken lines along the way: skipped and counted as undecodable, as before.
            if i == 10 { bytes += Array("\n\n".utf8) }
            if i == 20, !extra.isEmpty { for text in extra { bytes += Array(text.utf8) + [UInt8(ascii: "\n")] } }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test(arguments: [(2, 1 << 20), (2, 4_096), (2, 700), (1, 4_096), (3, 2_000)])
    func parallelDecodingCountsExactlyAsOneThread(threads: Int, blockSize: Int) throws {
        let lines = try Self.lines()
        let half = lines.count / 2
        let directory = TemporaryDirectory()
        let reference = directory.path + "/reference.jsonl", current = directory.path + "/current.jsonl"
        try Self.write(lines[..<half], to: reference, extra: ["{\"not\": \"a record\"}"])
        try Self.write(lines[half...], to: current, finalNewline: false)

        var comparison = DriftFileComparison(configuration: DriftConfiguration(), threads: threads)
        comparison.blockSize = blockSize
        comparison.blocksInFlight = 3
        let result = try comparison.run(reference: reference, current: current)
        #expect(result.referenceLines == half + 1)
        #expect(result.currentLines == lines.count - half)
        #expect(result.undecodable == 1)

        var direct = DriftEngine(configuration: result.engine.configuration)
        let decoder = RecordDecoder()
        for line in lines { direct.ingest(try decoder.decode(line)) }
        #expect(result.engine.recordsSeen == lines.count)
        #expect(try result.engine.snapshot() == direct.snapshot())
        let report = result.engine.report()
        #expect(report == direct.report())
        #expect(report.features.contains { $0.feature == "slices.language" && $0.scope == "all" && $0.drifted })
    }

    @Test func aMissingFileIsReported() throws {
        let directory = TemporaryDirectory()
        let lines = try Self.lines()
        let reference = directory.path + "/reference.jsonl"
        try Self.write(lines[..<100], to: reference)
        #expect(throws: DriftwatchError.self) {
            try DriftFileComparison(configuration: DriftConfiguration()).run(reference: reference, current: directory.path + "/missing.jsonl")
        }
    }
}
