import DriftwatchFleet
import DriftwatchTesting
import Foundation
import Testing

/// `driftwatch run` ships as a service: continuously, and through an outage of the fleet store (a TCP proxy in front
/// of PostgreSQL that the test stops and starts again), with nothing lost and nothing counted twice.
@Suite("Fleet: run ships continuously", .serialized)
struct FleetRunShippingTests {
    /// A TCP proxy (python3) from a loopback port to PostgreSQL; `stop()` drops it and every connection through it.
    final class Proxy: @unchecked Sendable {
        let port: Int
        let target: (host: String, port: Int)
        let directory: URL
        var child: ChildProcess?

        init(port: Int, target: (String, Int), directory: URL) {
            self.port = port
            self.target = target
            self.directory = directory
        }

        static let script = """
            import asyncio, sys
            async def pipe(r, w):
                try:
                    while data := await r.read(65536):
                        w.write(data); await w.drain()
                except Exception: pass
                finally: w.close()
            async def handle(r, w):
                try: ur, uw = await asyncio.open_connection(sys.argv[2], int(sys.argv[3]))
                except Exception: w.close(); return
                await asyncio.gather(pipe(r, uw), pipe(ur, w))
            async def main():
                s = await asyncio.start_server(handle, '127.0.0.1', int(sys.argv[1]), reuse_address=True)
                print('listening', flush=True)
                await s.serve_forever()
            asyncio.run(main())
            """

        func start() async throws {
            let child = try ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/env"),
                                         arguments: ["python3", "-c", Self.script, "\(port)", target.host, "\(target.port)"], directory: directory)
            let deadline = Date().addingTimeInterval(60)
            while !child.stdout.contains("listening") && Date() < deadline && child.process.isRunning {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(child.stdout.contains("listening"), "proxy did not start: \(child.stderr)")
            self.child = child
        }

        func stop() async {
            child?.signal(SIGKILL)
            _ = await child?.wait(timeout: 30)
            child = nil
        }

        static func freePort() throws -> Int {
            let out = try ProcessRunner.run("/usr/bin/env", ["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
            return try #require(Int(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    /// The node's row in the fleet store: (records, analysis row id), nil while it has not shipped.
    static func shipped(_ url: FleetURL, node: String) async -> (records: Int64, analysed: Int64)? {
        try? await FleetStore.withStore(url: url, logger: FleetTestDatabase.logger) { fleet in
            guard try await fleet.appliedSchemaVersion() > 0 else { return nil }
            return try await fleet.nodes().first { $0.node == node }.map { ($0.records, $0.analysisRowID) }
        }
    }

    static func waitFor(_ what: String, seconds: Double, _ check: () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await check() { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        Issue.record("timed out after \(Int(seconds)) s waiting for \(what)")
        throw CancellationError()
    }

    @Test("run ships what it stores, keeps going while PostgreSQL is unreachable, and ships the backlog when it returns")
    func shipsThroughAnOutage() async throws {
        try await FleetTestDatabase.with { db in
            let dir = TemporaryDirectory(prefix: "fleet-run")
            let root = URL(fileURLWithPath: dir.path)
            let executable = try DriftwatchExecutable.url()
            let proxy = Proxy(port: try Proxy.freePort(), target: (db.server.host, db.server.port), directory: root)
            try await proxy.start()
            let viaProxy = "postgres://\(db.server.username)@127.0.0.1:\(proxy.port)/\(db.name)?sslmode=disable"
            let direct = try db.fleetURL
            try FileManager.default.createDirectory(atPath: dir.path + "/logs", withIntermediateDirectories: true)
            // One workload dealt to two files: the second is added during the outage.
            let out = try ProcessRunner.run(executable.path, ["demo", "--out", dir.path + "/demo", "--preset", "baseline", "--records", "3000", "--files", "2", "--seed", "21"])
            #expect(out.status == 0, "\(out.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/demo").filter { $0.hasSuffix(".jsonl") }.sorted()
            try #require(files.count == 2, "\(files)")
            try FileManager.default.copyItem(atPath: dir.path + "/demo/" + files[0], toPath: dir.path + "/logs/a.jsonl")
            try """
                database: \(dir.path)/node.sqlite
                sources: [{ paths: ["\(dir.path)/logs/*.jsonl"] }]
                analysis: { export_dir: off, interval: 1s }
                retention: { max_age: off }
                fleet: { url_env: DW_TEST_FLEET_URL, node: live, interval: 1s }
                """.write(toFile: dir.path + "/run.yaml", atomically: true, encoding: .utf8)
            var env = ProcessInfo.processInfo.environment
            env["DW_TEST_FLEET_URL"] = viaProxy
            let run = try ChildProcess(executable: executable, arguments: ["run", "--config", "run.yaml", "--log-level", "info"],
                                       directory: root, environment: env)
            defer { run.signal(SIGKILL) }
            try await Self.waitFor("the first 1,500 records shipped", seconds: 240) {
                await Self.shipped(direct, node: "live").map { $0.records == 1500 && $0.analysed == 1500 } ?? false
            }
            // The fleet store goes away; the sidecar goes on storing and analysing.
            await proxy.stop()
            try FileManager.default.copyItem(atPath: dir.path + "/demo/" + files[1], toPath: dir.path + "/logs/b.jsonl")
            try await Self.waitFor("a failed shipment", seconds: 240) { run.stderr.contains("could not ship to the fleet store") }
            #expect(await Self.shipped(direct, node: "live")?.records == 1500)
            // It comes back: the backlog is shipped (the backoff is at most a minute).
            try await proxy.start()
            try await Self.waitFor("the backlog shipped", seconds: 300) {
                await Self.shipped(direct, node: "live").map { $0.records == 3000 && $0.analysed == 3000 } ?? false
            }
            run.signal(SIGTERM)
            #expect(await run.wait(timeout: 120) == 0, "\(run.stderr.suffix(3000))")
            await proxy.stop()
            // Every record counted once in the merged buckets.
            let requests = try await FleetStore.withStore(url: direct, logger: FleetTestDatabase.logger) { fleet in
                try await fleet.count("SELECT coalesce(sum(requests), 0)::bigint FROM fleet_rollups WHERE dimension = '' AND bucket_us = (SELECT min(bucket_us) FROM fleet_rollups)")
            }
            #expect(requests == 3000)
        }
    }
}
