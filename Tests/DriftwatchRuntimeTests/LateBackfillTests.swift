import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import DriftwatchIngest
import DriftwatchMetrics
@testable import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// Issue #12 item 7 end to end: rotated files backfilled newest first (the order their names sort in) with one
/// line dated 9999-12-31 give the incidents of an in-order ingest, and `status`, `analyze` and `/metrics` count
/// what was analysed late and what was left out.
@Suite("Backfill of rotated files in any order")
struct LateBackfillTests {
    static let hour: Int64 = 3_600_000_000

    private func configuration(database: String) -> DriftwatchConfiguration {
        var configuration = DriftwatchConfiguration()
        configuration.databasePath = database
        configuration.analysis.exportDirectory = nil
        configuration.analysis.batchRecords = 5_000
        configuration.ingest.batchMaxRecords = 5_000
        return configuration
    }

    private func lines(_ records: some Sequence<RequestRecord>) -> [UInt8] {
        let encoder = RecordEncoder()
        var out: [UInt8] = []
        for r in records {
            // `encode(_:into:)` copies what `out` already holds in a debug build: a line at a time stays linear.
            out += encoder.encode(r)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    private func incidents(_ store: SQLiteStore) throws -> [String] {
        try store.incidents().map { try AnalysisPersistence.decode($0.document) }.filter { !AnalysisEngine.isWithdrawn($0) }
            .map { i in
                let scope = i.scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                return "\(i.id) \(i.status) \(i.component) [\(scope)] started \(i.startedAtMicros)"
            }.sorted()
    }

    @Test("newest-first rotated files plus a far-future line give the in-order incidents, and the counts show it")
    func rotatedNewestFirst() async throws {
        let dir = TemporaryDirectory(prefix: "dw-late")
        var workload = WorkloadConfiguration(seed: 1, length: .duration(micros: 4 * Self.hour))
        workload.add(try WorkloadSpecParser.parse("tool_outage@2h:tool=refund_api,rate=0.6"))
        let records = Array(try WorkloadGenerator(workload))
        let hourOf = { (r: RequestRecord) in Int((r.timestampMicros - workload.startMicros) / Self.hour) }

        // requests.log holds the newest hour, requests.log.1 the one before (with the far-future line in its
        // middle), requests.log.2.gz and requests.log.3.gz the oldest, compressed as logrotate leaves them.
        let names = ["requests.log", "requests.log.1", "requests.log.2", "requests.log.3"]
        for (age, name) in names.enumerated() {
            var hourRecords = records.filter { hourOf($0) == 3 - age }
            if age == 1 {
                var future = hourRecords[hourRecords.count / 2]
                future.requestID = "epoch-micros-read-as-millis"
                future.timestampMicros = 253_402_300_799_000_000  // 9999-12-31T23:59:59Z
                hourRecords.insert(future, at: hourRecords.count / 2)
            }
            #expect(FileManager.default.createFile(atPath: dir.file(name), contents: Data(lines(hourRecords))))
            if age >= 2 { try ProcessRunner.run("/usr/bin/gzip", [dir.file(name)]) }
        }
        let rotated = ["requests.log", "requests.log.1", "requests.log.2.gz", "requests.log.3.gz"].map(dir.file)
        #expect(rotated.sorted() == rotated, "backfill reads the files in name order: newest first")
        #expect(FileManager.default.createFile(atPath: dir.file("in-order.log"), contents: Data(lines(records))))

        let logger = Logger(label: "test")
        let backfilled = configuration(database: dir.file("backfilled.sqlite"))
        let report = try await offPool {
            try BackfillRunner.run(paths: rotated, configuration: backfilled, logger: logger, showProgress: false, analyze: true)
        }
        let reference = configuration(database: dir.file("in-order.sqlite"))
        _ = try await offPool {
            try BackfillRunner.run(paths: [dir.file("in-order.log")], configuration: reference, logger: logger, showProgress: false, analyze: true)
        }

        let store = try SQLiteStore(path: backfilled.databasePath)
        let expected = try incidents(try SQLiteStore(path: reference.databasePath))
        print("in order: \(expected)\nbackfilled newest first: \(try incidents(store))")
        #expect(!expected.isEmpty)
        #expect(try incidents(store) == expected)

        let counts = try #require(report.analysis?.records)
        #expect(counts.analysed == Int64(records.count))
        #expect(counts.future == 1)
        #expect(counts.beyondLateness == 0)
        #expect(counts.late > Int64(records.count / 3))

        // The counts are committed with the checkpoint and come back with a restart.
        let reloaded = try AnalysisPersistence(store: store, configuration: backfilled.analysis.engine).load()
        #expect(reloaded.recordCounts == counts)

        let status = try StatusReport.make(store: store)
        #expect(status.analysis?.records == counts)
        let statusText = try status.render(.text)
        #expect(statusText.contains("1 dated ahead of the clock"), "\(statusText)")
        #expect(statusText.contains("late, folded in and re-evaluated"), "\(statusText)")

        let analysis = try AnalysisReport.make(store: store)
        #expect(analysis.records == counts)
        let json = try analysis.render(.json)
        #expect(json.contains("\"future\" : 1"), "\(json.prefix(400))")
        #expect(json.contains("\"beyond_lateness\" : 0"))
        #expect(try analysis.render(.text).contains("not analysed  1 (0 beyond the lateness horizon, 1 dated ahead of the clock)"))

        let app = try DriftwatchApplication(configuration: backfilled, logger: logger)
        let metrics = app.metrics.render()
        #expect(metrics.contains("driftwatch_analysis_records_total{outcome=\"future\"} 1"), "\(metrics)")
        #expect(metrics.contains("driftwatch_analysis_records_total{outcome=\"analysed\"} \(records.count)"))
        #expect(metrics.contains("driftwatch_analysis_records_total{outcome=\"beyond_lateness\"} 0"))
        #expect(metrics.contains("driftwatch_analysis_late_records_total \(counts.late)"))
    }
}
