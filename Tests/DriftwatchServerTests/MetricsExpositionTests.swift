import DriftwatchMetrics
import Foundation
import Testing

@Suite struct MetricsExpositionTests {
    /// Fills every sidecar metric, including label values that need escaping.
    static func populated() -> SidecarMetrics {
        let m = SidecarMetrics()
        m.filesWatched.set(3)
        m.bytesRead.increment(by: 123_456_789)
        m.recordsRead.increment(by: 1000, labels: ["file"])
        m.deadLetters.increment(by: 2, labels: ["invalid_json"])
        m.ingestLagSeconds.set(0.25)
        m.openIncidents.set(1, labels: ["model"])
        m.openIncidents.set(2, labels: ["tool \"refund\"\\path\nnext"])
        m.driftFlags.set(1, labels: ["retrieval.top_score"])
        m.alertOutboxDepth.set(4, labels: ["oncall"])
        m.alertSendFailures.increment(labels: ["webhook"])
        m.otlpRequests.increment(labels: ["200", "protobuf"])
        m.analysisRecords.increment(by: 5, labels: ["future"])
        m.analysisLateRecords.increment(by: 3)
        return m
    }

    @Test func prometheusClientParsesTheExposition() async throws {
        if let missing = await PythonScript.missing(modules: ["prometheus_client"]) {
            Issue.record(Comment(rawValue: missing))
            return
        }
        let text = Self.populated().render()
        let r = try await PythonScript.run(script: "parse_metrics.py", stdin: text, timeout: 60)
        try #require(r.status == 0, Comment(rawValue: "parser rejected the exposition: \(r.stderr.suffix(1500))\n\(text)"))
        let samples = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[Any]]
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { ($0[0] as? String) == name && ($0[1] as? [String: String]) == labels }.flatMap { ($0[2] as? NSNumber)?.doubleValue }
        }
        #expect(value("driftwatch_files_watched") == 3)
        #expect(value("driftwatch_ingest_bytes_read_total") == 123_456_789)
        #expect(value("driftwatch_ingest_records_total", ["source": "file"]) == 1000)
        #expect(value("driftwatch_ingest_lag_seconds") == 0.25)
        #expect(value("driftwatch_open_incidents", ["component": "tool \"refund\"\\path\nnext"]) == 2)
        #expect(value("driftwatch_alert_send_failures_total", ["receiver": "webhook"]) == 1)
        #expect(value("driftwatch_otlp_pending_traces") == 0)
        #expect(value("driftwatch_analysis_records_total", ["outcome": "future"]) == 5)
        #expect(value("driftwatch_analysis_late_records_total") == 3)
        let counterTypes = samples.filter { ($0[0] as? String)?.hasSuffix("_total") == true }.compactMap { $0[3] as? String }
        #expect(!counterTypes.isEmpty && counterTypes.allSatisfy { $0 == "counter" })
    }
}
