import DriftwatchAnalysis
import DriftwatchCore
@testable import DriftwatchDashboards
import DriftwatchDemo
import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// Size and speed at the volume of 10 million stored records: one real hour of a generated workload is analysed,
/// its hourly rollups doubled (≈ 60,000 requests per hour) and replicated over 7 days (168 hours ≈ 10 million
/// requests), stored in SQLite, and the pages rendered from the store by the same runner `run` uses.
@Suite struct DashboardScaleTests {
    /// A store with ≈ 10 million requests' worth of hourly rollups over 7 days; returns it with the rows and requests.
    static func tenMillionRecordStore(in directory: TemporaryDirectory) throws -> (store: SQLiteStore, rows: Int, represented: Int64) {
        let hour: Int64 = 3_600_000_000
        var configuration = WorkloadConfiguration(seed: 11, length: .duration(micros: hour), requestsPerMinute: 510)
        configuration.diurnalAmplitude = 0
        var generator = try WorkloadGenerator(configuration)
        var engine = try AnalysisEngine()
        var id: Int64 = 0
        while let record = generator.next() { id += 1; engine.ingest(record, rowID: id) }
        let coarse = engine.configuration.coarseBucketMicros
        let oneHour = engine.takeChanges().rollups.filter { $0.bucketMicros == coarse && $0.startMicros == WorkloadConfiguration.defaultStartMicros }
        #expect(oneHour.count > 50)
        var rows: [AnalysisRollupRow] = []
        var represented: Int64 = 0
        for h in 0..<168 {
            for row in oneHour {
                var counters = row.counters
                counters.merge(row.counters)
                if row.scope.isTask { represented += counters.requests }
                rows.append(AnalysisRollupRow(
                    bucketMicros: coarse, startMicros: row.startMicros + Int64(h) * hour, task: row.scope.task,
                    dimension: row.scope.dimension, value: row.scope.value, requests: counters.requests,
                    outcomes: counters.outcomes, successes: counters.successes, counters: counters.serializedBytes()))
            }
        }
        #expect(represented >= 10_000_000)
        let store = try SQLiteStore(path: directory.file("db.sqlite"), logger: Logger(label: "test"))
        let through = WorkloadConfiguration.defaultStartMicros + 168 * hour - 1
        let versions = engine.timeline.all.map {
            AnalysisVersionRow(component: $0.component, version: $0.version, firstSeenMicros: $0.firstSeenMicros,
                               lastSeenMicros: through, requests: $0.requests * 336)
        }
        #expect(try store.commitAnalysis(AnalysisCommit(
            expectedLastRowID: 0, checkpoint: AnalysisCheckpoint(lastRowID: represented, watermarkMicros: through),
            rollups: rows, versions: versions)))
        if let keep = ProcessInfo.processInfo.environment["DRIFTWATCH_KEEP_SCALE_DB"] {
            // For measuring a release build: `driftwatch dashboards --no-update --db <keep> --out DIR`.
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: directory.file("db.sqlite" + suffix)) {
                try? FileManager.default.removeItem(atPath: keep + suffix)
                try FileManager.default.copyItem(atPath: directory.file("db.sqlite" + suffix), toPath: keep + suffix)
            }
        }
        return (store, rows.count, represented)
    }

    @Test func tenMillionRecordsGivePagesUnderTwoMegabytes() throws {
        let directory = TemporaryDirectory(prefix: "dw-scale")
        let (store, rowCount, represented) = try Self.tenMillionRecordStore(in: directory)
        let runner = try DashboardRunner(store: store, configuration: DriftwatchConfiguration(), logger: Logger(label: "test"))
        let outcome = try runner.render(to: directory.file("site"))
        let largest = outcome.largestPageBytes
        print("dashboards at scale: \(represented) records, \(rowCount) hourly rollup rows; snapshot \(Int(outcome.snapshotSeconds * 1000)) ms, render \(Int(outcome.renderSeconds * 1000)) ms; pages \(outcome.pages.map { "\($0.fileName) \($0.html.utf8.count)" }.joined(separator: ", "))")
        #expect(outcome.rollupRows == rowCount)
        #expect(largest < 2_000_000)
        // Every page in three ranges plus the version pages (45 pages here): measured 3.4 s in a debug build on two
        // busy cores (0.45 s for the 8 pages of one range before); a release build is several times faster.
        #expect(outcome.pageCount >= 45)
        #expect(outcome.renderSeconds < 10)
        let overview = try String(contentsOfFile: directory.file("site/overview.html"), encoding: .utf8)
        #expect(overview.contains("data-metric=\"requests\">"))
    }
}
