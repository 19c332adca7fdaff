import DriftwatchFleet
import DriftwatchRuntime
import DriftwatchTesting
import Foundation
import Testing

/// A PostgreSQL cluster of this test's own (Debian's binaries, a temporary data directory, a free loopback port), so
/// it can be restarted without disturbing the other fleet tests' server.
final class PostgresCluster: @unchecked Sendable {
    let bin: String
    let directory: String
    let port: Int

    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    private init(bin: String, directory: String, port: Int) {
        self.bin = bin
        self.directory = directory
        self.port = port
    }

    /// As root the server runs as the `postgres` user (it refuses root), as Scripts/test.sh does.
    static func command(_ arguments: [String]) throws -> ProcessRunner.Output {
        getuid() == 0 ? try ProcessRunner.run("/usr/sbin/runuser", ["-u", "postgres", "--"] + arguments) : try ProcessRunner.run(arguments[0], Array(arguments.dropFirst()))
    }

    static func start() throws -> PostgresCluster {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
            throw FleetAcceptanceTests.Failure("no PostgreSQL server binaries under /usr/lib/postgresql (Debian: postgresql; Scripts/test.sh installs it)")
        }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        let directory = NSTemporaryDirectory() + "dw-pg-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 { _ = try ProcessRunner.run("/bin/chown", ["postgres", directory]) }
        let port = try FleetRunShippingTests.Proxy.freePort()
        let cluster = PostgresCluster(bin: bin, directory: directory, port: port)
        let initdb = try command([bin + "/initdb", "-D", directory + "/data", "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
        guard initdb.status == 0 else { throw FleetAcceptanceTests.Failure("initdb: \(initdb.stderr)") }
        try cluster.pgCtl(["start"])
        return cluster
    }

    func pgCtl(_ action: [String]) throws {
        let out = try Self.command([bin + "/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60",
                                    "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off"] + action)
        guard out.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw FleetAcceptanceTests.Failure("pg_ctl \(action.joined(separator: " ")): \(out.stderr)\n\(log.suffix(2000))")
        }
    }

    /// A crash-like restart: the server stops without a shutdown checkpoint (recovery on start), dropping every connection.
    func restart() throws { try pgCtl(["-m", "immediate", "restart"]) }

