import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing

@Suite struct RotationTests {
    /// logrotate's `create` mode by hand: rename, the writer keeps writing to the old descriptor
    /// for a while, then reopens the path and gets a new file.
    @Test(arguments: ["app.log", "app.log*"])
    func renameAndCreateLosesAndDuplicatesNothing(pattern: String) throws {
        let h = Harness()
        let w = h.writer()
        var ids = (0..<3).map { _ in w.appendRecord() }
        let p = h.pipeline(pattern)
        try p.pollOnce()
        ids += (0..<2).map { _ in w.appendRecord() }  // unread when the rename happens
        renameFile(h.path("app.log"), h.path("app.log.1"))
        ids += (0..<2).map { _ in w.appendRecord() }  // late writes to the renamed file
        w.reopen()
        ids += (0..<3).map { _ in w.appendRecord() }
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        ids += [w.appendRecord()]
        try p.pollOnce()
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        // The renamed file is closed once gone and read when the glob no longer matches it.
        #expect(p.snapshot.filesWatched == (pattern == "app.log" ? 1 : 2))
        #expect(h.sink.checkpoints.count == 2)
    }

    /// copytruncate by hand: copy, truncate in place, the writer goes on with its O_APPEND descriptor.
    @Test func copyTruncateReadsTheRestFromTheCopy() throws {
        let h = Harness()
        let w = h.writer()
        var ids = (0..<3).map { _ in w.appendRecord() }
        let p = h.pipeline("app.log*")
        try p.pollOnce()
        ids += (0..<4).map { _ in w.appendRecord() }  // only in the copy by the time we look
        try copyFile(h.path("app.log"), h.path("app.log.1"))
        try p.pollOnce()  // the copy is an alias of app.log, which is still being read
        h.expectStoredExactlyOnce(ids)
        ids += (0..<2).map { _ in w.appendRecord() }
        try copyFile(h.path("app.log"), h.path("app.log.1"))
        truncateFile(h.path("app.log"))
        ids += (0..<3).map { _ in w.appendRecord() }
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(p.snapshot.truncations == 1)
        ids += (0..<2).map { _ in w.appendRecord() }
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
    }

    @Test func truncationInPlaceIsDetectedAndTheNewContentRead() throws {
        let h = Harness()
        let w = h.writer()
        var ids = (0..<5).map { _ in w.appendRecord() }
        let p = h.pipeline("app.log")
        try p.pollOnce()
        truncateFile(h.path("app.log"))
        try p.pollOnce()
        #expect(p.snapshot.truncations == 1)
        #expect(p.snapshot.files.first?.fingerprint == nil, "an empty file has no identity yet")
        ids += (0..<3).map { _ in w.appendRecord() }
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(h.sink.checkpoints.count == 2)
    }

    /// Truncated and rewritten past the old size before the next poll: only the first line tells.
    @Test func truncationHiddenByGrowthIsDetectedByTheFirstLine() throws {
        let h = Harness()
        let w = h.writer(idPrefix: "old")
        var ids = [w.appendRecord()]
        let p = h.pipeline("app.log")
        try p.pollOnce()
        truncateFile(h.path("app.log"))
        let w2 = h.writer(idPrefix: "new")
        ids += (0..<6).map { _ in w2.appendRecord() }
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(p.snapshot.truncations == 1)
    }

