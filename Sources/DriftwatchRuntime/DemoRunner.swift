import DriftwatchCore
import DriftwatchDemo
import Foundation
public import Logging

/// `driftwatch demo`: writes a synthetic workload (a preset plus `--inject` specs) as JSON Lines,
/// and with `ingest` set reads it into the store.
///
/// The workload ends at the current time by default, so the default retention (30 days of record
/// time) keeps it.
public struct DemoRunner: Sendable {
    public var outputDirectory: String = "./demo-logs"
    public var preset: String = "mixed"
    public var inject: [String] = []
    public var seed: UInt64 = 1
    public var requestsPerMinute: Double = 200
    /// Overrides the preset's duration with a record count.
    public var records: Int?
    public var fileCount: Int = 1
    /// Microseconds since the epoch of the first record; default: now minus the workload's length.
    public var startMicros: Int64?

    public init() {}

    public struct Result: Sendable, Codable, Equatable {
        public var preset: String
        public var files: [String]
        public var records: Int
        public var bytes: Int
        public var start: String
        public var end: String
        public var injected: [Injected]

        public struct Injected: Sendable, Codable, Equatable {
            public var spec: String
            public var component: String
            public var expectedAction: String
            public var start: String

            enum CodingKeys: String, CodingKey {
                case spec, component, start
                case expectedAction = "expected_action"
            }
        }
    }

    public func generate() throws -> Result {
        let preset = try WorkloadPreset.named(self.preset)
        var configuration = try preset.configuration(seed: seed, requestsPerMinute: requestsPerMinute, extraSpecs: inject)
        let lengthMicros: Int64
        if let records {
            guard records > 0 else { throw DriftwatchError(.invalidArgument, "--records must be positive, got \(records)") }
            configuration.length = .records(records)
            lengthMicros = Int64(Double(records) / requestsPerMinute * 60_000_000)
        } else {
            lengthMicros = preset.durationMicros
        }
        let now = WallClock.nowMicros()
        configuration.startMicros = startMicros ?? (now - lengthMicros) / 60_000_000 * 60_000_000
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let path = (outputDirectory as NSString).appendingPathComponent("\(preset.name).jsonl")
        let generator = try WorkloadGenerator(configuration)
        let summary = try WorkloadWriter(path: path, fileCount: max(1, fileCount)).write(generator)
        let labels = generator.groundTruth
        return Result(
            preset: preset.name,
            files: summary.files.map(\.path),
            records: summary.records,
            bytes: summary.bytes,
            start: RFC3339.format(micros: configuration.startMicros),
            end: RFC3339.format(micros: configuration.startMicros + lengthMicros),
            injected: labels.map {
                .init(spec: $0.spec, component: $0.component, expectedAction: $0.expectedAction, start: RFC3339.format(micros: $0.startMicros))
            }
        )
    }

    /// Generates the workload, then backfills it into the configured store.
    public func generateAndIngest(configuration: DriftwatchConfiguration, logger: Logger, showProgress: Bool) throws -> (Result, IngestReport) {
        let result = try generate()
        let report = try BackfillRunner.run(paths: result.files, configuration: configuration, logger: logger, showProgress: showProgress)
        return (result, report)
    }
}

extension DemoRunner.Result {
    public func render(_ format: OutputFormat) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        var lines = ["wrote \(formatCount(Int64(records))) records (\(formatBytes(Int64(bytes)))) of preset \"\(preset)\" from \(start) to \(end)"]
        lines += files.map { "  \($0)" }
        if !injected.isEmpty {
            lines.append("injected changes (ground truth):")
            for label in injected {
                lines.append("  \(label.start)  \(label.spec)  → \(label.component), expected action \(label.expectedAction)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension DemoRunner {
    /// `demo --run` output: the three reports, as one JSON object with `--format json`.
    public static func renderRun(demo: Result, ingest: IngestReport, status: StatusReport, format: OutputFormat) throws -> String {
        if format == .json {
            struct Combined: Encodable { var demo: Result; var ingest: IngestReport; var status: StatusReport }
            return try ReportJSON.encode(Combined(demo: demo, ingest: ingest, status: status))
        }
        return [try demo.render(.text), try ingest.render(.text), try status.render(.text)].joined(separator: "\n\n")
    }
}
