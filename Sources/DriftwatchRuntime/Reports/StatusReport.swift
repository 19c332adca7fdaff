public import DriftwatchAnalysis
public import DriftwatchCore
public import DriftwatchStore
import Foundation

/// What `driftwatch status` prints: watched files with their offsets and lag, and store totals.
public struct StatusReport: Sendable, Codable, Equatable {
    public struct File: Sendable, Codable, Equatable {
        public var path: String
        public var fingerprint: String
        public var offset: UInt64
        /// Current size of the path on disk, if it still exists (uncompressed size is not known for .gz).
        public var size: UInt64?
        /// Bytes written but not yet stored: size - offset, for files that still exist.
        public var lagBytes: UInt64?
        public var lines: UInt64
        public var updatedAt: String
    }

    public var database: String
    public var schemaVersion: Int
    public var records: Int64
    public var deadLetters: Int64
    public var duplicates: Int64
    public var oldestRecord: String?
    public var newestRecord: String?
    public var lastIngest: String?
    /// Seconds between the newest record's timestamp and now.
    public var recordLagSeconds: Double?
    public var databaseBytes: Int64
    /// Free pages inside the file, reused before it grows (retention frees them; the file does not shrink).
    public var databaseFreeBytes: Int64
    public var files: [File]
    /// The configured sources with what each of their globs matches now.
    public var sources: [SourceMatches] = []
    /// Records and dead letters retention deleted from this store, every pass so far.
    public var retentionDeletedRecords: Int64 = 0
    public var retentionDeletedDeadLetters: Int64 = 0
    /// Where the analyzer stands and what it did with the records; nil before its first commit.
    public var analysis: Analysis?
    /// What `status --check` found (always `ok` here: a damaged store gets an ``IntegrityReport`` instead); nil without `--check`.
    public var integrity: Integrity?
    /// Shipping to the fleet store: what is stored but not shipped yet; nil without a fleet store.
    public var fleet: Fleet?

