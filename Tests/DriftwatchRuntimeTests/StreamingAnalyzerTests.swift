import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import DriftwatchIngest
import DriftwatchRuntime
import DriftwatchStore
import Foundation
import Logging
import Testing

@Suite("Streaming analysis from ingest commits")
struct StreamingAnalyzerTests {
    private func workload(seed: UInt64, hours: Double) throws -> [IngestedRecord] {
        var configuration = WorkloadConfiguration(seed: seed, length: .duration(micros: Int64(hours * 3_600_000_000)))
        configuration.add(try WorkloadSpecParser.parse("tool_outage@90m:tool=refund_api,rate=0.6"))
        let encoder = RecordEncoder()
        return try WorkloadGenerator(configuration).map { IngestedRecord(record: $0, raw: encoder.encode($0)) }
    }

    /// The stored incidents are those of one engine fed every record directly, and the hourly task rollups count
    /// every record once.
    private func expectSameAsDirectRun(_ store: SQLiteStore, _ records: [IngestedRecord]) throws {
        var reference = try AnalysisEngine()
        for r in records { reference.ingest(r.record) }
        let stored = try store.incidents().map { try AnalysisPersistence.decode($0.document) }
        #expect(!stored.isEmpty)
        #expect(Set(stored.map(\.id)) == Set(reference.rankedIncidents.map(\.id)))
        let taskRows = try store.analysisRollups(bucketMicros: 3_600_000_000).filter { $0.dimension.isEmpty }
        #expect(taskRows.reduce(0) { $0 + $1.requests } == Int64(records.count))
    }

    @Test("hand-overs with duplicates, a gap and a second writer still analyse every stored row exactly once")
    func exactlyOnceWithGaps() throws {
        let store = try SQLiteStore(path: ":memory:")
        let records = try workload(seed: 5, hours: 3)
        let persistence = AnalysisPersistence(store: store, configuration: AnalysisConfiguration())
        let analysis = try InlineAnalysis(persistence: persistence, commitEvery: 3_000, logger: Logger(label: "test"))
        let sink = analysis.sink(store)
        var start = 0, chunkIndex = 0
        while start < records.count {
            let chunk = Array(records[start..<min(records.count, start + 1_000)])
            if chunkIndex == 4 {
                // A second writer (no hand-over): the next hand-over is not contiguous and triggers a catch-up.
                _ = try store.commit(IngestBatch(records: chunk))
            } else {
                _ = try sink.commit(IngestBatch(records: chunk))
            }
            if chunkIndex == 6 {
                // The same lines again: all duplicates, nothing handed over.
                #expect(try sink.commit(IngestBatch(records: chunk)).inserted == 0)
            }
            start += chunk.count
            chunkIndex += 1
        }
        let summary = try analysis.finish()
        let (streamed, fromStore) = (summary.streamedRows, summary.storeRows)
        #expect(streamed + fromStore == records.count)
        #expect(fromStore >= 1_000 && fromStore < records.count / 2)
        #expect(try store.analysisCheckpoint().lastRowID == Int64(records.count))

        try expectSameAsDirectRun(store, records)
    }

    @Test("the tailer hands format v1 lines over undecoded; the analyzer decodes them on its thread, every row once")
    func linesHandedOverAndDecodedByTheAnalyzer() throws {
        let records = try workload(seed: 11, hours: 3)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftwatch-lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = [UInt8]()
        for r in records { text += r.raw; text.append(UInt8(ascii: "\n")) }
        let path = directory.appendingPathComponent("service.jsonl").path
        try Data(text).write(to: URL(fileURLWithPath: path))

        let store = try SQLiteStore(path: ":memory:")
        let persistence = AnalysisPersistence(store: store, configuration: AnalysisConfiguration())
        let analysis = try InlineAnalysis(persistence: persistence, commitEvery: 4_000, logger: Logger(label: "test"))
        let sink = analysis.sink(store)
        #expect(sink.acceptsScannedRecords && sink.wantsRawLines)
        var configuration = IngestConfiguration()
        configuration.batchMaxRecords = 700
        let result = try IngestPipeline.backfill(paths: [path], sink: sink, configuration: configuration)
        #expect(result.inserted == UInt64(records.count))
        let summary = try analysis.finish()
        // Every row came through the hand-over (none read back), decoded from its line.
        #expect(summary.streamedRows == records.count)
        #expect(summary.storeRows == 0)
        #expect(summary.progress.undecodable == 0)
        #expect(try store.analysisCheckpoint().lastRowID == Int64(records.count))

        try expectSameAsDirectRun(store, records)
        #expect(summary.threadCPUSeconds.map { $0 > 0 } ?? true)
    }

    @Test("the store reports the row id of every stored record and 0 for duplicates")
    func rowIDsOfCommit() throws {
        let store = try SQLiteStore(path: ":memory:")
        let records = Array(try workload(seed: 2, hours: 0.1).prefix(5))
        let first = try store.commit(IngestBatch(records: Array(records.prefix(3))))
        #expect(first.insertedRowIDs == [1, 2, 3])
        let second = try store.commit(IngestBatch(records: Array(records.suffix(3))))
        #expect(second.insertedRowIDs == [0, 4, 5])
    }
}
