import DriftwatchCore
import DriftwatchIngest
import DriftwatchMetrics
@testable import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

@Suite("Retention is never silent")
struct RetentionNoticeTests {
    static let day: Int64 = 86_400_000_000

    /// Format v1 lines dated `ages` days before now.
    static func log(_ dir: TemporaryDirectory, ages: [Int64]) throws -> String {
        let now = WallClock.nowMicros()
        let lines = ages.enumerated().map { i, age in
            String(decoding: RecordEncoder().encode(RequestRecord(requestID: "r\(i)-\(age)", timestampMicros: now - age * day, task: "t", outcome: .success)), as: UTF8.self) + "\n"
        }
        let path = dir.file("backfill-\(ages.count).jsonl")
        try lines.joined().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("ingest warns, naming the setting and the fix, when records are older than retention.max_age")
    func ingestWarnsAboutABackfillRetentionWillDelete() throws {
        let dir = TemporaryDirectory()
        var config = DriftwatchConfiguration()
        config.databasePath = dir.file("db.sqlite")
        let report = try BackfillRunner.run(paths: [try Self.log(dir, ages: [40, 31, 1, 0])], configuration: config,
                                            logger: Logger(label: "test"), showProgress: false)
        #expect(report.notices == ["2 records older than retention.max_age=30d will be deleted at the next retention pass; set retention.max_age: off to keep a backfill"])
        #expect(report.warnings.isEmpty, "a notice does not fail the ingest")
        #expect(try report.render(.json).contains(#""records_past_retention" : 2"#) || report.render(.json).contains(#""records_past_retention":2"#))

        config.databasePath = dir.file("off.sqlite")
        config.retention.policy.maxAgeMicros = nil
        let kept = try BackfillRunner.run(paths: [try Self.log(dir, ages: [40, 31, 1])], configuration: config,
                                          logger: Logger(label: "test"), showProgress: false)
        #expect(kept.notices.isEmpty && kept.recordsPastRetention == nil)
    }

    @Test("status and /metrics count what retention deleted, across passes")
    func retentionDeletionsAreCounted() throws {
        let dir = TemporaryDirectory()
        var config = DriftwatchConfiguration()
        config.databasePath = dir.file("db.sqlite")
        _ = try BackfillRunner.run(paths: [try Self.log(dir, ages: [40, 35, 31, 1])], configuration: config,
                                   logger: Logger(label: "test"), showProgress: false)
        let store = try SQLiteStore(path: config.databasePath)
        let metrics = SidecarMetrics()
        MetricsBridge.install(metrics: metrics, ingest: IngestStats(), store: store)
        #expect(metrics.render().contains("driftwatch_retention_deleted_records_total 0"))

        #expect(try store.applyRetention(config.retention.policy).deletedRecords == 3)
        #expect(try store.applyRetention(RetentionPolicy(maxAgeMicros: 10 * Self.day)).deletedRecords == 0)
        _ = try BackfillRunner.run(paths: [try Self.log(dir, ages: [50])], configuration: config, logger: Logger(label: "test"), showProgress: false)
        #expect(try store.applyRetention(config.retention.policy).deletedRecords == 1)
        #expect(try store.retentionTotals().deletedRecords == 4)

        let status = try StatusReport.make(store: store)
        #expect(status.retentionDeletedRecords == 4)
        #expect(try status.render(.text).contains("retention     deleted 4 records and 0 dead letters so far"))
        #expect(try status.render(.json).contains("retention_deleted_records"))
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_retention_deleted_records_total") == 4)
    }
}
