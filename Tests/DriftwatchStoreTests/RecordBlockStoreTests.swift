import DriftwatchCore
@testable import DriftwatchStore
import Foundation
import Testing

private func ingested(
    _ id: String, ts: Int64, task: String? = "t", modelVersion: String = "1", latency: Double? = nil,
    cost: Double? = nil, outcome: Outcome? = .success
) -> IngestedRecord {
    let r = RequestRecord(
        requestID: id, timestampMicros: ts, service: "svc", task: task, route: "primary",
        model: ModelInfo(name: "m", version: modelVersion, tuned: ts % 2 == 0),
        template: TemplateInfo(id: "tpl", version: "3"),
        retrieval: RetrievalInfo(indexVersion: "idx"),
        outcome: outcome, feedback: ts % 3 == 0 ? Feedback(score: -1) : nil,
        latency: latency.map { StageLatency(total: $0) }, tokens: TokenUsage(input: Int(ts % 1000), output: 7),
        costUSD: cost
    )
    return IngestedRecord(record: r, raw: RecordEncoder().encode(r))
}

@Suite("Record blocks")
struct RecordBlockStoreTests {
    @Test("a large batch is split into blocks; row ids run on across them and are followed exactly")
    func blocksAndRowIDs() throws {
        let store = try SQLiteStore(path: ":memory:")
        let n = RecordBlockBuilder.maxRecords * 2 + 100
        let records = (0..<n).map { ingested("r\($0)", ts: 1_000_000 + Int64($0)) }
        let result = try store.commit(IngestBatch(records: records))
        #expect(result.insertedRowIDs == (1...Int64(n)).map { $0 })
        let blocks = try store.withConnection { try $0.scalarInt("SELECT COUNT(*) FROM record_blocks") }
        #expect(blocks == 3)
        // Following by row id crosses block boundaries without skipping or repeating a row.
        var seen: [Int64] = []
        var last: Int64 = 0
        while true {
            let rows = try store.records(afterID: last, limit: 333)
            if rows.isEmpty { break }
            seen += rows.map(\.id)
            last = rows.last!.id
            #expect(rows.allSatisfy { row in (try? RecordDecoder().decode(row.raw).requestID) == "r\(row.id - 1)" })
        }
        #expect(seen == (1...Int64(n)).map { $0 })
        #expect(try store.records(afterID: Int64(n) - 1, limit: 10).map(\.id) == [Int64(n)])
        #expect(try store.summary().records == Int64(n))
    }

    @Test("columns round-trip: every filter sees the values stored, with many distinct values in a block")
    func columnsRoundTrip() throws {
        let store = try SQLiteStore(path: ":memory:")
        // 40 distinct model versions in one block (past the linear-scan dictionary), absent fields too.
        var records: [IngestedRecord] = []
        for i in 0..<400 {
            let task: String? = i % 5 == 0 ? nil : "task\(i % 3)"
            let outcome: Outcome? = i % 7 == 0 ? nil : (i % 2 == 0 ? .success : .failure)
            records.append(ingested("id-\(i)-ünïcode", ts: 5_000 - Int64(i), task: task, modelVersion: "v\(i % 40)", outcome: outcome))
        }
        _ = try store.commit(IngestBatch(records: records))
        for v in [0, 17, 39] {
            #expect(try store.countRecords(RecordQuery(modelVersion: "v\(v)")) == 10)
        }
        #expect(try store.countRecords(RecordQuery(task: "task1")) == Int64(records.filter { $0.record.task == "task1" }.count))
        let failures = records.filter { $0.record.outcome == Outcome.failure }.count
        #expect(try store.countRecords(RecordQuery(outcome: "failure")) == Int64(failures))
        #expect(try store.countRecords(RecordQuery(from: 4_700, to: 4_800)) == 100)
        // Oldest first by timestamp, whatever the row order.
        let oldest = try store.rawRecords(RecordQuery(limit: 3)).map { try RecordDecoder().decode($0).requestID }
        #expect(oldest == ["id-399-ünïcode", "id-398-ünïcode", "id-397-ünïcode"])
        #expect(try store.requestIDs(RecordQuery(limit: 2)) == ["id-0-ünïcode", "id-1-ünïcode"])
    }