    /// The shipping backlog as `status` shows it (docs/fleet.md).
    public struct Fleet: Sendable, Codable, Equatable {
        public var node: String
        public var shipments: Int64
        /// Records stored after the row the last shipment had analysed.
        public var unshippedRecords: Int64
        /// When the oldest of them was stored, and how long ago; nil when there is none.
        public var oldestUnshipped: String?
        public var oldestUnshippedSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case node, shipments
            case unshippedRecords = "unshipped_records"
            case oldestUnshipped = "oldest_unshipped"
            case oldestUnshippedSeconds = "oldest_unshipped_seconds"
        }
    }

    /// The analyzer's checkpoint as `status` shows it: the records it analysed and those it left out, by reason.
    public struct Analysis: Sendable, Codable, Equatable {
        /// The watermark: the newest record timestamp analysed.
        public var analyzedThrough: String?
        public var lastRowID: Int64
        public var records: RecordCounts
        /// Free-form strings cut to 256 bytes before analysis, and slice values past their key's cap counted as
        /// `__other__` (FreeFormBounds); nil when none.
        public var stringsTruncated: Int64?
        public var sliceValuesFolded: Int64?

        enum CodingKeys: String, CodingKey {
            case records
            case analyzedThrough = "analyzed_through"
            case lastRowID = "last_row_id"
            case stringsTruncated = "strings_truncated"
            case sliceValuesFolded = "slice_values_folded"
        }

        public init(analyzedThrough: String?, lastRowID: Int64, records: RecordCounts) {
            self.analyzedThrough = analyzedThrough
            self.lastRowID = lastRowID
            self.records = records
        }

        /// From the stored checkpoint; nil when the analyzer never committed.
        public init?(_ checkpoint: AnalysisCheckpoint) {
            guard checkpoint.lastRowID > 0 || checkpoint.watermarkMicros != nil else { return nil }
            self.init(analyzedThrough: checkpoint.watermarkMicros.map(RFC3339.format(micros:)), lastRowID: checkpoint.lastRowID,
                      records: RecordCounts(named: checkpoint.recordCounts))
            stringsTruncated = checkpoint.recordCounts[AnalysisBounds.truncatedName].flatMap { $0 > 0 ? $0 : nil }
            sliceValuesFolded = checkpoint.recordCounts[AnalysisBounds.foldedName].flatMap { $0 > 0 ? $0 : nil }
        }

        /// The lines `status` and `analyze` print.
        public var lines: [String] {
            let r = records
            return [
                "analysed      \(formatCount(r.analysed)) records through \(analyzedThrough ?? "nothing yet") (row \(formatCount(lastRowID)))"
                    + (r.late > 0 ? "; \(formatCount(r.late)) of them late, folded in and re-evaluated" : ""),
                "not analysed  \(formatCount(r.skipped))"
                    + (r.skipped > 0 ? " (\(formatCount(r.beyondLateness)) beyond the lateness horizon, \(formatCount(r.future)) dated ahead of the clock)" : ""),
            ] + (stringsTruncated == nil && sliceValuesFolded == nil ? [] : [
                "bounded       \(formatCount(stringsTruncated ?? 0)) strings cut to \(FreeFormBounds.maxBytes) bytes, "
                    + "\(formatCount(sliceValuesFolded ?? 0)) slice values counted as \(FreeFormBounds.other) (docs/limits.md)",
            ])
        }
    }

    enum CodingKeys: String, CodingKey {
        case database, records, files, analysis, sources, integrity, fleet
        case schemaVersion = "schema_version"
        case deadLetters = "dead_letters"
        case duplicates
        case oldestRecord = "oldest_record"
        case newestRecord = "newest_record"
        case lastIngest = "last_ingest"
        case recordLagSeconds = "record_lag_seconds"
        case databaseBytes = "database_bytes"
        case databaseFreeBytes = "database_free_bytes"
        case retentionDeletedRecords = "retention_deleted_records"
        case retentionDeletedDeadLetters = "retention_deleted_dead_letters"
    }

    /// `fleetNode`: this sidecar's name in the fleet store, when one is configured (the backlog is shown then).
    public static func make(store: SQLiteStore, sources: [DriftwatchConfiguration.LogSource] = [], fleetNode: String? = nil,
                            nowMicros: Int64 = WallClock.nowMicros()) throws -> StatusReport {
        let summary = try store.summary()
        let retention = try store.retentionTotals()
        let files = summary.checkpoints.map { checkpoint -> File in
            var size: UInt64?
            if let attributes = try? FileManager.default.attributesOfItem(atPath: checkpoint.path),
               let n = attributes[.size] as? NSNumber,
               let inode = attributes[.systemFileNumber] as? NSNumber, inode.uint64Value == checkpoint.inode {
                size = n.uint64Value
            }
            return File(
                path: checkpoint.path,
                fingerprint: checkpoint.fingerprint,
                offset: checkpoint.offset,
                size: size,
                lagBytes: size.map { $0 > checkpoint.offset ? $0 - checkpoint.offset : 0 },
                lines: checkpoint.lines,
                updatedAt: RFC3339.format(micros: checkpoint.updatedAtMicros)
            )
        }
        return StatusReport(
            database: store.path,
            schemaVersion: summary.schemaVersion,
            records: summary.records,
            deadLetters: summary.deadLetters,
            duplicates: summary.duplicates,
            oldestRecord: summary.oldestRecordMicros.map(RFC3339.format(micros:)),
            newestRecord: summary.newestRecordMicros.map(RFC3339.format(micros:)),
            lastIngest: summary.lastIngestMicros.map(RFC3339.format(micros:)),
            recordLagSeconds: summary.newestRecordMicros.map { Double(nowMicros - $0) / 1e6 },
            databaseBytes: summary.databaseBytes,
            databaseFreeBytes: summary.freeBytes,
            files: files,
            sources: SourceMatches.of(sources),
            retentionDeletedRecords: retention.deletedRecords,
            retentionDeletedDeadLetters: retention.deletedDeadLetters,
            analysis: Analysis(try store.analysisCheckpoint()),
            fleet: try fleetNode.map { node in
                let backlog = try store.fleetBacklog()
                return Fleet(node: node, shipments: backlog.shipments, unshippedRecords: backlog.records,
                             oldestUnshipped: backlog.oldestIngestedAtMicros.map(RFC3339.format(micros:)),
                             oldestUnshippedSeconds: backlog.oldestIngestedAtMicros.map { Double(max(0, nowMicros - $0)) / 1e6 })
            }
        )
    }

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        var lines = [
            "database      \(database) (schema v\(schemaVersion), \(formatBytes(databaseBytes))"
                + (databaseFreeBytes > 0 ? ", \(formatBytes(databaseFreeBytes)) free for reuse)" : ")"),
            "records       \(formatCount(records))" + (newestRecord.map { "  newest \($0)" } ?? ""),
            "dead letters  \(formatCount(deadLetters))",
            "duplicates    \(formatCount(duplicates)) (already-stored request_ids skipped)",
        ]
        if let lastIngest { lines.append("last ingest   \(lastIngest)") }
        lines.append("retention     deleted \(formatCount(retentionDeletedRecords)) records and \(formatCount(retentionDeletedDeadLetters)) dead letters so far")
        if let analysis { lines += analysis.lines }
        if let integrity {
            lines.append("integrity     " + (integrity.ok ? "ok (quick_check read every page)" : "DAMAGED: \(integrity.problems.count) problems"))
        } else {
            lines.append("integrity     not checked (`driftwatch status --check` reads every page)")
        }
        if let fleet {
            let oldest = fleet.oldestUnshippedSeconds.map { String(format: ", the oldest stored %.0f s ago", $0) } ?? ""
            lines.append("fleet         node \(fleet.node): \(formatCount(fleet.shipments)) shipments; \(formatCount(fleet.unshippedRecords)) records not shipped yet\(oldest)")
        }
        lines.append("")
        if sources.isEmpty {
            lines.append("no sources configured")
        } else {
            lines.append("sources (\(sources.count))")
            for source in sources { lines += source.lines }
        }
        lines.append("")
        if files.isEmpty {
            lines.append("no files read yet")
        } else {
            lines.append("files (\(files.count))")
            for file in files {
                let lag = file.lagBytes.map { " lag \(formatBytes(Int64($0)))" } ?? " (rotated away or compressed)"
                lines.append("  \(file.path)  offset \(formatCount(Int64(file.offset)))  lines \(formatCount(Int64(file.lines)))\(lag)  updated \(file.updatedAt)")
            }
        }
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}
