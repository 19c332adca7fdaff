import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing

/// A source read through a field mapping keeps the tailer's guarantees: identity, checkpoints, rotation, gzip.
@Suite struct MappedSourceTests {
    static let decoder = MappedRecordDecoder(mapping: FieldMapping(
        fields: [.init(target: "request_id", source: "id"), .init(target: "timestamp", source: "ts"), .init(target: "task", source: "kind")],
        timestampUnit: .seconds))

    @Test func restartRotationAndGzipReadEveryMappedLineOnce() throws {
        let h = Harness()
        var ids: [String] = []
        var next = 0
        func append(_ writer: LogWriter, _ count: Int) {
            for _ in 0..<count {
                writer.appendLine(#"{"id":"svc-\#(next)","ts":\#(1_764_064_800 + next),"kind":"refund","extra":{"n":\#(next)}}"#)
                ids.append("svc-\(next)")
                next += 1
            }
        }
        func pipeline() -> IngestPipeline {
            IngestPipeline(patterns: [h.path("app.log*")], sink: h.sink, configuration: h.configuration, lineDecoder: Self.decoder)
        }
        let writer = h.writer()
        append(writer, 30)
        try pipeline().pollOnce()
        append(writer, 20)  // written before the rotation, read after the restart from the renamed file
        renameFile(h.path("app.log"), h.path("app.log.1"))
        writer.reopen()
        append(writer, 25)
        let restarted = pipeline()
        try restarted.pollOnce()
        h.expectStoredExactlyOnce(ids)
        // Compressing the rotated file gives it no new identity: nothing is read again.
        _ = try ProcessRunner.shell("gzip \(h.path("app.log.1"))")
        append(writer, 5)
        try restarted.pollOnce()
        try pipeline().pollOnce()
        h.expectStoredExactlyOnce(ids)
        #expect(h.sink.deadLetters.isEmpty)
        let first = try #require(h.sink.records.first { $0.record.requestID == "svc-0" })
        #expect(first.record.task == "refund")
        #expect(first.record.timestampMicros == 1_764_064_800_000_000)
        #expect(String(decoding: first.raw, as: UTF8.self).contains(#""extra":{"n":0}"#))
    }
}
