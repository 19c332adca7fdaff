import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing

@Suite struct TailingTests {
    @Test func readsNewLinesAsTheyAreAppended() throws {
        let h = Harness()
        let w = h.writer()
        var ids = (0..<3).map { _ in w.appendRecord() }
        let p = h.pipeline("*.log")
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        ids += (0..<4).map { _ in w.appendRecord() }
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)

        let s = p.snapshot
        #expect(s.filesWatched == 1)
        #expect(s.lines == 7)
        #expect(s.records == 7)
        #expect(s.inserted == 7)
        #expect(s.bytesRead == w.currentOffset)
        #expect(s.files.first?.lagBytes == 0)
        #expect(s.lastCommitMicros != nil)
        let checkpoint = try #require(h.sink.checkpoints.values.first)
        #expect(checkpoint.offset == w.currentOffset)
        #expect(checkpoint.lines == 7)
        #expect(checkpoint.path == h.path("app.log"))
        #expect(checkpoint.inode == inode(h.path("app.log")))
        #expect(h.sink.records.first?.raw == Array(LogWriter.recordLine(id: "req-0").utf8))
        #expect(h.sink.records.first?.record.task == "refund_question")
    }

    @Test func partialLineWaitsForItsNewline() throws {
        let h = Harness()
        let w = h.writer()
        let first = w.appendRecord()
        let line = LogWriter.recordLine(id: "half")
        let cut = line.index(line.startIndex, offsetBy: 40)
        let offset = w.append(String(line[..<cut]))
        let p = h.pipeline("app.log")
        try p.pollOnce()
        h.expectStoredExactlyOnce([first])
        #expect(h.sink.checkpoints.values.first?.offset == offset)
        #expect(p.snapshot.files.first?.lagBytes == 40)

        w.append(String(line[cut...]))
        try p.pollOnce()
        h.expectStoredExactlyOnce([first])  // still no newline
        w.append("\n")
        try p.pollOnce()
        h.expectStoredExactlyOnce([first, "half"])
        #expect(h.sink.deadLetters.isEmpty)
    }

    @Test func fileWithIncompleteFirstLineIsNotReadYet() throws {
        let h = Harness()
        let w = h.writer()
        let line = LogWriter.recordLine(id: "first")
        w.append(String(line.prefix(20)))
        let p = h.pipeline("app.log")
        try p.pollOnce()
        #expect(p.snapshot.files.first?.fingerprint == nil)
        #expect(h.sink.commitCount == 0)
        w.append(String(line.dropFirst(20)) + "\n")
        let second = w.appendRecord()
        try p.pollOnce()
        #expect(p.snapshot.files.first?.fingerprint == FileIdentity.fnv1a64Hex(Array(line.utf8)))
        h.expectStoredExactlyOnce(["first", second])
    }

    @Test(arguments: [16, 4096, 1 << 20])
    func oversizedLinesAreDeadLetteredAndReadingGoesOn(chunk: Int) throws {
        var config = IngestConfiguration(maxLineBytes: 300, readChunkBytes: chunk, goneFileGraceRounds: 0)
        config.batchMaxRecords = 3
        let h = Harness(config)
        let w = h.writer()
        let a = w.appendRecord()
        let huge = "{\"request_id\":\"huge\"," + String(repeating: "y", count: 9000) + "}"
        let hugeOffset = w.appendLine(huge)
        let b = w.appendRecord()
        // An oversized line that arrives in pieces across polls.
        let p = h.pipeline("app.log")
        let pieceOffset = w.append(String(repeating: "z", count: 250))
        try p.pollOnce()
        h.expectStoredExactlyOnce([a, b])
        w.append(String(repeating: "z", count: 5000))
        try p.pollOnce()
        #expect(h.sink.deadLetters.count == 1)
        w.appendLine("zz")
        let c = w.appendRecord()
        try p.pollOnce()
        h.expectStoredExactlyOnce([a, b, c])

        let letters = h.sink.deadLetters
        #expect(letters.map(\.code) == ["line_too_long", "line_too_long"])
        #expect(letters.map(\.offset) == [hugeOffset, pieceOffset])
        #expect(letters.map(\.length) == [UInt64(huge.utf8.count), 5252])
        #expect(letters[0].raw == Array(huge.utf8.prefix(DeadLetter.maxRawBytes)))
        #expect(letters[1].raw.count == 4096)
        #expect(letters.allSatisfy { $0.source == h.path("app.log") })
        #expect(h.sink.checkpoints.values.first?.offset == w.currentOffset)
    }

    @Test func malformedLinesAreDeadLetteredWithTheirOffsets() throws {
        let h = Harness()
        let w = h.writer()
        var expected: [(UInt64, String)] = []
        let a = w.appendRecord()
        expected.append((w.appendLine("this is not json"), "invalid_json"))
        let b = w.appendRecord()
        expected.append((w.appendLine(#"{"timestamp":1700000000000,"task":"x"}"#), "missing_field"))
        expected.append((w.appendLine(#"{"request_id":"r","timestamp":1700000000000"#), "invalid_json"))
        w.appendLine("")  // skipped
        w.append("\r\n")  // skipped as well
        let c = w.appendRecord()
        let p = h.pipeline("app.log")
        try p.pollOnce()
        h.expectStoredExactlyOnce([a, b, c])
        let letters = h.sink.deadLetters
        #expect(letters.map(\.offset) == expected.map(\.0))
        #expect(letters.map(\.code) == expected.map(\.1))
        #expect(letters[0].raw == Array("this is not json".utf8))
        #expect(letters[0].length == 16)
        #expect(letters.allSatisfy { !$0.reason.isEmpty && $0.fingerprint == h.sink.checkpoints.keys.first })
        #expect(p.snapshot.deadLetters == 3)
        #expect(p.snapshot.lines == 6)
        #expect(h.sink.checkpoints.values.first?.lines == 6)
    }

    @Test func crlfLinesAreStoredWithoutTheCarriageReturn() throws {
        let h = Harness()
        let w = h.writer()
        w.append(LogWriter.recordLine(id: "crlf") + "\r\n")
        try h.pipeline("app.log").pollOnce()
        h.expectStoredExactlyOnce(["crlf"])
        #expect(h.sink.records.first?.raw.last == UInt8(ascii: "}"))
    }
}
