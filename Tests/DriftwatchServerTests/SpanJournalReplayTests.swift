import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
@testable import DriftwatchServer
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// An acknowledged request must survive the process: only what is in the SQLite file outlives a
/// crash, so a pipeline dropped without flushing stands for `kill -9` after the 200 was sent.
@Suite struct SpanJournalReplayTests {
    static let configuration = OTLPReceiverConfiguration(assembly: .init(wait: .seconds(60), maxWait: .seconds(120)))

    static func pipeline(_ store: SQLiteStore) -> OTLPIngestPipeline {
        var logger = Logger(label: "test.journal")
        logger.logLevel = .warning
        return OTLPIngestPipeline(configuration: configuration, sink: store, journal: store, metrics: SidecarMetrics(), logger: logger)
    }

    @Test func acknowledgedSpansAreReplayedAfterACrashAndStoredOnce() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let body = try ReceiverHarness.fixture("three_conventions.pb")
        let spans = try OTLPProtobufDecoder().decode(body).spans

        do {
            let store = try SQLiteStore(path: path)
            let crashed = Self.pipeline(store)
            try await crashed.accept(spans, encoding: "protobuf", body: body)
            #expect(try store.countRecords() == 0, "still waiting for more spans of the traces")
            #expect(try store.spanJournalCounts().traces == 3)
        }  // the pipeline and the connection are gone without a flush

        let store = try SQLiteStore(path: path)
        let restarted = Self.pipeline(store)
        #expect(try restarted.replayJournal() == spans.count)
        restarted.flushAll()
        #expect(try store.requestIDs().sorted() == ["0af7651916cd43dd8448eb211c80319c", "2cf7651916cd43dd8448eb211c80319e", "req-oi-1"])
        #expect(try store.spanJournalCounts().entries == 0)

        // Nothing is left to replay, and a second restart stores nothing twice.
        let again = Self.pipeline(store)
        #expect(try again.replayJournal() == 0)
        again.flushAll()
        #expect(try store.countRecords() == 3)
    }

    @Test func aTraceStoredBeforeTheCrashIsNotReplayed() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("store.sqlite"))
        let body = try ReceiverHarness.fixture("three_conventions.pb")
        let spans = try OTLPProtobufDecoder().decode(body).spans
        let first = Self.pipeline(store)
        try await first.accept(spans, encoding: "protobuf", body: body)
        first.flushAll()
        #expect(try store.countRecords() == 3)
        #expect(try Self.pipeline(store).replayJournal() == 0)
    }

    @Test func aJournaledRequestThatNoLongerDecodesIsDeadLetteredNotLost() throws {
        let store = try SQLiteStore(path: ":memory:")
        let body = Array("{\"resourceSpans\": [".utf8)
        let id = try store.appendSpanJournal(encoding: "json", body: body, traceIDs: [[7, 7]], receivedAtMicros: 1)
        #expect(try Self.pipeline(store).replayJournal() == 0)
        #expect(try store.openSpanJournalEntries().isEmpty)
        let letter = try #require(try store.deadLetters().first?.letter)
        #expect(letter.source == "otlp-journal" && letter.fingerprint == "otlp-journal-\(id)")
        #expect(letter.code.hasPrefix("otlp_"))
        #expect(letter.raw == body)
    }
}
