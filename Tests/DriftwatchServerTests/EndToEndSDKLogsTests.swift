import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
import DriftwatchServer
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// The real OpenTelemetry Python SDK exports spans and GenAI events (log records) to the running receiver,
/// with its protobuf and its JSON OTLP/HTTP exporters; the stored records must carry the events' outcomes.
@Suite(.serialized) struct EndToEndSDKLogsTests {
    static let modules: [String: [String]] = [
        "protobuf": ["opentelemetry.sdk._logs", "opentelemetry.exporter.otlp.proto.http._log_exporter"],
        "json": ["opentelemetry.sdk._logs", "opentelemetry.exporter.otlp.json.http._log_exporter"],
    ]

    @Test(arguments: ["protobuf", "json"])
    func pythonSDKEventsLandOnTheRecordsOfTheirTraces(encoding: String) async throws {
        if let missing = await PythonScript.missing(modules: Self.modules[encoding]!) {
            Issue.record(Comment(rawValue: missing + " (and opentelemetry-exporter-otlp-json-http for JSON)"))
            return
        }
        // Events and spans arrive within moments of each other; an orphan waits max_wait before it is dead-lettered.
        var config = OTLPReceiverConfiguration(bearerToken: "e2e-token", assembly: .init(wait: .seconds(2), maxWait: .seconds(4)), flushInterval: .milliseconds(50))
        config.port = 0
        try await ReceiverHarness.run(config) { h in
            let result = try await PythonScript.run(script: "emit_genai_events.py", arguments: ["http://127.0.0.1:\(h.client.port)", "e2e-token", encoding])
            try #require(result.status == 0, Comment(rawValue: "emit_genai_events.py failed: \(result.stderr.suffix(2000))"))
            #expect(!result.stderr.contains("Failed to export"), Comment(rawValue: result.stderr.suffix(2000).description))
            let sent = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let expected = sent["records"] as! [[String: Any]]
            #expect(try await h.waitForRecords(Int64(expected.count), timeout: .seconds(30)) == Int64(expected.count))
            let stored = try h.storedRecords()
            for want in expected {
                let id = want["request_id"] as! String
                guard let got = stored[id] else { Issue.record("no stored record for \(id)"); continue }
                JSONComparison.expectEqual(got["validation"] ?? [Any](), want["validation"], path: "\(id).validation")
                if let feedback = want["feedback"] as? [String: Any] {
                    JSONComparison.expectEqual(got["feedback"], feedback, path: "\(id).feedback")
                } else {
                    #expect(got["feedback"] == nil, "\(id) has no feedback")
                }
                #expect((got["model"] as? [String: Any])?["name"] as? String == want["model"] as? String, "\(id).model")
                JSONComparison.expectEqual(got["tokens"], want["tokens"], path: "\(id).tokens")
            }
            // The untraced event at once, the orphan at max_wait: both dead letters, nothing else.
            let deadline = ContinuousClock.now + .seconds(30)
            while try h.store.deadLetters().count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let letters = try h.store.deadLetters().map(\.letter)
            #expect(letters.map(\.code).sorted() == ["otlp_log_no_trace", "otlp_log_orphan"])
            #expect(letters.first { $0.code == "otlp_log_orphan" }?.fingerprint == "otlp-log-\(sent["orphan_trace"] as! String)")
            let value = { (result: String) in h.metrics.registry.value("driftwatch_otlp_log_records_total", labels: [result]) }
            #expect(value("joined") == 7)  // 1 + 2 + 2 + 2 events on the four traces (see the script's CASES)
            #expect(value("ignored") == 4 && value("no_trace") == 1 && value("orphaned") == 1)
            #expect(try h.store.countRecords() == Int64(expected.count))
            #expect((h.metrics.registry.value("driftwatch_otlp_requests_total", labels: ["200", encoding]) ?? 0) >= 4)
        }
    }
}
