import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// The real `driftwatch alerts dispatch` process: a new incident in the store becomes one signed webhook,
/// exactly once by id, across a `kill -9` between the outbox write and the delivery.
@Suite(.serialized) struct DispatcherProcessTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    static func writeConfig(_ directory: TemporaryDirectory, port: Int) throws -> String {
        try FileManager.default.createDirectory(atPath: directory.file("rules"), withIntermediateDirectories: true)
        try """
        rules:
          - alert: IncidentOpened
            condition: { incident: {} }
            annotations: { summary: "{{ component }} regression {{ task }}" }
        """.write(toFile: directory.file("rules/incidents.yml"), atomically: true, encoding: .utf8)
        try """
        database: \(directory.file("db.sqlite"))
        alerts:
          rule_dirs: [\(directory.file("rules"))]
          interval: 100ms
          dashboard_url: http://127.0.0.1:8080/dash
          route: { receiver: hook, group_by: [incident_id], group_wait: 0, group_interval: 1s }
          receivers:
            - name: hook
              webhook: { url: "http://127.0.0.1:\(port)/hook", secret_env: DW_TEST_SECRET, timeout: 2s }
          retry: { max_attempts: 50, initial_backoff: 100ms, max_backoff: 300ms }
        """.write(toFile: directory.file("driftwatch.yaml"), atomically: true, encoding: .utf8)
        return directory.file("driftwatch.yaml")
    }

    static func openIncident(_ store: SQLiteStore, id: String) throws {
        let now = WallClock.nowMicros()
        let document = #"{"id":"\#(id)","status":"open","component":"retrieval","metric":"success_rate","scope":{"task":"refund_question"},"recommendation":{"action":"retrieval_fix","summary":"roll back index idx-7","details":{}},"confidence":0.9,"evidence":[],"severity":3.5}"#
        let checkpoint = try store.analysisCheckpoint()
        let committed = try store.commitAnalysis(AnalysisCommit(
            expectedLastRowID: checkpoint.lastRowID, checkpoint: checkpoint,
            incidents: [StoredIncident(id: id, task: "refund_question", status: "open", component: "retrieval", action: "retrieval_fix",
                                       startedAtMicros: now, detectedAtMicros: now, updatedAtMicros: now, resolvedAtMicros: nil,
                                       severity: 3.5, document: document)],
            events: [StoredIncidentEvent(incidentID: id, kind: "opened", atMicros: now, document: document)]))
        #expect(committed)
    }

    static func dispatcher(_ directory: TemporaryDirectory, config: String) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["DW_TEST_SECRET"] = secret
        return try ChildProcess(executable: try DriftwatchExecutable.url(), arguments: ["alerts", "dispatch", "--config", config, "--log-level", "debug"],
                                directory: URL(fileURLWithPath: directory.path), environment: environment)
    }

    @Test func incidentArrivesExactlyOnceAcrossKill9AndLatencyIsMeasured() async throws {
        let directory = TemporaryDirectory()
        let log = ReceiverLog(path: directory.file("log.jsonl"))
        let probe = try await ScriptServer.start(script: "webhook_receiver.py", portFile: directory.file("probe"), arguments: [log.path, Self.secret, "-"])
        let port = probe.port
        probe.stop()
        let config = try Self.writeConfig(directory, port: port)
        let store = try SQLiteStore(path: directory.file("db.sqlite"))

        // Receiver down: the notification is written to the outbox and retried, then the process is killed.
        var process = try Self.dispatcher(directory, config: config)
        try Self.openIncident(store, id: "inc-1")
        #expect(try await eventually(15) { try store.outbox(status: .pending).contains { $0.attempts >= 1 } }, "queued and tried: \(process.stderr)")
        process.signal(SIGKILL)
        _ = await process.wait(timeout: 5)
        let queued = try store.outbox()
        #expect(queued.count == 1)

        // Receiver up, process restarted: delivered once, with the id written before the kill; no re-page.
        let server = try await ScriptServer.start(script: "webhook_receiver.py", portFile: directory.file("port"), arguments: [log.path, Self.secret, "-", "\(port)"])
        process = try Self.dispatcher(directory, config: config)
        #expect(await eventually(15) { log.delivered.count == 1 }, "\(process.stderr)")
        try await Task.sleep(for: .seconds(2))
        #expect(log.delivered == [queued[0].id: 1])

        // Latency from a new incident in the store to the webhook received (group_wait 0).
        let before = Date().timeIntervalSince1970
        try Self.openIncident(store, id: "inc-2")
        #expect(await eventually(10) { log.delivered.count == 2 })
        let arrival = log.entries.filter { $0.valid && $0.answer == "200" && $0.id != queued[0].id }.map(\.at).min() ?? .infinity
        let latency = arrival - before
        print("alerts: incident-to-webhook latency \(String(format: "%.3f", latency)) s (group_wait 0, interval 100ms)")
        #expect(latency < 2.0)
        #expect(log.delivered.values.allSatisfy { $0 == 1 })
        #expect(log.entries.allSatisfy { $0.valid })
        process.signal(SIGTERM)
        #expect(await process.wait(timeout: 10) == 0)
        _ = server
    }

    /// Issue 18, item 13: delivery runs beside rule evaluation. A receiver that accepts the request and never
    /// answers (timeout 20 s) must delay neither the next evaluation nor another receiver: a second incident
    /// opened while the first page hangs reaches the healthy receiver in seconds.
    @Test func aHangingReceiverDelaysNeitherEvaluationNorOtherReceivers() async throws {
        let directory = TemporaryDirectory()
        let log = ReceiverLog(path: directory.file("log.jsonl"))
        let hangLog = ReceiverLog(path: directory.file("hang.jsonl"))
        let healthy = try await ScriptServer.start(script: "webhook_receiver.py", portFile: directory.file("port"), arguments: [log.path, Self.secret, "-"])
        let hanging = try await ScriptServer.start(script: "webhook_receiver.py", portFile: directory.file("hang-port"),
                                                   arguments: [hangLog.path, Self.secret, Array(repeating: "hang", count: 20).joined(separator: ",")])
        let config = try Self.writeConfig(directory, port: healthy.port)
        try """
        database: \(directory.file("db.sqlite"))
        alerts:
          rule_dirs: [\(directory.file("rules"))]
          interval: 100ms
          route:
            receiver: hook
            group_by: [incident_id]
            group_wait: 0
            group_interval: 1s
            routes:
              - { receiver: hangs, continue: true }
              - { receiver: hook }
          receivers:
            - name: hangs
              webhook: { url: "http://127.0.0.1:\(hanging.port)/hook", secret_env: DW_TEST_SECRET, timeout: 20s }
            - name: hook
              webhook: { url: "http://127.0.0.1:\(healthy.port)/hook", secret_env: DW_TEST_SECRET, timeout: 2s }
          retry: { max_attempts: 50, initial_backoff: 100ms, max_backoff: 300ms }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = try SQLiteStore(path: directory.file("db.sqlite"))
        let process = try Self.dispatcher(directory, config: config)
        try Self.openIncident(store, id: "inc-1")
        #expect(await eventually(15) { log.delivered.count == 1 && hangLog.entries.count == 1 }, "\(process.stderr)")
        // The hanging receiver now holds its request for 20 s; a new incident must not wait for it.
        let opened = Date().timeIntervalSince1970
        try Self.openIncident(store, id: "inc-2")
        #expect(await eventually(15) { log.entries.contains { $0.incidents == ["inc-2"] && $0.answer == "200" } }, "\(process.stderr)")
        let arrival = log.entries.first { $0.incidents == ["inc-2"] }?.at ?? .infinity
        print("alerts: second incident reached the healthy receiver \(String(format: "%.3f", arrival - opened)) s after it opened, beside a hanging one")
        #expect(arrival - opened < 5, "the healthy receiver waited behind the hanging one: \(arrival - opened) s")
        #expect(hangLog.entries.allSatisfy { $0.answer == "hang" }, "the hanging receiver never answered")
        // Nothing was dropped: both pages to the hanging receiver are still pending (attempt 1 timing out).
        let pendingHang = try store.outbox(status: .pending).filter { $0.receiver == "hangs" }
        #expect(pendingHang.count == 2)
        process.signal(SIGTERM)
        #expect(await process.wait(timeout: 30) == 0)
    }
}
