import DriftwatchFleet
import DriftwatchRuntime
import DriftwatchTesting
import Foundation
import Testing

/// `run --role central` (issue #17): two real central processes against one fleet store; one leads and alerts, the
/// other stands by. The leader is killed with -9 mid-run; the standby takes the lease over and alerts on what comes
/// next, and no incident is notified twice. Sidecars are real `driftwatch ingest` processes shipping a workload in two
/// halves: a retrieval regression in the first, a tool outage in the second.
@Suite("Fleet: one central leads, alerts once per fleet", .serialized)
struct FleetCentralTests {
    typealias Run = FleetAcceptanceTests.Run

    /// A webhook receiver (python3) appending one JSON line per POST: the body's status and its alerts' incident ids.
    static let receiver = """
        import json, sys
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get('Content-Length', '0'))))
                ids = sorted({a.get('labels', {}).get('incident_id', '') for a in body.get('alerts', [])} - {''})
                with open(sys.argv[1], 'a') as f:
                    f.write(json.dumps({'status': body.get('status'), 'incidents': ids}) + '\\n')
                self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
        s = ThreadingHTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """

    /// Firing notifications per incident id, from the receiver's log.
    static func firing(_ log: String) -> [String: Int] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [:] }
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["status"] as? String == "firing" else { continue }
            for id in object["incidents"] as? [String] ?? [] { counts[id, default: 0] += 1 }
        }
        return counts
    }

    static func eventually(_ seconds: Double, _ check: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await check() { return true }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return try await check()
    }

    /// Splits a time-ordered JSON Lines file into its first `share` of lines and the rest.
    static func split(_ path: String, share: Double) throws -> (String, String) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let cut = Int(Double(lines.count) * share)
        let first = path.replacingOccurrences(of: ".jsonl", with: "-a.jsonl"), second = path.replacingOccurrences(of: ".jsonl", with: "-b.jsonl")
        try (lines[..<cut].joined(separator: "\n") + "\n").write(toFile: first, atomically: true, encoding: .utf8)
        try (lines[cut...].joined(separator: "\n") + "\n").write(toFile: second, atomically: true, encoding: .utf8)
        return (first, second)
    }

    @Test("two centrals: the leader alerts, is killed with -9, the standby takes over; every incident notified once")
    func leaseFailover() async throws {
        try await FleetTestDatabase.with { db in
            let dir = TemporaryDirectory(prefix: "fleet-central")
            let root = URL(fileURLWithPath: dir.path)
            let run = Run(executable: try DriftwatchExecutable.url(), directory: root)
            var demo = DemoRunner()
            demo.outputDirectory = dir.path + "/logs"
            // The demo's mixed preset: five incidents in turn over 12 h, some in each half.
            demo.preset = "mixed"
            demo.seed = 5
            demo.requestsPerMinute = 40
            demo.fileCount = 2
            let files = try demo.generate().files.sorted()
            // The first 40% of each node's records, then the rest: incidents open in each part.
            let halves = try files.map { try Self.split($0, share: 0.4) }

            let env = ["DW_TEST_FLEET_URL": db.url]
            for i in 0..<2 {
                try "analysis: { export_dir: off }\nretention: { max_age: off }\nfleet: { url_env: DW_TEST_FLEET_URL, node: replica-\(i) }\n"
                    .write(toFile: dir.file("node-\(i).yaml"), atomically: true, encoding: .utf8)
            }
            func ship(_ part: Int) async throws {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<2 {
                        group.addTask { _ = try await run(["ingest", (part == 0 ? halves[i].0 : halves[i].1), "--config", "node-\(i).yaml", "--db", "node-\(i).sqlite"], environment: env) }
                    }
                    try await group.waitForAll()
                }
            }
            try await ship(0)

            let log = dir.file("hooks.jsonl")
            let hook = try ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", "-c", Self.receiver, log], directory: root)
            defer { hook.signal(SIGKILL) }
            #expect(await Self.eventually(30) { Int(hook.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) != nil }, "receiver: \(hook.stderr)")
            let port = try #require(Int(hook.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            try FileManager.default.createDirectory(atPath: dir.file("rules"), withIntermediateDirectories: true)
            try "rules:\n  - alert: FleetIncident\n    condition: { incident: {} }\n    annotations: { summary: \"{{ component }} regression {{ task }}\" }\n"
                .write(toFile: dir.file("rules/incidents.yml"), atomically: true, encoding: .utf8)
            for name in ["a", "b"] {
                try """
                analysis: { export_dir: off }
                fleet: { url_env: DW_TEST_FLEET_URL, node: central-\(name), interval: 500ms, lease_ttl: 6s }
                alerts:
                  builtin_rules: off
                  rule_dirs: [\(dir.file("rules"))]
                  interval: 200ms
                  route: { receiver: hook, group_by: [incident_id], group_wait: 0, group_interval: 1s }
                  receivers:
                    - name: hook
                      webhook: { url: "http://127.0.0.1:\(port)/hook", timeout: 2s }
                """.write(toFile: dir.file("central-\(name).yaml"), atomically: true, encoding: .utf8)
            }
            var environment = ProcessInfo.processInfo.environment
            environment.merge(env) { $1 }
            func central(_ name: String) throws -> ChildProcess {
                try ChildProcess(executable: run.executable, arguments: ["run", "--role", "central", "--config", "central-\(name).yaml", "--db", "central-\(name).sqlite"],
                                 directory: root, environment: environment)
            }

            // Central a leads and notifies the first half's incidents.
            let a = try central("a")
            defer { a.signal(SIGKILL) }
            #expect(await Self.eventually(120) { a.stderr.contains("took the central role") }, "a: \(a.stderr.suffix(3000))")
            #expect(await Self.eventually(60) { !Self.firing(log).isEmpty }, "a: \(a.stderr.suffix(3000))")
            let first = Self.firing(log)
            // Central b stands by while a holds the lease.
            let b = try central("b")
            defer { b.signal(SIGKILL) }
            #expect(await Self.eventually(60) { b.stderr.contains("standing by") }, "b: \(b.stderr.suffix(3000))")
            // a's delivered state is in PostgreSQL before it dies (what b starts from).
            let published = try await FleetStore.withStore(url: try db.fleetURL, logger: FleetTestDatabase.logger) { fleet in
                try await Self.eventually(30) { try await fleet.sharedAlertState() != nil }
            }
            #expect(published)
            #expect(!b.stderr.contains("took the central role"))

            a.signal(SIGKILL)
            _ = await a.wait(timeout: 30)
            #expect(await Self.eventually(60) { b.stderr.contains("took the central role") }, "b: \(b.stderr.suffix(3000))")
            // The second half: a new incident, which b alone notifies.
            try await ship(1)
            #expect(await Self.eventually(90) { Self.firing(log).count > first.count }, "b: \(b.stderr.suffix(3000))\nnotified: \(Self.firing(log))")
            // A few more passes of b's: nothing notified again.
            try await Task.sleep(for: .seconds(4))
            let all = Self.firing(log)
            #expect(all.values.allSatisfy { $0 == 1 }, "an incident notified more than once: \(all)")
            for id in first.keys { #expect(all[id] == 1) }

            // The incidents in b's store name their nodes.
            b.signal(SIGTERM)
            #expect(await b.wait(timeout: 30) == 0, "b: \(b.stderr.suffix(3000))")
            let report = try await run(["analyze", "--db", "central-b.sqlite", "--format", "json", "--status", "open"]).stdout
            #expect(report.contains("\"per_node\""), "\(report.prefix(3000))")
        }
    }
}
