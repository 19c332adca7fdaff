import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing

@Suite("Mostly dead-lettered files")
struct DeadLetterShareTests {
    @Test("a tailed file is reported once at least 20 of its first lines show more than half dead-lettered")
    func tailedFileReportedEarlyAndOnce() throws {
        let h = Harness()
        let writer = h.writer()
        for i in 0..<15 { writer.appendLine(#"{"id":"x\#(i)"}"#) }
        let pipeline = h.pipeline("app.log")
        try pipeline.pollOnce()
        #expect(pipeline.mostlyDeadLettered.isEmpty, "judged on fewer than 20 lines")
        for i in 0..<105 { writer.appendLine(#"{"id":"y\#(i)"}"#) }
        try pipeline.pollOnce()
        let warning = try #require(pipeline.mostlyDeadLettered.first)
        #expect(pipeline.mostlyDeadLettered.count == 1)
        #expect(warning.path == h.path("app.log"))
        #expect(warning.lines == 120 && warning.deadLetters == 120)
        #expect(warning.firstReason == #"field "request_id": required field is missing"#)
        for _ in 0..<2000 { writer.appendLine(#"{"id":"z"}"#) }
        try pipeline.pollOnce()
        #expect(pipeline.mostlyDeadLettered.count == 1, "reported once")
    }

    @Test("only the first 1,000 lines count, and half or fewer dead-lettered is no warning")
    func onlyTheFirstThousandLinesCount() throws {
        let h = Harness()
        let writer = h.writer()
        for _ in 0..<1000 { writer.appendRecord() }
        for i in 0..<3000 { writer.appendLine(#"{"id":"x\#(i)"}"#) }
        let halves = h.writer("halves.log", idPrefix: "half")
        for i in 0..<200 { if i % 2 == 0 { halves.appendRecord() } else { halves.appendLine("{}") } }
        let result = try IngestPipeline.backfill(paths: [h.path("app.log"), h.path("halves.log")], sink: h.sink)
        #expect(result.deadLetters == 3100)
        #expect(result.mostlyDeadLettered.isEmpty)
    }

    @Test("a backfill judges short files too")
    func backfillJudgesShortFiles() throws {
        let h = Harness()
        let writer = h.writer()
        writer.appendRecord()
        writer.appendLine("not json")
        writer.appendLine("[]")
        let result = try IngestPipeline.backfill(paths: [h.path("app.log")], sink: h.sink)
        #expect(result.mostlyDeadLettered.map(\.deadLetters) == [2])
        #expect(result.mostlyDeadLettered.first?.message.contains("2 of the first 3 lines were dead-lettered") == true)
    }
}
