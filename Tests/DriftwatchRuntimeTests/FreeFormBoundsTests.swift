import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchIngest
import DriftwatchMetrics
@testable import DriftwatchRuntime
import DriftwatchStore
import Foundation
import Logging
import Testing

/// Issue 18, "bounded memory": a hostile log's long strings and endless slice values do not grow analysis state.
@Suite struct FreeFormBoundsTests {
    @Test func cutsAtACharacterBoundaryAndCapsSliceValues() {
        var bounds = FreeFormBounds(maxValuesPerSliceKey: 3)
        let euro = String(repeating: "€", count: 1_000)   // 3 bytes each: 256 bytes is 85⅓ of them
        var record = RequestRecord(requestID: "r", timestampMicros: 0, task: euro, model: ModelInfo(name: "m", version: euro),
                                   slices: [Slice(key: "note", value: .string(euro)), Slice(key: "n", value: .number(1))])
        bounds.apply(&record)
        #expect(record.task == String(repeating: "€", count: 85))
        #expect(record.model?.version.utf8.count == 255)
        #expect(record.slices[0].value == .string(String(repeating: "€", count: 85)))
        #expect(record.slices[1].value == .number(1))
        #expect(bounds.counts == FreeFormBounds.Counts(truncated: 3, folded: 0))
        // A combining accent stays with its letter.
        #expect(FreeFormBounds.prefix("ab" + "e\u{301}", bytes: 3) == "ab")
        for i in 0..<5 {
            var r = RequestRecord(requestID: "\(i)", timestampMicros: 0, slices: [Slice(key: "customer", value: .string("c\(i)"))])
            bounds.apply(&r)
            #expect(r.slices[0].value == .string(i < 3 ? "c\(i)" : FreeFormBounds.other))
        }
        // A value already kept stays itself after the cap is reached.
        var again = RequestRecord(requestID: "x", timestampMicros: 0, slices: [Slice(key: "customer", value: .string("c1"))])
        bounds.apply(&again)
        #expect(again.slices[0].value == .string("c1"))
        #expect(bounds.counts.folded == 2)
    }

    @Test func analysisStateStaysBoundedAndStatusCountsWhatWasCut() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-bounds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteStore(path: dir + "/db.sqlite")
        let records = Self.hostileRecords()
        let encoder = RecordEncoder()
        _ = try store.commit(IngestBatch(records: records.map { IngestedRecord(record: $0, raw: encoder.encode($0)) }))
        let configuration = AnalysisConfiguration()
        try AnalysisPersistence(store: store, configuration: configuration).update()

        try Self.expectBoundedRollups(store, configuration)
        // The stored lines keep everything as written.
        #expect(try store.records(afterID: 0, limit: 1).first.map { String(decoding: $0.raw, as: UTF8.self).contains(Self.long) } == true)

        let status = try StatusReport.make(store: store)
        #expect(status.analysis?.stringsTruncated == 300)
        #expect(status.analysis?.sliceValuesFolded == Int64(3_000 - FreeFormBounds.maxValuesPerSliceKey))
        #expect(status.analysis?.lines.contains { $0.hasPrefix("bounded") && $0.contains("300 strings cut") } == true)
        let metrics = SidecarMetrics()
        MetricsBridge.install(metrics: metrics, ingest: IngestStats(), store: store)
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_analysis_bounded_values_total", labels: ["truncated"]) == 300)
        #expect(metrics.registry.value("driftwatch_analysis_bounded_values_total", labels: ["folded"]) == 2_500)
    }

    /// The same bounds on the lines `ingest --analyze` and `run` hand over as read (decoded on the analysis thread).
    @Test func linesHandedOverToTheAnalyzerAreBoundedToo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-bounds-lines-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let encoder = RecordEncoder()
        var text: [UInt8] = []
        for record in Self.hostileRecords() {
            text += encoder.encode(record)
            text.append(UInt8(ascii: "\n"))
        }
        try Data(text).write(to: URL(fileURLWithPath: dir + "/service.jsonl"))
        let store = try SQLiteStore(path: dir + "/db.sqlite")
        let configuration = AnalysisConfiguration()
        let analysis = try InlineAnalysis(persistence: AnalysisPersistence(store: store, configuration: configuration),
                                          commitEvery: 1_000, logger: Logger(label: "test"))
        var ingest = IngestConfiguration()
        ingest.batchMaxRecords = 500
        _ = try IngestPipeline.backfill(paths: [dir + "/service.jsonl"], sink: analysis.sink(store), configuration: ingest)
        let summary = try analysis.finish()
        #expect(summary.streamedRows == 3_000 && summary.storeRows == 0)

        try Self.expectBoundedRollups(store, configuration)
    }

    /// A 21 KB slice value.
    static let long = String(repeating: "€", count: 7_000)

    /// 3,000 records with 3,000 distinct customers, every tenth with a `note` longer than the limit.
    static func hostileRecords() -> [RequestRecord] {
        let start: Int64 = 1_700_000_000_000_000
        return (0..<3_000).map { i in
            var slices = [Slice(key: "customer", value: .string("c\(i)"))]
            if i % 10 == 0 { slices.append(Slice(key: "note", value: .string(long + "\(i)"))) }
            return RequestRecord(requestID: "r\(i)", timestampMicros: start + Int64(i) * 2_000_000, task: "answer",
                                 outcome: i % 7 == 0 ? .failure : .success, latency: StageLatency(total: 100), slices: slices)
        }
    }

    /// No rollup value longer than the limit; the customers capped, the rest folded into `__other__`.
    static func expectBoundedRollups(_ store: SQLiteStore, _ configuration: AnalysisConfiguration) throws {
        let rows = try store.analysisRollups(bucketMicros: configuration.bucketMicros)
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.value.utf8.count <= FreeFormBounds.maxBytes }, "a value longer than the limit reached the rollups")
        let customers = Set(rows.filter { $0.dimension == "customer" }.map(\.value))
        #expect(customers.count > 100 && customers.count <= FreeFormBounds.maxValuesPerSliceKey + 1, "\(customers.count) customer values kept")
        #expect(customers.contains(FreeFormBounds.other))
    }
}
