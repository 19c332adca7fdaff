import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
import DriftwatchServer
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// The real OpenTelemetry Python SDK exports to the running receiver; the stored records must
/// match, field by field, what the script says it sent. CI installs the packages; a machine
/// without them fails here with the pip command to run.
@Suite(.serialized) struct EndToEndSDKTests {
    @Test func pythonSDKTracesBecomeTheRecordsItSent() async throws {
        if let missing = await PythonScript.missing(modules: ["opentelemetry.sdk", "opentelemetry.exporter.otlp.proto.http"]) {
            Issue.record(Comment(rawValue: missing))
            return
        }
        var config = OTLPReceiverConfiguration(bearerToken: "e2e-token", assembly: .init(wait: .milliseconds(300), maxWait: .seconds(20)), flushInterval: .milliseconds(50))
        config.port = 0
        try await ReceiverHarness.run(config) { h in
            let result = try await PythonScript.run(script: "emit_traces.py", arguments: ["http://127.0.0.1:\(h.client.port)/v1/traces", "e2e-token"])
            try #require(result.status == 0, Comment(rawValue: "emit_traces.py failed: \(result.stderr.suffix(2000))"))
            let sent = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let expected = sent["records"] as! [[String: Any]]
            #expect(sent["spans"] as? Int == 15)
            #expect(try await h.waitForRecords(Int64(expected.count)) == Int64(expected.count))
            try await Task.sleep(for: .milliseconds(500))  // nothing more may arrive (no split records)
            #expect(try h.store.countRecords() == Int64(expected.count))
            // Spans came in batches of two, so traces were joined across requests.
            #expect((h.metrics.registry.value("driftwatch_otlp_requests_total", labels: ["200", "protobuf"]) ?? 0) >= 7)
            let stored = try h.storedRecords()
            for var want in expected {
                let id = want["request_id"] as! String
                guard let got = stored[id] else { Issue.record("no stored record for \(id)"); continue }
                let micros = (want.removeValue(forKey: "timestamp_micros") as! NSNumber).int64Value
                want["timestamp"] = RFC3339.format(micros: micros)
                JSONComparison.expectEqual(got, want, path: id)
            }
        }
    }
}

/// Field-by-field comparison of decoded JSON, numbers within 1e-9 relative.
enum JSONComparison {
    static func expectEqual(_ got: Any?, _ want: Any?, path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch (got, want) {
        case let (g as [String: Any], w as [String: Any]):
            #expect(Set(g.keys) == Set(w.keys), "keys differ at \(path)", sourceLocation: sourceLocation)
            for (k, wv) in w { expectEqual(g[k], wv, path: "\(path).\(k)", sourceLocation: sourceLocation) }
        case let (g as [Any], w as [Any]):
            #expect(g.count == w.count, "array length differs at \(path)", sourceLocation: sourceLocation)
            for (i, (gv, wv)) in zip(g, w).enumerated() { expectEqual(gv, wv, path: "\(path)[\(i)]", sourceLocation: sourceLocation) }
        case let (g as String, w as String):
            #expect(g == w, "at \(path)", sourceLocation: sourceLocation)
        case let (g as NSNumber, w as NSNumber):
            // Booleans are NSNumbers too (0/1), so one numeric comparison covers both.
            let a = g.doubleValue, b = w.doubleValue
            #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "at \(path): \(a) != \(b)", sourceLocation: sourceLocation)
        default:
            Issue.record("at \(path): \(String(describing: got)) != \(String(describing: want))", sourceLocation: sourceLocation)
        }
    }
}