    @Test("window stats equal a direct computation over the same records")
    func windowStats() throws {
        let store = try SQLiteStore(path: ":memory:")
        var generator = SystemRandomNumberGenerator()
        var records: [IngestedRecord] = []
        for i in 0..<3_000 {
            let latency: Double? = i % 10 == 0 ? nil : Double.random(in: 1...5_000, using: &generator)
            let cost: Double? = i % 4 == 0 ? nil : Double(i % 13) / 1000
            let outcome: Outcome? = i % 9 == 0 ? nil : (i % 5 == 0 ? .failure : .success)
            records.append(ingested("w\(i)", ts: Int64(i) * 1_000, task: i % 2 == 0 ? "a" : "b", latency: latency, cost: cost, outcome: outcome))
        }
        // Three commits: blocks that straddle the window edges.
        for chunk in stride(from: 0, to: records.count, by: 1_000) {
            _ = try store.commit(IngestBatch(records: Array(records[chunk..<(chunk + 1_000)])))
        }
        let from: Int64 = 500_000, to: Int64 = 2_500_000
        let stats = try store.recordWindowStats(from: from, to: to, task: "a")
        let window = records.map(\.record).filter { $0.timestampMicros >= from && $0.timestampMicros < to && $0.task == "a" }
        #expect(stats.records == Int64(window.count))
        #expect(stats.outcomes == Int64(window.filter { $0.outcome != nil }.count))
        #expect(stats.successes == Int64(window.filter { $0.outcome == .success }.count))
        let costs = window.compactMap(\.costUSD)
        #expect(abs(stats.costPerRequest! - costs.reduce(0, +) / Double(costs.count)) < 1e-12)
        let offset = Int((Double(window.count - 1) * 0.95).rounded(.down))
        let latencies = window.compactMap { $0.latency?.total }.sorted()
        #expect(stats.p95LatencyMillis == (offset < latencies.count ? latencies[offset] : nil))
        #expect(stats.p95IngestLagSeconds != nil)
        #expect(stats.newestIngestedAtMicros != nil)
    }

    @Test("retention by age rewrites a block that straddles the cutoff; row ids are never reused")
    func retentionStraddlingBlock() throws {
        let store = try SQLiteStore(path: ":memory:")
        _ = try store.commit(IngestBatch(records: (0..<10).map { ingested("s\($0)", ts: Int64($0) * 100) }))
        let result = try store.applyRetention(RetentionPolicy(maxAgeMicros: 500), nowMicros: 1_000)
        #expect(result.deletedRecords == 5)
        #expect(try store.requestIDs() == ["s5", "s6", "s7", "s8", "s9"])
        #expect(try store.records(afterID: 0, limit: 100).map(\.id) == [6, 7, 8, 9, 10])
        // A deleted request id is free again; everything gone still does not reset row ids.
        _ = try store.applyRetention(RetentionPolicy(maxAgeMicros: 0), nowMicros: 10_000)
        #expect(try store.summary().records == 0)
        let again = try store.commit(IngestBatch(records: [ingested("s0", ts: 20_000)]))
        #expect(again.insertedRowIDs == [11])
    }

    @Test("retention deletes in bounded transactions: another writer commits between them, and the result is a single pass's")
    func retentionInBoundedTransactions() throws {
        let store = try SQLiteStore(path: ":memory:")
        // 12 blocks of 10 records, 100 µs apart; the cutoff falls inside the 9th block.
        for k in 0..<12 {
            _ = try store.commit(IngestBatch(records: (0..<10).map { ingested("b\(k)-\($0)", ts: Int64(k * 10 + $0) * 100) }))
        }
        var interleaved = 0
        // Between transactions the store's lock is free: a commit there would deadlock if retention held it.
        let result = try store.applyRetention(RetentionPolicy(maxAgeMicros: 3_550), nowMicros: 12_000, blocksPerTransaction: 3) {
            _ = try store.commit(IngestBatch(records: [ingested("late-\(interleaved)", ts: 1_000_000 + Int64(interleaved))]))
            interleaved += 1
        }
        // 8 whole blocks and 5 records of the 9th (ts < 8,450): 85 records, in 3 transactions of at most 3 blocks.
        #expect(result.deletedRecords == 85)
        #expect(interleaved == 3)
        #expect(try store.retentionTotals().deletedRecords == 85)
        let kept = try store.requestIDs()
        #expect(kept.count == 35 + interleaved)
        #expect(kept.contains("b8-5") && !kept.contains("b8-4") && !kept.contains("b0-0"))
        #expect((0..<interleaved).allSatisfy { kept.contains("late-\($0)") })
    }

