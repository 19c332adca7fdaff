import DriftwatchRuntime
import DriftwatchTesting
import Foundation
import Testing

/// Issue #17: a fleet incident names the nodes it is on. Four real `driftwatch ingest` sidecars ship to PostgreSQL;
/// in one fleet only replica-3 gets a retriever index that degrades its evidence (the demo's `retrieval` preset, the
/// others the same service without the change: "a stale index on one node"), in the other every replica gets it.
/// `analyze --fleet` must say "replica-3 only" in the first and "all 4 nodes" in the second, with per-node numbers
/// that cover the incident's.
@Suite("Fleet: incidents name their nodes", .serialized)
struct FleetIncidentNodesTests {
    typealias Run = FleetAcceptanceTests.Run

    /// The retrieval incident of `analyze --fleet --format json` and the whole text report.
    static func fleetIncident(_ run: Run, db: FleetTestDatabase, files: [String]) async throws -> (incident: [String: Any], text: String) {
        let env = ["DW_TEST_FLEET_URL": db.url]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, file) in files.enumerated() {
                let config = "\(db.name)-\(i).yaml"
                try "analysis: { export_dir: off }\nretention: { max_age: off }\nfleet: { url_env: DW_TEST_FLEET_URL, node: replica-\(i) }\n"
                    .write(to: run.directory.appendingPathComponent(config), atomically: true, encoding: .utf8)
                group.addTask {
                    _ = try await run(["ingest", file, "--config", config, "--db", "\(db.name)-\(i).sqlite"], environment: env)
                }
            }
            try await group.waitForAll()
        }
        try "analysis: { export_dir: off }\nfleet: { url_env: DW_TEST_FLEET_URL, node: central }\n"
            .write(to: run.directory.appendingPathComponent("central.yaml"), atomically: true, encoding: .utf8)
        let json = try await run(["analyze", "--fleet", "--config", "central.yaml", "--format", "json", "--limit", "100"], environment: env).stdout
        let text = try await run(["analyze", "--fleet", "--config", "central.yaml", "--limit", "100"], environment: env).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json.prefix(500))")
        let incidents = object["incidents"] as? [[String: Any]] ?? []
        let incident = try #require(incidents.first { $0["component"] as? String == "retrieval" }, "no retrieval incident in \(text)")
        return (incident, text)
    }

    /// The incident's nodes: (spread, regressed nodes, per node (name, regressed, baseline n, current n)).
    static func nodes(_ incident: [String: Any]) throws -> (spread: String, regressed: [String], perNode: [(node: String, regressed: Bool?, baseline: Int64, current: Int64)]) {
        let nodes = try #require(incident["nodes"] as? [String: Any], "no nodes in \(incident)")
        let perNode = (nodes["per_node"] as? [[String: Any]] ?? []).map { n in
            (node: n["node"] as? String ?? "-", regressed: n["regressed"] as? Bool,
             baseline: ((n["baseline"] as? [String: Any])?["n"] as? NSNumber)?.int64Value ?? -1,
             current: ((n["current"] as? [String: Any])?["n"] as? NSNumber)?.int64Value ?? -1)
        }
        return (nodes["spread"] as? String ?? "-", nodes["regressed"] as? [String] ?? [], perNode)
    }

    @Test("a regression on one sidecar only is named as that node's; one on every sidecar as all nodes'")
    func oneNodeAndAllNodes() async throws {
        let dir = TemporaryDirectory(prefix: "fleet-nodes")
        let root = URL(fileURLWithPath: dir.path)
        let run = Run(executable: try DriftwatchExecutable.url(), directory: root)
        // Both workloads start at the same minute, so the healthy replicas' traffic lines up with replica-3's.
        let start = (Int64(Date().timeIntervalSince1970) - 6 * 3600) / 60 * 60 * 1_000_000
        func generate(_ preset: String) throws -> [String] {
            var demo = DemoRunner()
            demo.outputDirectory = dir.path + "/" + preset
            demo.preset = preset
            demo.seed = 11
            demo.requestsPerMinute = 80
            demo.fileCount = 4
            demo.startMicros = start
            return try demo.generate().files.sorted()
        }
        let healthy = try generate("baseline"), degraded = try generate("retrieval")
        #expect(healthy.count == 4 && degraded.count == 4)

        // One node: replica-3 alone has the degraded index.
        try await FleetTestDatabase.with { db in
            let (incident, text) = try await Self.fleetIncident(run, db: db, files: Array(healthy.prefix(3)) + [degraded[3]])
            let nodes = try Self.nodes(incident)
            #expect(nodes.spread == "some" && nodes.regressed == ["replica-3"], "\(text)")
            #expect(nodes.perNode.map { $0.node } == ["replica-0", "replica-1", "replica-2", "replica-3"])
            #expect(nodes.perNode.map { $0.regressed } == [false, false, false, true], "\(text)")
            #expect(text.contains("nodes: replica-3 only"), "\(text)")
            // The nodes' numbers since the start cover the opening test's current window: at least its count.
            let current = ((incident["current"] as? [String: Any])?["n"] as? NSNumber)?.int64Value ?? -1
            #expect(current > 0 && nodes.perNode.map { $0.current }.reduce(0, +) >= current, "\(text)")
            #expect(nodes.perNode[3].current > 0)
        }
        // Every node: the same change on all four.
        try await FleetTestDatabase.with { db in
            let (incident, text) = try await Self.fleetIncident(run, db: db, files: degraded)
            let nodes = try Self.nodes(incident)
            #expect(nodes.spread == "all", "\(text)")
            #expect(nodes.regressed == ["replica-0", "replica-1", "replica-2", "replica-3"], "\(text)")
            #expect(text.contains("nodes: all 4 nodes"), "\(text)")
            let current = ((incident["current"] as? [String: Any])?["n"] as? NSNumber)?.int64Value ?? -1
            #expect(current > 0 && nodes.perNode.map { $0.current }.reduce(0, +) >= current, "\(text)")
            #expect(nodes.perNode.allSatisfy { $0.current > 0 && $0.baseline > 0 }, "\(text)")

            // dashboards --fleet: the merged state's pages, with the fleet incident's page.
            let dash = try await run(["dashboards", "--fleet", "--config", "central.yaml", "--out", "dash"], environment: ["DW_TEST_FLEET_URL": db.url])
            #expect(dash.stdout.contains("from the fleet store: 4 nodes"), "\(dash.stdout)")
            let id = try #require(incident["id"] as? String)
            #expect(FileManager.default.fileExists(atPath: dir.path + "/dash/incidents/\(id).html"), "\(dash.stdout)")
            #expect(FileManager.default.fileExists(atPath: dir.path + "/dash/index.html"))
        }
    }
}
