import DriftwatchCore
import DriftwatchDemo
import DriftwatchIngest
import DriftwatchStore
import Foundation
import Testing

/// Forwards to a store but asks for decoded records: the path the tailer takes for an in-process analyzer.
private struct DecodedOnlySink: IngestSink {
    let store: SQLiteStore
    func checkpoint(fingerprint: String) throws -> FileCheckpoint? { try store.checkpoint(fingerprint: fingerprint) }
    func commit(_ batch: IngestBatch) throws -> IngestCommitResult {
        #expect(batch.scanned.isEmpty)
        return try store.commit(batch)
    }
}

/// The tailer hands the store scanned columns (no `RequestRecord` built) when it can. Whatever it takes,
/// the store must end up exactly as with decoded records: same rows, row ids, lines, columns and dead letters.
@Suite struct ScannedIngestEquivalenceTests {
    @Test("the fast path stores exactly what the decoded path stores")
    func sameStore() throws {
        var workload = WorkloadConfiguration(seed: 3, length: .duration(micros: 3_600_000_000))
        workload.add(try WorkloadSpecParser.parse("tool_outage@20m:rate=0.6,tool=refund_api,for=20m"))
        var text = ""
        for (i, record) in try WorkloadGenerator(workload).enumerated() {
            text += String(decoding: RecordEncoder().encode(record), as: UTF8.self) + "\n"
            // Lines the scanner leaves to the decoder, or that are invalid, along the way.
            switch i % 97 {
            case 5: text += #"{"request_id":"x\#(i)","timestamp":"2026-01-01T00:00:00Z","extra":{"k":[1,2]},"task":"caf\u00e9"}"# + "\n"
            case 6: text += #"{"request_id":"y\#(i)","timestamp":1767225600000,"cost_usd":1e-4,"slices":{"a":1,"a":null}}"# + "\n"
            case 7: text += #"{"request_id":"z\#(i)","timestamp":"2026-01-01T00:00:00Z","outcome":"great"}"# + "\n"
            case 8: text += "not json at all\n"
            case 9: text += String(decoding: RecordEncoder().encode(record), as: UTF8.self) + "\n"  // a duplicate
            default: break
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("app.jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: log))

        let fast = try SQLiteStore(path: ":memory:")
        let decoded = try SQLiteStore(path: ":memory:")
        // Small batches, so blocks and commits split the file at many places.
        let configuration = IngestConfiguration(batchMaxRecords: 700)
        let fastPipeline = IngestPipeline(patterns: [log], sink: fast, configuration: configuration)
        let decodedPipeline = IngestPipeline(patterns: [log], sink: DecodedOnlySink(store: decoded), configuration: configuration)
        try fastPipeline.pollOnce()
        try decodedPipeline.pollOnce()

        let a = try fast.records(afterID: 0, limit: 1_000_000)
        let b = try decoded.records(afterID: 0, limit: 1_000_000)
        #expect(a.count > 1_000)
        #expect(a == b)
        #expect(try fast.requestIDs() == decoded.requestIDs())
        #expect(try fast.summary().duplicates == decoded.summary().duplicates)
        #expect(try fast.summary().duplicates > 0)
        let lettersA = try fast.deadLetters(limit: 10_000).map { [$0.letter.offset.description, $0.letter.code, $0.letter.reason] }
        let lettersB = try decoded.deadLetters(limit: 10_000).map { [$0.letter.offset.description, $0.letter.code, $0.letter.reason] }
        #expect(lettersA == lettersB)
        #expect(!lettersA.isEmpty)
        for query in [
            RecordQuery(task: "refund_question"), RecordQuery(task: "café"), RecordQuery(outcome: "failure"),
            RecordQuery(modelName: "support-tuned"), RecordQuery(tool: "refund_api"), RecordQuery(slices: ["language": "de"]),
        ] {
            #expect(try fast.countRecords(query) == decoded.countRecords(query), "\(query)")
        }
        let (from, to) = (try fast.summary().oldestRecordMicros!, try fast.summary().newestRecordMicros! + 1)
        var statsA = try fast.recordWindowStats(from: from, to: to)
        var statsB = try decoded.recordWindowStats(from: from, to: to)
        // Ingestion times differ between the two runs; everything else must not.
        statsA.p95IngestLagSeconds = nil
        statsB.p95IngestLagSeconds = nil
        statsA.newestIngestedAtMicros = nil
        statsB.newestIngestedAtMicros = nil
        #expect(statsA == statsB)
    }
}
