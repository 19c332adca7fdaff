import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
@testable import DriftwatchServer
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// `POST /v1/logs` over HTTP: GenAI events (fixtures from Tests/DriftwatchOTLPTests/Fixtures/make_log_fixtures.py,
/// for the traces of three_conventions.*) join their traces whichever arrives first; the rest follows the
/// documented rules (docs/otlp-mapping.md, "OTLP logs").
@Suite(.serialized) struct LogReceiverTests {
    static let genAI = "0af7651916cd43dd8448eb211c80319c"
    static let traceloop = "2cf7651916cd43dd8448eb211c80319e"

    /// What the fixture's events must have changed, checked on the stored (canonical v1 JSON) records.
    static func expectEventsLanded(_ h: ReceiverHarness) throws {
        let records = try h.storedRecords()
        let genAI = try #require(records[genAI])
        let checks = (genAI["validation"] as? [[String: Any]] ?? []).map { "\($0["check"] ?? "")|\($0["passed"] ?? "")|\($0["reason"] ?? "")" }
        #expect(checks == [
            "groundedness|1|pass", "relevance|0|off topic",  // span events of the trace
            "relevance|0|answers another question",  // gen_ai.evaluation.result log record
            "guardrail:pii-v2|0|email address in output",  // gen_ai.guardrail.result log record
        ])
        // The key-value body of the traceloop trace's event: feedback.
        let feedback = try #require(records[traceloop]?["feedback"] as? [String: Any])
        #expect(feedback["score"] as? Double == -1 && feedback["source"] as? String == "user_feedback")
        // The OpenInference spans name their model and tokens: the inference details event does not override them.
        let oi = try #require(records["req-oi-1"])
        #expect((oi["model"] as? [String: Any])?["name"] as? String == "claude-3-5-sonnet")
        #expect((oi["tokens"] as? [String: Any])?["input"] as? Int == 500)
    }

    @Test(arguments: [(true, "protobuf"), (false, "protobuf"), (true, "json"), (false, "json")])
    func eventsJoinTheirTracesWhicheverArrivesFirst(logsFirst: Bool, encoding: String) async throws {
        var config = OTLPReceiverConfiguration(assembly: .init(wait: .seconds(2), maxWait: .seconds(30)), flushInterval: .milliseconds(20))
        config.port = 0
        let ext = encoding == "protobuf" ? "pb" : "json"
        let headers = ["Content-Type": encoding == "protobuf" ? "application/x-protobuf" : "application/json", "Content-Encoding": "gzip"]
        try await ReceiverHarness.run(config) { h in
            let logs = gzip(try ReceiverHarness.fixture("genai_events.\(ext)"))
            let spans = gzip(try ReceiverHarness.fixture("three_conventions.\(ext)"))
            let order = logsFirst ? [("/v1/logs", logs), ("/v1/traces", spans)] : [("/v1/traces", spans), ("/v1/logs", logs)]
            for (path, body) in order {
                let r = try await h.client.request("POST", path, headers: headers, body: body)
                #expect(r.status == 200, "\(path): \(r.text)")
                #expect(encoding == "protobuf" ? r.body.isEmpty : r.text == "{}")
            }
            #expect(try await h.waitForRecords(3, timeout: .seconds(30)) == 3)
            try Self.expectEventsLanded(h)
            // The event without a trace id is a dead letter, the plain log line is ignored; nothing is pending.
            let letters = try h.store.deadLetters().map(\.letter)
            #expect(letters.map(\.code) == ["otlp_log_no_trace"])
            #expect(letters.first?.source == "otlp-logs")
            let raw = String(decoding: letters.first?.raw ?? [], as: UTF8.self)
            #expect(raw.contains("\"toxicity\""))
            let value = { (result: String) in h.metrics.registry.value("driftwatch_otlp_log_records_total", labels: [result]) }
            #expect(value("joined") == 4 && value("ignored") == 1 && value("no_trace") == 1 && value("orphaned") == 0)
            #expect(try h.store.spanJournalCounts().entries == 0)
        }
    }

    @Test func anEventWhoseTraceNeverArrivesIsDeadLetteredAtMaxWait() async throws {
        var config = OTLPReceiverConfiguration(assembly: .init(wait: .milliseconds(100), maxWait: .milliseconds(500)), flushInterval: .milliseconds(20))
        config.port = 0
        try await ReceiverHarness.run(config) { h in
            let r = try await h.client.request("POST", "/v1/logs", headers: ["Content-Type": "application/x-protobuf"], body: try ReceiverHarness.fixture("genai_events.pb"))
            #expect(r.status == 200)
            let deadline = ContinuousClock.now + .seconds(30)
            while try h.store.deadLetters().count < 5, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let letters = try h.store.deadLetters().map(\.letter)
            #expect(letters.filter { $0.code == "otlp_log_orphan" }.count == 4)
            #expect(letters.filter { $0.code == "otlp_log_no_trace" }.count == 1)
            let orphan = try #require(letters.first { $0.code == "otlp_log_orphan" && $0.fingerprint == "otlp-log-\(Self.genAI)" })
            #expect(orphan.reason.contains("trace \(Self.genAI)") && orphan.reason.contains("max_wait"))
            #expect(try h.store.countRecords() == 0)
            #expect(try h.store.spanJournalCounts().entries == 0)
            #expect(h.metrics.registry.value("driftwatch_otlp_log_records_total", labels: ["orphaned"]) == 4)
            // The exporter retries the same request: the same events are not stored twice.
            #expect(try await h.client.request("POST", "/v1/logs", headers: ["Content-Type": "application/x-protobuf"], body: try ReceiverHarness.fixture("genai_events.pb")).status == 200)
            let again = ContinuousClock.now + .seconds(30)
            while try h.store.spanJournalCounts().entries > 0 || h.metrics.registry.value("driftwatch_otlp_log_records_total", labels: ["orphaned"]) ?? 0 < 8,
                  ContinuousClock.now < again { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try h.store.deadLetters().count == 5)
        }
    }

    @Test func rejectedLogRequestsGetTheSameAnswersAsTraces() async throws {
        var config = OTLPReceiverConfiguration(bearerToken: "s3cret", maxRequestBytes: 8 * 1024, assembly: .init(wait: .zero))
        config.port = 0
        try await ReceiverHarness.run(config) { h in
            let pb = try ReceiverHarness.fixture("genai_events.pb")
            let auth = ["Authorization": "Bearer s3cret"]
            let protobuf = auth.merging(["Content-Type": "application/x-protobuf"]) { $1 }
            let json = auth.merging(["Content-Type": "application/json"]) { $1 }
            func post(_ headers: [String: String], _ body: [UInt8]) async throws -> HTTPTestClient.Response {
                try await h.client.request("POST", "/v1/logs", headers: headers, body: body)
            }
            let unauthorized = try await post(["Content-Type": "application/x-protobuf"], pb)
            #expect(unauthorized.status == 401 && unauthorized.headers["www-authenticate"] == "Bearer")
            #expect(try await post(auth.merging(["Content-Type": "text/plain"]) { $1 }, pb).status == 415)
            #expect(try await post(json, [UInt8](repeating: 0x20, count: 9 * 1024)).status == 413)
            let truncated = try await post(protobuf, Array(pb.prefix(pb.count / 2)))
            #expect(truncated.status == 400 && truncated.text.contains("truncated"))
            let wrongType = try await post(json, Array(#"{"resourceLogs": {}}"#.utf8))
            #expect(wrongType.status == 400 && wrongType.text.contains("resourceLogs: expected an array"))
            let badID = try await post(json, Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"eventName":"gen_ai.evaluation.result","traceId":"0af765"}]}]}]}"#.utf8))
            #expect(badID.status == 400 && badID.text.contains("trace_id must be 16 bytes"))
            #expect(try await post(json.merging(["Content-Encoding": "gzip"]) { $1 }, [0x1f, 0x8b, 1, 2]).status == 400)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try h.store.summary().deadLetters == 0)
            #expect(try h.store.spanJournalCounts().entries == 0)
            #expect(try await post(protobuf, pb).status == 200)
        }
    }
}

