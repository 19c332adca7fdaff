import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchIngest
import DriftwatchStore
import Foundation
public import Logging

/// `driftwatch ingest`: reads files to their end into the store, with progress on a terminal.
public enum BackfillRunner {
    /// With `analyze`, each commit's records are also handed to the analyzer's thread (see
    /// ``InlineAnalysis``), and the reported time includes the analyzer's final commit.
    public static func run(paths: [String], configuration: DriftwatchConfiguration, logger: Logger, showProgress: Bool,
                           analyze: Bool = false) throws -> IngestReport {
        let store = try SQLiteStore(path: configuration.databasePath, logger: logger)
        let started = ContinuousClock.now
        let analysis = try analyze ? InlineAnalysis(
            persistence: AnalysisPersistence(store: store, configuration: configuration.analysis.engine,
                                             exportDirectory: configuration.analysis.exportDirectory),
            commitEvery: configuration.analysis.batchRecords, logger: logger) : nil
        let sink: any IngestSink = analysis?.sink(store) ?? store
        var lastPrint = ContinuousClock.now
        var result = try IngestPipeline.backfill(paths: paths, sink: sink, configuration: configuration.ingest, logger: logger) { progress in
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
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        guard let analysis else { return IngestReport(result) }
        let summary = try analysis.finish()
        result.elapsed = ContinuousClock.now - started
        var report = IngestReport(result)
        report.analysis = IngestReport.Analysis(
            streamedRows: summary.streamedRows, storeRows: summary.storeRows,
            incidentsOpened: summary.progress.events[.opened] ?? 0, records: summary.records)
        return report
    }

    /// Whether standard error is a terminal (progress is shown only there).
    public static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