    @Test func rotatedGzipResumesAtTheCheckpoint() throws {
        let h = Harness()
        let w = h.writer()
        var ids = (0..<3).map { _ in w.appendRecord() }
        try h.pipeline("app.log*").pollOnce()  // then the process stops
        ids += (0..<4).map { _ in w.appendRecord() }
        w.append(LogWriter.recordLine(id: "unterminated"))
        renameFile(h.path("app.log"), h.path("app.log.1"))
        try ProcessRunner.run("/usr/bin/gzip", [h.path("app.log.1")])
        w.reopen()
        ids += (0..<2).map { _ in w.appendRecord() }
        let p = h.pipeline("app.log*")
        try p.pollOnce()
        // A complete gzip stream is a finished file: its last line counts even without a newline.
        h.expectStoredExactlyOnce(ids + ["unterminated"])
        #expect(p.snapshot.filesWatched == 1, "the finished .gz is closed")
        try p.pollOnce()
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids + ["unterminated"])
    }

    @Test func multiMemberGzipIsReadCompletely() throws {
        let h = Harness()
        let a = h.writer("a.log", idPrefix: "a")
        let b = h.writer("b.log", idPrefix: "b")
        let ids = (0..<50).map { _ in a.appendRecord() } + (0..<50).map { _ in b.appendRecord() }
        try ProcessRunner.shell("gzip -c '\(h.path("a.log"))' > '\(h.path("all.gz"))' && gzip -c '\(h.path("b.log"))' >> '\(h.path("all.gz"))'")
        var config = h.configuration
        config.readChunkBytes = 512
        h.configuration = config
        try h.pipeline("all.gz").pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(h.sink.checkpoints.values.first?.offset == a.currentOffset + b.currentOffset)
    }

    @Test func gzipCopyHasTheIdentityOfItsSource() throws {
        let h = Harness()
        let w = h.writer()
        let ids = (0..<20).map { _ in w.appendRecord() }
        try h.pipeline("app.log").pollOnce()
        try ProcessRunner.shell("gzip -c '\(h.path("app.log"))' > '\(h.path("app.log.1.gz"))'")
        let p = h.pipeline("app.log*")
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(p.snapshot.lines == 0, "the .gz resumed at the end of app.log's checkpoint")
        #expect(h.sink.checkpoints.count == 1)
    }

    @Test func corruptGzipIsReportedAndSkipped() throws {
        let h = Harness()
        let w = h.writer("good.log")
        let ids = (0..<5).map { _ in w.appendRecord() }
        let z = h.writer("bad.gz")
        try ProcessRunner.shell("gzip -c '\(h.path("good.log"))' | head -c 60 > '\(h.path("bad.gz"))'")
        z.append(bytes: [UInt8](repeating: 0x55, count: 300))
        let p = h.pipeline("*")
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(p.snapshot.fileErrors <= 1)
    }

    @Test func inodeReuseIsANewFile() throws {
        let h = Harness()
        let w = h.writer(idPrefix: "first")
        var ids = (0..<3).map { _ in w.appendRecord() }
        let firstInode = inode(h.path("app.log"))
        let p = h.pipeline("app.log")
        try p.pollOnce()
        removeFile(h.path("app.log"))
        try p.pollOnce()  // gone and read: closed, which frees the inode
        #expect(p.snapshot.filesWatched == 0)
        // Same size and content length as before, so only the content tells them apart.
        let w2 = h.writer(idPrefix: "other")
        ids += (0..<3).map { _ in w2.appendRecord() }
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        // A restart over the same store also treats it as new content.
        try h.pipeline("app.log").pollOnce()
        h.expectStoredExactlyOnce(ids)
        _ = firstInode  // ext4 rarely hands the same inode back at once; the next test forces reuse
    }

    /// The same inode with other content (overwritten in place while the descriptor was closed
    /// by the open-file limit) is recognised by its first line, and a grown file by size and mtime.
    @Test func sameInodeWithNewContentAndOpenFileLimit() throws {
        var config = IngestConfiguration(goneFileGraceRounds: 0)
        config.maxOpenFiles = 0
        let h = Harness(config)
        let w = h.writer(idPrefix: "first")
        var ids = (0..<3).map { _ in w.appendRecord() }
        let original = inode(h.path("app.log"))
        let p = h.pipeline("app.log")
        try p.pollOnce()
        #expect(p.snapshot.filesWatched == 0, "closed: idle and over the limit")
        ids += [w.appendRecord()]
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        let other = h.writer("other.log", idPrefix: "other")
        ids += (0..<5).map { _ in other.appendRecord() }
        try ProcessRunner.run("/bin/cp", [h.path("other.log"), h.path("app.log")])  // O_TRUNC: same inode
        #expect(inode(h.path("app.log")) == original)
        try p.pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(h.sink.checkpoints.count == 2)
    }
}

@Suite struct DeletedFileTests {
    /// Issue 18, item 6: a file deleted while its writer keeps appending is read for as long as it grows (those lines
    /// exist nowhere else), and closed once it has been quiet for the grace rounds.
    @Test func aDeletedFileStillBeingWrittenIsReadToTheEnd() throws {
        let h = Harness(IngestConfiguration(goneFileGraceRounds: 3))
        let w = h.writer()
        var ids = (0..<3).map { _ in w.appendRecord() }
        let p = h.pipeline("*.log")
        try p.pollOnce()
        removeFile(h.path("app.log"))
        for _ in 0..<12 {
            ids += (0..<5).map { _ in w.appendRecord() }
            try p.pollOnce()
        }
        h.expectStoredExactlyOnce(ids)
        #expect(p.snapshot.filesWatched == 1)
        for _ in 0..<5 { try p.pollOnce() }
        #expect(p.snapshot.filesWatched == 0)
        h.expectStoredExactlyOnce(ids)
    }
}
