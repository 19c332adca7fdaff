import DriftwatchCore
import DriftwatchStore
import Foundation
import Testing

private func record(_ id: String, ts: Int64 = 1_700_000_000_000_000, task: String = "refund_question", language: String = "en", tool: String? = "refund_api") -> IngestedRecord {
    let r = RequestRecord(
        requestID: id,
        timestampMicros: ts,
        task: task,
        route: "primary",
        model: ModelInfo(name: "m", version: "1", tuned: true),
        template: TemplateInfo(id: "t", version: "3"),
        retrieval: RetrievalInfo(indexVersion: "idx-1"),
        tools: tool.map { [ToolCall(name: $0, status: .ok)] } ?? [],
        outcome: .success,
        slices: [Slice(key: "language", value: .string(language)), Slice(key: "long_context", value: .bool(false))]
    )
    return IngestedRecord(record: r, raw: RecordEncoder().encode(r))
}

private func checkpoint(_ fp: String, offset: UInt64) -> FileCheckpoint {
    FileCheckpoint(fingerprint: fp, path: "/var/log/app.log", offset: offset, device: 1, inode: 2, lines: offset / 10, updatedAtMicros: 5)
}

/// A fresh database path in a directory of its own (shared by this module's suites).
func temporaryDatabasePath() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("test.sqlite").path
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("migrations apply once and the file is in WAL mode")
    func migrationsAndWAL() throws {
        let path = temporaryDatabasePath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() >= 1)
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.schemaVersion() == store.schemaVersion())
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("re-ingesting a request_id is a no-op and is counted as a duplicate")
    func duplicatesIgnored() throws {
        let store = try SQLiteStore(path: ":memory:")
        let first = try store.commit(IngestBatch(records: [record("a"), record("b")]))
        #expect(first == IngestCommitResult(inserted: 2, duplicates: 0, deadLettered: 0, insertedRowIDs: [1, 2]))
        let second = try store.commit(IngestBatch(records: [record("b"), record("c")]))
        #expect(second == IngestCommitResult(inserted: 1, duplicates: 1, deadLettered: 0, insertedRowIDs: [0, 3]))
        let summary = try store.summary()
        #expect(summary.records == 3)
        #expect(summary.duplicates == 1)
        #expect(try store.requestIDs() == ["a", "b", "c"])
    }

    @Test("checkpoints commit with the records and survive reopening")
    func checkpointsPersist() throws {
        let path = temporaryDatabasePath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        do {
            let store = try SQLiteStore(path: path)
            _ = try store.commit(IngestBatch(records: [record("a")], checkpoints: [checkpoint("fp1", offset: 100)]))
            _ = try store.commit(IngestBatch(records: [record("b")], checkpoints: [checkpoint("fp1", offset: 250)]))
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.checkpoint(fingerprint: "fp1")?.offset == 250)
        #expect(try store.checkpoint(fingerprint: "unknown") == nil)
        #expect(try store.summary().checkpoints.count == 1)
    }

    @Test("a failing commit leaves neither records nor checkpoint behind")
    func failedCommitRollsBack() throws {
        let store = try SQLiteStore(path: ":memory:")
        _ = try store.commit(IngestBatch(records: [record("a")], checkpoints: [checkpoint("fp1", offset: 10)]))
        // Make the checkpoint insert fail after the records were inserted in the same transaction.
        try store.withConnection { try $0.execute("CREATE TRIGGER fail_checkpoint BEFORE UPDATE ON file_checkpoints BEGIN SELECT RAISE(ABORT, 'boom'); END") }
        #expect(throws: DriftwatchError.self) {
            _ = try store.commit(IngestBatch(records: [record("b")], checkpoints: [checkpoint("fp1", offset: 20)]))
        }
        #expect(try store.requestIDs() == ["a"])
        #expect(try store.checkpoint(fingerprint: "fp1")?.offset == 10)
    }

    @Test("dead letters keep file, offset, reason and bounded raw bytes, once per offset")
    func deadLetters() throws {
        let store = try SQLiteStore(path: ":memory:")
        let huge = [UInt8](repeating: 0x41, count: 10_000)
        let letter = DeadLetter(source: "/logs/a.log", fingerprint: "fp", offset: 42, length: 10_000, raw: huge, code: "line_too_long", reason: "line of 10000 bytes exceeds the 4096-byte limit")
        let result = try store.commit(IngestBatch(deadLetters: [letter, letter]))
        #expect(result.deadLettered == 1)
        let stored = try store.deadLetters()
        #expect(stored.count == 1)
        #expect(stored[0].letter.offset == 42)
        #expect(stored[0].letter.source == "/logs/a.log")
        #expect(stored[0].letter.raw.count == DeadLetter.maxRawBytes)
        #expect(stored[0].letter.code == "line_too_long")
    }

    @Test("records are queryable by task, tool, versions and slices")
    func queries() throws {
        let store = try SQLiteStore(path: ":memory:")
        _ = try store.commit(IngestBatch(records: [
            record("a", ts: 1_000, task: "refund_question", language: "de"),
            record("b", ts: 2_000, task: "refund_question", language: "en", tool: nil),
            record("c", ts: 3_000, task: "order_status", language: "de", tool: "order_status_api"),
        ]))
        #expect(try store.countRecords(RecordQuery(task: "refund_question")) == 2)
        #expect(try store.countRecords(RecordQuery(tool: "refund_api")) == 1)
        #expect(try store.countRecords(RecordQuery(slices: ["language": "de"])) == 2)
        #expect(try store.countRecords(RecordQuery(slices: ["language": "de", "long_context": "false"])) == 2)
        #expect(try store.countRecords(RecordQuery(from: 2_000, to: 3_000)) == 1)
        #expect(try store.countRecords(RecordQuery(modelVersion: "1", templateVersion: "3", indexVersion: "idx-1")) == 3)
        let raw = try store.rawRecords(RecordQuery(task: "order_status"))
        #expect(try RecordDecoder().decode(raw[0]).requestID == "c")
    }

    @Test("retention by age deletes old records and keeps checkpoints")
    func retentionByAge() throws {
        let store = try SQLiteStore(path: ":memory:")
        let day: Int64 = 86_400_000_000
        let now: Int64 = 100 * day
        _ = try store.commit(IngestBatch(
            records: [record("old", ts: now - 10 * day), record("new", ts: now - day)],
            checkpoints: [checkpoint("fp", offset: 99)]))
        let result = try store.applyRetention(RetentionPolicy(maxAgeMicros: 7 * day), nowMicros: now)
        #expect(result.deletedRecords == 1)
        #expect(try store.requestIDs() == ["new"])
        #expect(try store.checkpoint(fingerprint: "fp")?.offset == 99)
    }

    @Test("the records an age pass would delete are counted exactly, then deleted and totalled")
    func countOlderThanMatchesRetention() throws {
        let store = try SQLiteStore(path: ":memory:")
        // Several blocks (one per commit) with interleaved times, so some blocks straddle every cutoff.
        for batch in 0..<6 {
            _ = try store.commit(IngestBatch(records: (0..<50).map { i in record("b\(batch)-\(i)", ts: Int64((i * 7 + batch * 13) % 100)) }))
        }
        for cutoff: Int64 in [0, 1, 13, 50, 99, 100, 1_000] {
            #expect(try store.countRecords(olderThan: cutoff) == store.countRecords(RecordQuery(to: cutoff)), "cutoff \(cutoff)")
        }
        let expected = try store.countRecords(olderThan: 40)
        #expect(try store.applyRetention(RetentionPolicy(maxAgeMicros: 60), nowMicros: 100).deletedRecords == expected)
        #expect(try store.retentionTotals().deletedRecords == expected)
        #expect(try store.countRecords(olderThan: 40) == 0)
    }

    @Test("retention by size deletes the oldest records until under the limit")
    func retentionBySize() throws {
        let path = temporaryDatabasePath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let store = try SQLiteStore(path: path)
        let batch = (0..<20_000).map { record("r\($0)", ts: Int64($0)) }
        _ = try store.commit(IngestBatch(records: batch))
        let before = try store.summary().usedBytes
        let limit = before / 2
        let result = try store.applyRetention(RetentionPolicy(maxBytes: limit))
        #expect(result.deletedRecords > 5_000)
        let ids = try store.requestIDs()
        #expect(ids.first != "r0")
        #expect(ids.last == "r19999")
        let after = try store.summary()
        #expect(after.usedBytes <= limit)
        #expect(after.freeBytes > 0)

        // Freed pages are reused: storing as many records again does not grow the file by as much.
        let fileBefore = after.databaseBytes
        _ = try store.commit(IngestBatch(records: (20_000..<25_000).map { record("r\($0)", ts: Int64($0)) }))
        #expect(try store.summary().databaseBytes < fileBefore + before / 10)
    }
}