/// Acknowledged events survive the process like acknowledged spans (see ``SpanJournalReplayTests``).
@Suite struct LogJournalReplayTests {
    static func pipeline(_ store: SQLiteStore) -> OTLPIngestPipeline {
        SpanJournalReplayTests.pipeline(store)
    }

    static func logs() throws -> ([OTLPLogRecord], [UInt8]) {
        let body = try ReceiverHarness.fixture("genai_events.pb")
        return (try OTLPProtobufDecoder().decodeLogs(body).logRecords, body)
    }

    static func spans() throws -> ([OTLPSpan], [UInt8]) {
        let body = try ReceiverHarness.fixture("three_conventions.pb")
        return (try OTLPProtobufDecoder().decode(body).spans, body)
    }

    @Test func eventsAcknowledgedBeforeACrashJoinSpansThatComeAfterTheRestart() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let (logs, logBody) = try Self.logs()
        do {
            let store = try SQLiteStore(path: path)
            try await Self.pipeline(store).accept(logs: logs, encoding: "protobuf", body: logBody)
            #expect(try store.spanJournalCounts().traces == 3)
            #expect(try store.deadLetters().map(\.letter.code) == ["otlp_log_no_trace"], "stored before the 200")
        }  // kill -9: no flush
        let store = try SQLiteStore(path: path)
        let restarted = Self.pipeline(store)
        #expect(try restarted.replayJournal() == 4)
        let (spans, spanBody) = try Self.spans()
        try await restarted.accept(spans, encoding: "protobuf", body: spanBody)
        restarted.flushAll()
        #expect(try store.countRecords() == 3)
        let record = try #require(try store.rawRecords().map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
            .first { $0["request_id"] as? String == LogReceiverTests.genAI })
        #expect((record["validation"] as? [[String: Any]])?.map { $0["check"] as? String } == ["groundedness", "relevance", "relevance", "guardrail:pii-v2"])
        #expect(try store.spanJournalCounts().entries == 0)
        #expect(try store.deadLetters().count == 1, "the untraced event was not journaled, so not stored twice")
        #expect(try Self.pipeline(store).replayJournal() == 0)
    }

    @Test func spansAndEventsAcknowledgedBeforeACrashAreJoinedAfterIt() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let (logs, logBody) = try Self.logs()
        let (spans, spanBody) = try Self.spans()
        do {
            let store = try SQLiteStore(path: path)
            let crashed = Self.pipeline(store)
            try await crashed.accept(spans, encoding: "protobuf", body: spanBody)
            try await crashed.accept(logs: logs, encoding: "protobuf", body: logBody)
            #expect(try store.countRecords() == 0)
        }
        let store = try SQLiteStore(path: path)
        let restarted = Self.pipeline(store)
        #expect(try restarted.replayJournal() == spans.count + 4)
        restarted.flushAll()
        #expect(try store.countRecords() == 3)
        let records = try store.rawRecords().map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
        let traceloop = try #require(records.first { $0["request_id"] as? String == LogReceiverTests.traceloop })
        #expect((traceloop["feedback"] as? [String: Any])?["source"] as? String == "user_feedback")
        #expect(try store.spanJournalCounts().entries == 0)
        #expect(try store.deadLetters().count == 1)
    }

    @Test func orphanedEventsAreDeadLetteredOnceAcrossARestart() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let (logs, logBody) = try Self.logs()
        let store = try SQLiteStore(path: path)
        let first = Self.pipeline(store)
        try await first.accept(logs: logs, encoding: "protobuf", body: logBody)
        first.flushAll()  // shutdown: the events' traces never came
        #expect(try store.deadLetters().filter { $0.letter.code == "otlp_log_orphan" }.count == 4)
        #expect(try store.spanJournalCounts().entries == 0)
        // The same request again (an exporter's retry) and a restart store nothing twice.
        let second = Self.pipeline(store)
        #expect(try second.replayJournal() == 0)
        try await second.accept(logs: logs, encoding: "protobuf", body: logBody)
        second.flushAll()
        #expect(try store.deadLetters().count == 5)
    }

    @Test func aJournaledLogsRequestThatNoLongerDecodesIsDeadLettered() throws {
        let store = try SQLiteStore(path: ":memory:")
        let body = Array("{\"resourceLogs\": [".utf8)
        _ = try store.appendSpanJournal(encoding: "logs/json", body: body, traceIDs: [[7, 7]], receivedAtMicros: 1)
        #expect(try Self.pipeline(store).replayJournal() == 0)
        #expect(try store.openSpanJournalEntries().isEmpty)
        let letter = try #require(try store.deadLetters().first?.letter)
        #expect(letter.source == "otlp-journal" && letter.raw == body && letter.code.hasPrefix("otlp_"))
    }
}
