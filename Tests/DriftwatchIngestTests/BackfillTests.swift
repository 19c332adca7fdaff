import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing

@Suite struct BackfillTests {
    @Test func readsPlainAndGzipFilesToTheirEnd() throws {
        let h = Harness()
        let a = h.writer("a.log", idPrefix: "a")
        let b = h.writer("b.log", idPrefix: "b")
        var ids = (0..<300).map { _ in a.appendRecord() } + (0..<200).map { _ in b.appendRecord() }
        a.appendLine("nope")
        b.append(LogWriter.recordLine(id: "gz-last"))  // complete gzip: consumed
        try ProcessRunner.run("/usr/bin/gzip", [h.path("b.log")])
        a.append(LogWriter.recordLine(id: "plain-partial"))  // plain: left for later
        ids.append("gz-last")

        var config = IngestConfiguration()
        config.batchMaxRecords = 64
        var reports: [BackfillProgress] = []
        let result = try IngestPipeline.backfill(
            paths: [h.path("a.log"), h.path("b.log.gz")], sink: h.sink, configuration: config
        ) { reports.append($0) }
        h.expectStoredExactlyOnce(ids)
        #expect(result.files == 2)
        #expect(result.records == 501)
        #expect(result.inserted == 501)
        #expect(result.deadLetters == 1)
        #expect(result.filesWithPartialLastLine == [h.path("a.log")])
        #expect(reports.count >= 501 / 64)
        #expect(reports.last?.bytes == reports.last?.totalBytes)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.records <= $1.records && $0.bytes <= $1.bytes })

        // A second backfill of the same files reads nothing again.
        let again = try TailerService<ContinuousClock>.backfill(paths: [h.path("a.log"), h.path("b.log.gz")], sink: h.sink)
        #expect(again.records == 0)
        #expect(again.duplicates == 0)
    }

    @Test func missingPathIsAnError() {
        let h = Harness()
        #expect(throws: DriftwatchError.self) {
            try IngestPipeline.backfill(paths: [h.path("absent.log")], sink: h.sink)
        }
    }
}
