public import DriftwatchAnalysis
public import DriftwatchIngest
import Foundation

/// What `driftwatch ingest` prints when a backfill ends.
public struct IngestReport: Sendable, Codable, Equatable {
    public var files: Int
    public var records: UInt64
    public var inserted: UInt64
    public var duplicates: UInt64
    public var deadLetters: UInt64
    public var bytes: UInt64
    public var seconds: Double
    public var recordsPerSecond: Double
    public var mibPerSecond: Double
    public var peakRSSBytes: Int64
    public var filesWithPartialLastLine: [String]
    public var filesWithoutIdentity: [String]
    /// Files more than half of whose first lines were dead-lettered (`ingest` then exits non-zero).
    public var mostlyDeadLettered: [DeadLetterWarning] = []
    /// Stored records older than `retention.max_age` (nil when none, or retention by age is off): the next
    /// retention pass deletes them. A notice, not a failure.
    public var recordsPastRetention: Int64?
    /// `retention.max_age` as configured, for the notice.
    public var retentionMaxAge: String?
    /// With `ingest --analyze`: what the in-process analyzer did.
    public var analysis: Analysis?

    /// Rows the analyzer folded from ingest's hand-overs and rows it read back from the store.
    public struct Analysis: Sendable, Codable, Equatable {
        public var streamedRows: Int
        public var storeRows: Int
        public var incidentsOpened: Int
        /// The analyzer's counts by reason after the run (the store's totals, not only this run's).
        public var records = RecordCounts()
        /// CPU time of the analysis thread (decoding the handed-over lines, folding, committing): what analysis
        /// costs, independent of what else the machine runs.
        public var threadCPUSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case records
            case threadCPUSeconds = "thread_cpu_seconds"
            case streamedRows = "streamed_rows"
            case storeRows = "store_rows"
            case incidentsOpened = "incidents_opened"
        }
    }

    enum CodingKeys: String, CodingKey {
        case files, records, inserted, duplicates, bytes, seconds, analysis
        case deadLetters = "dead_letters"
        case recordsPerSecond = "records_per_s"
        case mibPerSecond = "mib_per_s"
        case peakRSSBytes = "peak_rss_bytes"
        case filesWithPartialLastLine = "files_with_partial_last_line"
        case filesWithoutIdentity = "files_without_identity"
        case mostlyDeadLettered = "mostly_dead_lettered"
        case recordsPastRetention = "records_past_retention"
        case retentionMaxAge = "retention_max_age"
    }

    public init(_ result: BackfillResult) {
        let seconds = Double(result.elapsed.components.seconds) + Double(result.elapsed.components.attoseconds) / 1e18
        files = result.files
        records = result.records
        inserted = result.inserted
        duplicates = result.duplicates
        deadLetters = result.deadLetters
        bytes = result.bytesRead
        self.seconds = seconds
        recordsPerSecond = seconds > 0 ? Double(result.records) / seconds : 0
        mibPerSecond = seconds > 0 ? Double(result.bytesRead) / seconds / 1_048_576 : 0
        peakRSSBytes = ProcessStatistics.peakRSSBytes()
        filesWithPartialLastLine = result.filesWithPartialLastLine
        filesWithoutIdentity = result.filesWithoutIdentity
        mostlyDeadLettered = result.mostlyDeadLettered
    }

    /// One sentence per file in ``mostlyDeadLettered``, for stderr.
    public var warnings: [String] { mostlyDeadLettered.map { TerminalText.safe($0.message) } }

    /// Warnings that do not fail the ingest: old records retention will delete.
    public var notices: [String] {
        guard let n = recordsPastRetention, let maxAge = retentionMaxAge else { return [] }
        return ["\(formatCount(n)) records older than retention.max_age=\(maxAge) will be deleted at the next retention pass; set retention.max_age: off to keep a backfill"]
    }

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        var lines = [
            "ingested \(formatCount(Int64(records))) records from \(files) file(s) in \(String(format: "%.2f", seconds)) s "
                + "(\(formatCount(Int64(recordsPerSecond))) records/s, \(String(format: "%.1f", mibPerSecond)) MiB/s, peak RSS \(formatBytes(peakRSSBytes)))",
            "  new \(formatCount(Int64(inserted))), already stored \(formatCount(Int64(duplicates))), dead-lettered \(formatCount(Int64(deadLetters)))",
        ]
        if let analysis {
            lines.append("  analysed in-process: \(formatCount(Int64(analysis.streamedRows))) handed over, \(formatCount(Int64(analysis.storeRows))) read back from the store; \(analysis.incidentsOpened) incident(s) opened")
            let r = analysis.records
            if r.late > 0 || r.skipped > 0 {
                lines.append("  records analysed \(formatCount(r.analysed)) (\(formatCount(r.late)) late, re-evaluated); not analysed: \(formatCount(r.beyondLateness)) beyond the lateness horizon, \(formatCount(r.future)) dated ahead of the clock")
            }
        }
        for path in filesWithPartialLastLine {
            lines.append("  \(path): last line has no newline yet; it will be read once it is complete")
        }
        for path in filesWithoutIdentity {
            lines.append("  \(path): first line incomplete; nothing read")
        }
        for warning in mostlyDeadLettered {
            lines.append("  warning: \(warning.message)")
        }
        for notice in notices {
            lines.append("  warning: \(notice)")
        }
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}

/// Process-wide resource figures.
public enum ProcessStatistics {
    /// Peak resident set size of this process so far.
    public static func peakRSSBytes() -> Int64 {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int64(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int64(usage.ru_maxrss)
        #endif
    }
}