    @Test("migration 6 moves rows of the old records table into blocks, keeping row ids")
    func migrationFromRowTable() throws {
        let path = temporaryDatabasePath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        do {
            // A database as schema version 5 left it, with gaps in the row ids and a row that no longer decodes.
            let connection = try SQLiteConnection(path: path)
            try connection.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
            for migration in StoreMigration.all where migration.version <= 5 {
                try connection.execute(migration.sql)
                try connection.execute("INSERT INTO schema_migrations VALUES (\(migration.version), '\(migration.name)', 0)")
            }
            let insert = try connection.prepare("INSERT INTO records (id, request_id, ts, task, ingested_at, raw) VALUES (?, ?, ?, ?, ?, ?)")
            for (id, ts) in [(5, 300), (6, 100), (9, 200)] as [(Int64, Int64)] {
                let record = ingested("old\(id)", ts: ts).record
                insert.bind(1, id)
                insert.bind(2, record.requestID)
                insert.bind(3, ts)
                insert.bind(4, record.task)
                insert.bind(5, Int64(7))
                insert.bindTextBytes(6, RecordEncoder().encode(record))
                try insert.run()
            }
            insert.bind(1, Int64(12))
            insert.bind(2, "broken")
            insert.bind(3, Int64(400))
            insert.bind(4, "t")
            insert.bind(5, Int64(7))
            insert.bindTextBytes(6, Array("{\"request_id\":\"broken\"}".utf8))
            try insert.run()
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == StoreMigration.all.count)
        #expect(try store.records(afterID: 0, limit: 10).map(\.id) == [5, 6, 9])
        #expect(try store.requestIDs() == ["old5", "old6", "old9"])
        #expect(try store.rawRecords().map { try RecordDecoder().decode($0).requestID } == ["old6", "old9", "old5"])
        let letters = try store.deadLetters()
        #expect(letters.count == 1)
        #expect(letters.first?.letter.source == "migration")
        #expect(letters.first?.letter.offset == 12)
        #expect(letters.first?.letter.code == "missing_field")
        let tables = try store.withConnection { try $0.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'records'") }
        #expect(tables == 0)
        // Re-ingesting a migrated request id is still a no-op; new rows continue after the old ones.
        let next = try store.commit(IngestBatch(records: [ingested("old5", ts: 300), ingested("new", ts: 500)]))
        #expect(next.insertedRowIDs == [0, 13])
    }

    @Test("compaction merges adjacent small blocks and keeps rows, lines and columns; a large block between is left alone")
    func compaction() throws {
        let store = try SQLiteStore(path: ":memory:")
        var ts: Int64 = 1_000_000
        func commit(_ n: Int) throws {
            _ = try store.commit(IngestBatch(records: (0..<n).map { _ in
                ts += 1_000
                return ingested("c\(ts)", ts: ts, task: ts % 3 == 0 ? "a" : "b", latency: Double(ts % 997), cost: Double(ts % 7) / 100)
            }))
        }
        for _ in 0..<30 { try commit(3) }
        try commit(600)  // a full-enough block: not merged, and no merge spans it
        for _ in 0..<20 { try commit(2) }
        let blocks = { try store.withConnection { try $0.scalarInt("SELECT COUNT(*) FROM record_blocks") } }
        #expect(try blocks() == 51)
        let rows = try store.records(afterID: 0, limit: 10_000)
        let ids = try store.requestIDs()
        let stats = try store.recordWindowStats(from: 0, to: .max)
        let counts = try ["a", "b"].map { try store.countRecords(RecordQuery(task: $0)) }

        // Nothing committed before the cutoff: nothing merged.
        #expect(try store.compactRecordBlocks(committedBefore: 0) == 0)
        let removed = try store.compactRecordBlocks(committedBefore: .max)
        #expect(removed == 48)  // 30 blocks become one, 20 become one, the large one stays
        #expect(try blocks() == 3)
        #expect(try store.records(afterID: 0, limit: 10_000) == rows)
        #expect(try store.requestIDs() == ids)
        #expect(try ["a", "b"].map { try store.countRecords(RecordQuery(task: $0)) } == counts)
        var after = try store.recordWindowStats(from: 0, to: .max)
        var before = stats
        after.p95IngestLagSeconds = nil  // merged blocks keep the latest ingestion time of their parts
        before.p95IngestLagSeconds = nil
        #expect(after == before)
        // Keys are untouched: re-ingesting is still a no-op, and new rows continue after the old ones.
        let again = try store.commit(IngestBatch(records: [rows.first!].map {
            IngestedRecord(record: try RecordDecoder().decode($0.raw), raw: $0.raw)
        }))
        #expect(again.inserted == 0)
        #expect(try store.compactRecordBlocks(committedBefore: .max) == 0)
    }

    /// A batch as the tailer's fast path builds it: lines scanned and packed into one arena.
    private static func scannedBatch(_ lines: [[UInt8]]) throws -> IngestBatch {
        let arena = LineArena(capacity: 1 << 16)
        var batch = IngestBatch()
        for line in lines {
            let scanned = try #require(line.withUnsafeBytes { arena.appendScanned($0) })
            batch.scanned.append(ScannedRecord(columns: scanned.columns, line: scanned.range, packed: true))
        }
        batch.arena = arena
        return batch
    }

    @Test("packed lines read back exactly, next to unpacked ones, through queries, compaction and retention")
    func packedLines() throws {
        let store = try SQLiteStore(path: ":memory:")
        var lines: [[UInt8]] = []
        for k in 0..<12 {
            let batch = (0..<5).map { ingested("p\(k)-\($0)", ts: Int64(k * 5 + $0) * 100, latency: Double($0), cost: 0.5) }
            lines += batch.map(\.raw)
            // Every third commit goes the decoder's way (lines kept as they came), the others packed.
            _ = try store.commit(k % 3 == 2 ? IngestBatch(records: batch) : try Self.scannedBatch(batch.map(\.raw)))
        }
        let stored = try store.withConnection { try $0.scalarInt("SELECT SUM(length(lines)) FROM record_blocks") }
        #expect(stored < Int64(lines.reduce(0) { $0 + $1.count + 1 }), "packed lines take less room")
        #expect(try store.rawRecords() == lines)
        #expect(try store.records(afterID: 0, limit: 100).map(\.raw) == lines)
        #expect(try store.countRecords(RecordQuery(task: "t")) == 60)

        #expect(try store.compactRecordBlocks(committedBefore: .max) == 11)
        #expect(try store.rawRecords() == lines)
        // The merged block straddles the cutoff: retention rewrites it, moving packed lines as they are.
        let result = try store.applyRetention(RetentionPolicy(maxAgeMicros: 2_000), nowMicros: 4_250)
        #expect(result.deletedRecords == 23)
        #expect(try store.rawRecords() == Array(lines[23...]))
        #expect(try store.records(afterID: 0, limit: 100).map(\.id) == (24...60).map { Int64($0) })
    }

    @Test("blocks of columns format 1 (lines kept as they came) are still read")
    func formatOne() throws {
        let line = Array(#"{"request_id":"old","timestamp":"2025-01-01T00:00:00Z"}"#.utf8)
        var columns: [UInt8] = [1, 1]  // format 1, one record
        columns.appendVarint(zigzag(7))  // first row id
        columns.appendVarint(zigzag(1_735_689_600_000_000))
        columns += [UInt8](repeating: 0, count: RecordBlockBuilder.columnCount)  // empty dictionaries
        columns.appendVarint(0)  // row delta
        columns.appendVarint(UInt64(line.count))  // line length, without a packed flag
        columns.appendVarint(3)
        columns += Array("old".utf8)
        columns.appendVarint(0)  // timestamp delta
        columns += [UInt8](repeating: 0, count: RecordBlockBuilder.columnCount)  // no column values
        columns.append(0)  // flags
        let entries = try RecordBlockReader.entries(columns, block: 7)
        #expect(entries.count == 1)
        #expect(entries[0].row == 7 && entries[0].requestID == "old" && entries[0].lineLength == line.count && !entries[0].linePacked)
        let block = StoredBlock(firstRow: 7, lastRow: 7, count: 1, tsMin: 0, tsMax: 0, ingestedAt: 0, entries: entries, lines: line + [0x0A])
        #expect(block.line(entries[0]) == line)
    }

    @Test("a writable store writes through the write-back VFS, a read-only connection does not, and what it wrote reads back")
    func writebackVFS() throws {
        let path = temporaryDatabasePath()
        do {
            let store = try SQLiteStore(path: path)
            #expect(try store.withConnection { $0.vfsName }?.hasPrefix("driftwatch-writeback/") == true)
            // Over 4 MiB of lines, so write-back is started several times along the way.
            for k in 0..<4 {
                _ = try store.commit(IngestBatch(records: (0..<3_000).map { ingested("w\(k)-\($0)", ts: Int64(k * 3_000 + $0)) }))
            }
            _ = try store.withConnection { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        let reader = try SQLiteConnection(path: path, access: .readOnly)
        #expect(reader.vfsName.map { !$0.contains("driftwatch-writeback") } == true)
        #expect(try reader.scalarText("PRAGMA integrity_check") == "ok")
        #expect(try SQLiteStore(path: path).countRecords() == 12_000)
    }
}
