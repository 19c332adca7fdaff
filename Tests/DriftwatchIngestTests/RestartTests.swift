import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing

@Suite struct RestartTests {
    @Test func newPipelineResumesFromCheckpointsAndReadsNothingTwice() throws {
        let h = Harness()
        let w = h.writer()
        var ids = (0..<10).map { _ in w.appendRecord() }
        w.appendLine("broken")
        try h.pipeline("app.log").pollOnce()
        ids += (0..<5).map { _ in w.appendRecord() }
        let p = h.pipeline("app.log")
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(p.snapshot.lines == 5)
        #expect(h.sink.deadLetters.count == 1)
        #expect(h.sink.checkpoints.values.first?.lines == 16)
    }

    /// A crash between reading and committing: nothing was stored, so everything is read again once.
    @Test(arguments: [0, 1, 3])
    func crashBeforeCommitLosesAndDuplicatesNothing(successfulCommits: Int) throws {
        var config = IngestConfiguration(goneFileGraceRounds: 0)
        config.batchMaxRecords = 4
        let h = Harness(config)
        let w = h.writer()
        let bad = w.appendLine("garbage")
        let ids = (0..<20).map { _ in w.appendRecord() }
        h.sink.failAfter(successfulCommits: successfulCommits)
        #expect(throws: DriftwatchError.self) { try h.pipeline("app.log").pollOnce() }
        #expect(h.sink.commitCount == successfulCommits)
        h.sink.failAfter(successfulCommits: nil)
        try h.pipeline("app.log").pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(h.sink.deadLetters.map(\.offset) == [bad])
    }

    /// A commit that fails and is retried by the same pipeline keeps its batch.
    @Test func failedCommitIsRetriedWithTheSameBatch() throws {
        let h = Harness()
        let w = h.writer()
        var ids = (0..<3).map { _ in w.appendRecord() }
        let p = h.pipeline("app.log")
        h.sink.failNextCommits(1)
        #expect(throws: DriftwatchError.self) { try p.pollOnce() }
        ids += [w.appendRecord()]
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(h.sink.checkpoints.values.first?.offset == w.currentOffset)
    }

    /// A commit that fails while a batch fills in the middle of a read chunk (disk full under `run`): the chunk has
    /// been read past already, so its remaining lines must stay in the batch for the retry, not be dropped.
    @Test func failedCommitInTheMiddleOfAChunkKeepsTheRestOfTheChunk() throws {
        var config = IngestConfiguration(goneFileGraceRounds: 0)
        config.batchMaxRecords = 10
        let h = Harness(config)
        let w = h.writer()
        let ids = (0..<500).map { _ in w.appendRecord() }  // one read chunk, 50 batches
        let p = h.pipeline("app.log")
        h.sink.failNextCommits(1)
        #expect(throws: DriftwatchError.self) { try p.pollOnce() }
        #expect(h.sink.commitCount == 0)
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(h.sink.checkpoints.values.first?.offset == w.currentOffset)
    }
}
