import DriftwatchCore
import DriftwatchMetrics
import DriftwatchTesting
import Foundation
import Testing

/// `/metrics` of the real `driftwatch run`, parsed by prometheus_client: every declared family has a sample
/// right after start, nothing undeclared is exposed, and docs/metrics.md lists them all.
@Suite("Metrics end to end", .serialized)
struct MetricsEndToEndTests {
    /// prometheus_client's parser over `text`: [(name, labels, value)].
    static func parse(_ text: String, in dir: TemporaryDirectory) throws -> [(name: String, labels: [String: String], value: Double)] {
        let input = dir.file("metrics-\(UUID().uuidString).txt")
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        let script = DriftwatchExecutable.packageRoot.appendingPathComponent("Tests/DriftwatchServerTests/Scripts/parse_metrics.py").path
        let out = try ProcessRunner.shell("python3 '\(script)' < '\(input)'")
        let rows = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [[Any]]
        return rows.map { row in
            (row[0] as! String, row[1] as! [String: String], (row[2] as? NSNumber)?.doubleValue ?? .nan)
        }
    }

    @Test("every declared family has a sample right after start; dead letters by code and the last ingest follow")
    func everyDeclaredSeriesIsExposed() async throws {
        let dir = TemporaryDirectory()
        let root = URL(fileURLWithPath: dir.path)
        let log = dir.file("requests.log")
        let record = RequestRecord(requestID: "r1", timestampMicros: WallClock.nowMicros(), service: "svc", task: "answer",
                                   model: ModelInfo(name: "m", version: "1"), template: TemplateInfo(id: "t", version: "1"), outcome: .success)
        try "".write(toFile: log, atomically: true, encoding: .utf8)
        let port = try OTLPCrashRecoveryTests.freePort()
        let config = root.appendingPathComponent("driftwatch.yaml")
        try """
            database: \(dir.file("db.sqlite"))
            sources:
              - paths: ["\(log)"]
            server:
              listen: 127.0.0.1:\(port)
            alerts:
              receivers:
                - name: ops
                  webhook: { url: "http://127.0.0.1:9/hook" }
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = try await OTLPCrashRecoveryTests.start(config: config, port: port, directory: root)

        let text = try await HTTPTestClient(port: port).request("GET", "/metrics").text
        let samples = try Self.parse(text, in: dir)
        let declared = SidecarMetrics.declarations
        for d in declared {
            let mine = samples.filter { $0.name == d.name }
            #expect(!mine.isEmpty, "\(d.name) has no sample at start:\n\(text)")
            #expect(mine.allSatisfy { Set($0.labels.keys) == Set(d.labels) }, "\(d.name) labels: \(mine.map(\.labels))")
        }
        let undeclared = Set(samples.map(\.name)).subtracting(declared.map(\.name))
        #expect(undeclared.isEmpty, "exposed but not declared: \(undeclared.sorted())")
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        // Closed and configured label sets start at zero.
        for code in SidecarMetrics.deadLetterCodes { #expect(value("driftwatch_ingest_dead_letters_total", ["code": code]) == 0) }
        for component in ["retrieval", "tools", "wrapper", "model", "traffic"] {
            #expect(value("driftwatch_open_incidents", ["component": component]) == 0)
        }
        #expect(value("driftwatch_alert_outbox_depth", ["receiver": "ops"]) == 0)
        #expect(value("driftwatch_alert_send_failures_total", ["receiver": "ops"]) == 0)
        #expect(value("driftwatch_last_ingest_timestamp_seconds") == 0)
        #expect(samples.contains { $0.name == "driftwatch_build_info" && $0.value == 1 })

        // A bad line and a good one: counted by code, and the last ingest time moves.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.write(contentsOf: Data("{not json\n".utf8) + RecordEncoder().encode(record) + Data("\n".utf8))
        try handle.close()
        let started = Date().timeIntervalSince1970
        var after: [(name: String, labels: [String: String], value: Double)] = []
        let deadline = Date().addingTimeInterval(120)
        repeat {
            try await Task.sleep(for: .milliseconds(200))
            after = try Self.parse(try await HTTPTestClient(port: port).request("GET", "/metrics").text, in: dir)
        } while Date() < deadline && !(after.contains { $0.name == "driftwatch_ingest_records_total" && $0.labels == ["source": "file"] && $0.value == 1 }
                                        && after.contains { $0.name == "driftwatch_ingest_dead_letters_total" && $0.labels == ["code": "invalid_json"] && $0.value == 1 })
        run.signal(SIGTERM)
        #expect(await run.wait(timeout: 30) == 0)
        func later(_ name: String, _ labels: [String: String] = [:]) -> Double? { after.first { $0.name == name && $0.labels == labels }?.value }
        #expect(later("driftwatch_ingest_dead_letters_total", ["code": "invalid_json"]) == 1)
        #expect(later("driftwatch_ingest_dead_letters_total", ["code": "missing_field"]) == 0)
        #expect(later("driftwatch_ingest_records_total", ["source": "file"]) == 1)
        let lastIngest = try #require(later("driftwatch_last_ingest_timestamp_seconds"))
        #expect(lastIngest >= started - 5 && lastIngest <= Date().timeIntervalSince1970 + 5, "\(lastIngest) vs \(started)")
    }

    @Test("docs/metrics.md documents exactly the declared families")
    func documented() throws {
        let doc = try String(contentsOf: DriftwatchExecutable.packageRoot.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        let rows = Set(doc.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `driftwatch_") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "`" })
        })
        #expect(rows == Set(SidecarMetrics.declarations.map(\.name)))
    }
}
