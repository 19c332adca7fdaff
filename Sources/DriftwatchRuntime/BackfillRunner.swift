import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchIngest
import DriftwatchOTLP
import DriftwatchStore
import Foundation
public import Logging

/// `driftwatch ingest`: reads files to their end into the store, with progress on a terminal.
public enum BackfillRunner {
    /// With `analyze`, each commit's records are also handed to the analyzer's thread (see
    /// ``InlineAnalysis``), and the reported time includes the analyzer's final commit.
    ///
    /// Each path is read as the configured source whose globs match it says (its `fields:` mapping or
    /// `format:`), or as source `sourceName` when given; paths no source matches are format v1.
    public static func run(paths: [String], configuration: DriftwatchConfiguration, logger: Logger, showProgress: Bool,
                           analyze: Bool = false, sourceName: String? = nil) throws -> IngestReport {
        let groups = try plan(paths: paths, sources: configuration.sources, sourceName: sourceName)
        let store = try SQLiteStore(path: configuration.databasePath, logger: logger)
        let started = ContinuousClock.now
        let analysis = try analyze ? InlineAnalysis(
            persistence: AnalysisPersistence(store: store, configuration: configuration.analysis.engine,
                                             exportDirectory: configuration.analysis.exportDirectory),
            commitEvery: configuration.analysis.batchRecords, logger: logger) : nil
        let sink: any IngestSink = analysis?.sink(store) ?? store
        var lastPrint = ContinuousClock.now
        let showProgressLine: (BackfillProgress) -> Void = { progress in
            guard showProgress else { return }
            let now = ContinuousClock.now
            guard now - lastPrint > .milliseconds(200) || progress.bytes >= progress.totalBytes else { return }
            lastPrint = now
            let percent = progress.totalBytes > 0 ? Double(progress.bytes) / Double(progress.totalBytes) * 100 : 100
            let eta = progress.estimatedRemaining.map { " ETA \(Int($0.components.seconds))s" } ?? ""
            let line = String(format: "\r%5.1f%%  %@ records  %.0f records/s  %@ of %@%@   ",
                              percent, formatCount(Int64(progress.records)), progress.recordsPerSecond,
                              formatBytes(Int64(progress.bytes)), formatBytes(Int64(progress.totalBytes)), eta)
            FileHandle.standardError.write(Data(line.utf8))
        }
        var result: BackfillResult?
        let noFiles: [(source: DriftwatchConfiguration.LogSource?, paths: [String])] = [(nil, [])]
        for group in groups.isEmpty ? noFiles : groups {
            let part = try IngestPipeline.backfill(paths: group.paths, sink: sink, configuration: configuration.ingest, logger: logger,
                                                   lineDecoder: group.source.flatMap(lineDecoder(for:)), progress: showProgressLine)
            result = result.map { $0.adding(part) } ?? part
        }
        guard var result else { throw DriftwatchError(.invalidArgument, "no files to ingest") }  // one group at least
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        let summary = try analysis?.finish()
        if summary != nil { result.elapsed = ContinuousClock.now - started }
        var report = IngestReport(result)
        if let summary {
            report.analysis = IngestReport.Analysis(
                streamedRows: summary.streamedRows, storeRows: summary.storeRows,
                incidentsOpened: summary.progress.events[.opened] ?? 0, records: summary.records,
                threadCPUSeconds: summary.threadCPUSeconds)
        }
        try noteRetention(in: &report, store: store, policy: configuration.retention.policy)
        return report
    }

    /// A backfill of old logs is stored and then deleted by `run`'s next retention pass: say so now, with the fix.
    static func noteRetention(in report: inout IngestReport, store: SQLiteStore, policy: RetentionPolicy,
                              nowMicros: Int64 = WallClock.nowMicros()) throws {
        guard let maxAge = policy.maxAgeMicros, report.inserted > 0 else { return }
        let expired = try store.countRecords(olderThan: nowMicros - maxAge)
        guard expired > 0 else { return }
        report.recordsPastRetention = expired
        report.retentionMaxAge = DurationText.format(micros: maxAge)
    }

    /// The paths grouped by the source that reads them (nil: none, format v1), in the order given.
    static func plan(paths: [String], sources: [DriftwatchConfiguration.LogSource],
                     sourceName: String?) throws -> [(source: DriftwatchConfiguration.LogSource?, paths: [String])] {
        if let sourceName {
            guard let source = sources.first(where: { $0.name == sourceName }) else {
                let names = sources.map(\.name)
                throw DriftwatchError(.invalidArgument, "--source \(sourceName): no such source in the configuration; expected one of: \(names.isEmpty ? "(no sources configured)" : names.joined(separator: ", "))")
            }
            return [(source, paths)]
        }
        // Matched by device and inode, so relative, absolute and symlinked spellings of a path agree.
        func key(_ file: DiscoveredFile) -> [UInt64] { [file.device, file.inode] }
        let matched = sources.map { Set(FileDiscovery(patterns: $0.paths).discover().map(key)) }
        var groups: [(source: DriftwatchConfiguration.LogSource?, paths: [String])] = []
        for path in paths {
            let file = FileDiscovery.statRegular(path).map(key)
            let source = file.flatMap { file in matched.firstIndex { $0.contains(file) } }.map { sources[$0] }
            if let i = groups.firstIndex(where: { $0.source == source }) {
                groups[i].paths.append(path)
            } else {
                groups.append((source, [path]))
            }
        }
        return groups
    }

    /// How a source's lines are read; nil for format v1 without a mapping (the fast path).
    static func lineDecoder(for source: DriftwatchConfiguration.LogSource) -> (any RecordLineDecoder)? {
        if let mapping = source.mapping { return MappedRecordDecoder(mapping: mapping) }
        switch source.format {
        case .driftwatch: return nil
        case .otlpJSON: return OTLPJSONLineDecoder()
        }
    }

    /// Whether standard error is a terminal (progress is shown only there).
    public static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

extension BackfillResult {
    /// The totals of two backfills run one after the other (one per source).
    func adding(_ other: BackfillResult) -> BackfillResult {
        var sum = self
        sum.files += other.files
        sum.records += other.records
        sum.inserted += other.inserted
        sum.duplicates += other.duplicates
        sum.deadLetters += other.deadLetters
        sum.bytesRead += other.bytesRead
        sum.elapsed += other.elapsed
        sum.filesWithPartialLastLine += other.filesWithPartialLastLine
        sum.filesWithoutIdentity += other.filesWithoutIdentity
        sum.fileErrors += other.fileErrors
        sum.mostlyDeadLettered += other.mostlyDeadLettered
        return sum
    }
}
