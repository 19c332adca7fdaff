import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Synchronization
import Testing

@Suite struct BatchingTests {
    @Test func batchesAreBoundedAndCarryConsistentCheckpoints() throws {
        var config = IngestConfiguration(goneFileGraceRounds: 0)
        config.batchMaxRecords = 100
        config.batchMaxBytes = 8 << 10
        let h = Harness(config)
        let a = h.writer("a.log", idPrefix: "a")
        let b = h.writer("b.log", idPrefix: "b")
        var ids: [String] = []
        for i in 0..<1000 {
            ids.append(a.appendRecord())
            if i % 3 == 0 { ids.append(b.appendRecord()) }
        }
        let batches = Mutex<[(records: Int, bytes: Int, checkpoints: [FileCheckpoint])]>([])
        h.sink.onCommit { batch, _ in
            let bytes = batch.records.reduce(0) { $0 + $1.raw.count }
            batches.withLock { $0.append((batch.records.count, bytes, batch.checkpoints)) }
        }
        let summary = try h.pipeline("*.log").pollOnce()
        h.expectStoredExactlyOnce(ids)
        let seen = batches.withLock { $0 }
        #expect(summary.commits == seen.count)
        #expect(seen.count >= ids.count / 100)
        for batch in seen {
            #expect(batch.records <= 100)
            #expect(batch.bytes < config.batchMaxBytes + 300)
        }
        // Replaying the checkpoints: every batch's offsets are line ends, increasing per file.
        var last: [String: UInt64] = [:]
        for batch in seen {
            for checkpoint in batch.checkpoints {
                #expect(checkpoint.offset > last[checkpoint.fingerprint, default: 0])
                last[checkpoint.fingerprint] = checkpoint.offset
            }
        }
        #expect(Set(last.values) == [a.currentOffset, b.currentOffset])
    }

    /// Crash after any batch: the committed records are exactly the lines before the committed offset.
    @Test func everyCommittedCheckpointCoversExactlyTheCommittedRecords() throws {
        var config = IngestConfiguration(goneFileGraceRounds: 0)
        config.batchMaxRecords = 7
        let h = Harness(config)
        let w = h.writer()
        var offsets: [String: UInt64] = [:]  // request_id -> offset after its line
        for _ in 0..<100 {
            let id = w.appendRecord()
            offsets[id] = w.currentOffset
        }
        let ok = Mutex(true)
        h.sink.onCommit { [sink = h.sink, offsets] _, _ in
            let stored = Set(sink.requestIDs)
            guard let checkpoint = sink.checkpoints.values.first else { return }
            let covered = Set(offsets.filter { $0.value <= checkpoint.offset }.keys)
            if stored != covered { ok.withLock { $0 = false } }
        }
        try h.pipeline("app.log").pollOnce()
        #expect(ok.withLock { $0 })
        #expect(h.sink.commitCount == 15)
    }
}