    func stop() {
        _ = try? pgCtl(["-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Issue #17's outage test: four real `driftwatch run` sidecars tail their share of a workload, fed in four chunks,
/// shipping every half second. Sidecars are killed with -9 mid-run (twice) and restarted, and PostgreSQL itself is
/// restarted (immediate: like a crash) while they ship. At the end every node's records are shipped once: the fleet's
/// counts and incidents equal the whole workload's in one store.
@Suite("Fleet: kill -9 and a PostgreSQL restart", .serialized)
struct FleetCrashTests {
    @Test("sidecars killed with -9 and PostgreSQL restarted mid-run: nothing lost, nothing counted twice")
    func killAndRestart() async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let dir = TemporaryDirectory(prefix: "fleet-crash")
        let root = URL(fileURLWithPath: dir.path)
        let run = FleetAcceptanceTests.Run(executable: try DriftwatchExecutable.url(), directory: root)
        let start = (Int64(Date().timeIntervalSince1970) - 6 * 3600) / 60 * 60 * 1_000_000
        func generate(_ out: String, files: Int) throws -> [String] {
            var demo = DemoRunner()
            demo.outputDirectory = dir.path + "/" + out
            demo.preset = "retrieval"
            demo.seed = 13
            demo.requestsPerMinute = 60
            demo.fileCount = files
            demo.startMicros = start
            return try demo.generate().files.sorted()
        }
        let whole = try generate("whole", files: 1), split = try generate("split", files: 4)
        try "analysis: { export_dir: off }\nretention: { max_age: off }\n".write(toFile: dir.file("single.yaml"), atomically: true, encoding: .utf8)
        try await run(["ingest", whole[0], "--config", "single.yaml", "--db", "single.sqlite"])
        let single = try await run(["analyze", "--config", "single.yaml", "--db", "single.sqlite", "--format", "json", "--limit", "1000"]).stdout

        // Each node's share in four chunks of lines, in time order.
        let chunks: [[String]] = try split.map { path in
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            let size = (lines.count + 3) / 4
            return stride(from: 0, to: lines.count, by: size).map { lines[$0..<min($0 + size, lines.count)].joined(separator: "\n") + "\n" }
        }
        let lineCounts = try split.map { try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n").count }
        var environment = ProcessInfo.processInfo.environment
        environment["DW_TEST_FLEET_URL"] = cluster.url
        for i in 0..<4 {
            try FileManager.default.createDirectory(atPath: dir.file("in-\(i)"), withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: dir.file("in-\(i)/log.jsonl"), contents: nil)
            try """
                database: \(dir.file("node-\(i).sqlite"))
                sources: [{ paths: ["\(dir.file("in-\(i)"))/*.jsonl"] }]
                ingest: { poll_interval: 100ms }
                analysis: { export_dir: off, interval: 200ms }
                retention: { max_age: off }
                fleet: { url_env: DW_TEST_FLEET_URL, node: replica-\(i), interval: 500ms }
                """.write(toFile: dir.file("node-\(i).yaml"), atomically: true, encoding: .utf8)
        }
        var sidecars: [ChildProcess] = try (0..<4).map { i in
            try ChildProcess(executable: run.executable, arguments: ["run", "--config", "node-\(i).yaml"], directory: root, environment: environment)
        }
        defer { for s in sidecars { s.signal(SIGKILL) } }
        func restartSidecar(_ i: Int) async throws {
            sidecars[i].signal(SIGKILL)
            _ = await sidecars[i].wait(timeout: 30)
            sidecars[i] = try ChildProcess(executable: run.executable, arguments: ["run", "--config", "node-\(i).yaml"], directory: root, environment: environment)
        }
        func append(_ chunk: Int) throws {
            for i in 0..<4 where chunk < chunks[i].count {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.file("in-\(i)/log.jsonl")))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(chunks[i][chunk].utf8))
                try handle.close()
            }
        }
        /// (records, analysed row id) per node in the fleet store.
        func shipped() async -> [String: (Int64, Int64)] {
            (try? await FleetStore.withStore(url: try FleetURL(cluster.url), logger: FleetTestDatabase.logger) { fleet in
                guard try await fleet.appliedSchemaVersion() > 0 else { return [:] }
                return Dictionary(try await fleet.nodes().map { ($0.node, ($0.records, $0.analysisRowID)) }, uniquingKeysWith: { $1 })
            }) ?? [:]
        }
        func shippedAtLeast(_ fraction: Double) async -> Bool {
            let s = await shipped()
            return (0..<4).allSatisfy { i in (s["replica-\(i)"]?.0 ?? 0) >= Int64(Double(lineCounts[i]) * fraction) }
        }

        try append(0)
        #expect(try await FleetCentralTests.eventually(180) { await shippedAtLeast(0.2) }, "first chunk not shipped")
        // Two sidecars die mid-run (shipping every half second, with the next chunk arriving) and come back.
        try append(1)
        try await Task.sleep(for: .milliseconds(700))
        try await restartSidecar(0)
        try await restartSidecar(1)
        #expect(try await FleetCentralTests.eventually(180) { await shippedAtLeast(0.45) }, "second chunk not shipped")
        // PostgreSQL restarts (immediate) while the third chunk is stored and shipped.
        try append(2)
        try await Task.sleep(for: .milliseconds(500))
        try cluster.restart()
        try await Task.sleep(for: .milliseconds(300))
        try await restartSidecar(2)
        try append(3)
        #expect(try await FleetCentralTests.eventually(300) {
            let s = await shipped()
            return (0..<4).allSatisfy { i in s["replica-\(i)"].map { $0.0 == Int64(lineCounts[i]) && $0.1 == Int64(lineCounts[i]) } ?? false }
        }, "not everything shipped of \(lineCounts)")
        let final = await shipped()
        #expect(final.count == 4, "\(final)")
        for s in sidecars { s.signal(SIGTERM) }
        for s in sidecars { #expect(await s.wait(timeout: 120) == 0, "\(s.stderr.suffix(2000))") }

        // Every record once: the merged whole-task requests are the lines written, and the analysis equals the whole's.
        let requests = try await FleetStore.withStore(url: try FleetURL(cluster.url), logger: FleetTestDatabase.logger) { fleet in
            try await fleet.count("SELECT coalesce(sum(requests), 0)::bigint FROM fleet_rollups WHERE dimension = '' AND bucket_us = (SELECT min(bucket_us) FROM fleet_rollups)")
        }
        #expect(requests == Int64(lineCounts.reduce(0, +)))
        try "analysis: { export_dir: off }\nfleet: { url_env: DW_TEST_FLEET_URL, node: central }\n".write(toFile: dir.file("central.yaml"), atomically: true, encoding: .utf8)
        let central = try await run(["analyze", "--fleet", "--config", "central.yaml", "--format", "json", "--limit", "1000"], environment: ["DW_TEST_FLEET_URL": cluster.url])
        let a = try FleetAcceptanceTests.summary(single), b = try FleetAcceptanceTests.summary(central.stdout)
        #expect(a.records["analysed"] == Int64(lineCounts.reduce(0, +)))
        #expect(b.records == a.records)
        #expect(!a.incidents.isEmpty)
        #expect(b.incidents == a.incidents, "whole:\n\(a.incidents.joined(separator: "\n"))\nfleet:\n\(b.incidents.joined(separator: "\n"))")
    }
}
