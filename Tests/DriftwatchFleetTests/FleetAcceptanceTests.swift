import DriftwatchTesting
import Foundation
import Testing

/// Issue #17's acceptance: the demo's `mixed` workload (12 h, five injected incidents among benign deploys: retrieval,
/// tools, wrapper, a tuned checkpoint failing on a slice of two tasks, a traffic shift), dealt round-robin to four sidecars
/// (real `driftwatch ingest` processes, each with its own SQLite store, shipping to the real PostgreSQL), against the
/// same workload ingested whole into one store. The central `analyze --fleet` must report what the single store
/// reports: the same record counts and the same incidents (scope, component, action, counts).
@Suite("Fleet: split across sidecars equals whole", .serialized)
struct FleetAcceptanceTests {
    struct Run {
        let executable: URL
        let directory: URL

        /// Runs `driftwatch ARGS` to its end; fails the test with its output when the status is not `expect`.
        @discardableResult
        func callAsFunction(_ arguments: [String], environment: [String: String] = [:], expect: Int32 = 0) async throws -> ChildProcess {
            var env = ProcessInfo.processInfo.environment
            env.merge(environment) { $1 }
            let child = try ChildProcess(executable: executable, arguments: arguments, directory: directory, environment: env)
            guard let status = await child.wait(timeout: 900) else {
                child.signal(SIGKILL)
                throw Failure("driftwatch \(arguments.joined(separator: " ")) did not finish in 15 min")
            }
            if status != expect {
                throw Failure("driftwatch \(arguments.joined(separator: " ")) exited \(status), expected \(expect)\nstdout: \(child.stdout.suffix(2000))\nstderr: \(child.stderr.suffix(4000))")
            }
            return child
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// What must match between the whole and the merged analysis: per incident its metric, scope, component, action,
    /// status, and the counts (n) and rates of its baseline and current measurements.
    static func summary(_ json: String) throws -> (records: [String: Int64], incidents: [String]) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "not a JSON object: \(json.prefix(500))")
        let records = (object["records"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.int64Value }
        let incidents = (object["incidents"] as? [[String: Any]] ?? []).map { i -> String in
            func m(_ key: String) -> String {
                guard let x = i[key] as? [String: Any] else { return "-" }
                return "n=\(x["n"] ?? "-") value=\(x["value"] ?? "-")"
            }
            let scope = (i["scope"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            let action = (i["recommendation"] as? [String: Any])?["action"] as? String ?? "-"
            // The findings listed under the incident (one cause on several scopes), with when each was detected.
            let affected = (i["affected"] as? [[String: Any]] ?? []).map { f -> String in
                let s = (f["scope"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                return "\(f["incident_id"] ?? "-")[\(s)]@\(f["detected_at"] ?? "-")"
            }.joined(separator: "; ")
            return "\(i["id"] ?? "-") \(i["metric"] ?? "-") [\(scope)] component=\(i["component"] ?? "-") action=\(action) status=\(i["status"] ?? "-") baseline(\(m("baseline"))) current(\(m("current"))) started=\(i["started_at"] ?? "-") detected=\(i["detected_at"] ?? "-") resolved=\(i["resolved_at"] ?? "-") affected: \(affected)"
        }
        return (records, incidents.sorted())
    }

    @Test("four sidecars shipping to PostgreSQL: analyze --fleet reports the incidents and counts of the whole workload")
    func splitEqualsWhole() async throws {
        try await FleetTestDatabase.with { db in
            let dir = TemporaryDirectory(prefix: "fleet-acceptance")
            let root = URL(fileURLWithPath: dir.path)
            let run = Run(executable: try DriftwatchExecutable.url(), directory: root)
            let workload = ["--preset", "mixed", "--seed", "5", "--rate", "100"]
            try await run(["demo", "--out", "whole"] + workload)
            try await run(["demo", "--out", "split", "--files", "4"] + workload)
            let split = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/split").filter { $0.hasSuffix(".jsonl") }.sorted()
            let whole = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/whole").filter { $0.hasSuffix(".jsonl") }
            #expect(split.count == 4 && whole.count == 1, "\(split) \(whole)")

            // The whole workload into one store.
            try "analysis: { export_dir: off }\nretention: { max_age: off }\n".write(toFile: dir.path + "/single.yaml", atomically: true, encoding: .utf8)
            try await run(["ingest", "whole/" + whole[0], "--config", "single.yaml", "--db", "single.sqlite"])
            let single = try await run(["analyze", "--config", "single.yaml", "--db", "single.sqlite", "--format", "json", "--limit", "1000"]).stdout

            // Four sidecars at once, each its share, each shipping when it has committed.
            let env = ["DW_TEST_FLEET_URL": db.url]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, file) in split.enumerated() {
                    let config = "node-\(i).yaml"
                    try "analysis: { export_dir: off }\nretention: { max_age: off }\nfleet: { url_env: DW_TEST_FLEET_URL, node: replica-\(i) }\n"
                        .write(toFile: dir.path + "/" + config, atomically: true, encoding: .utf8)
                    group.addTask {
                        let child = try await run(["ingest", "split/" + file, "--config", config, "--db", "node-\(i).sqlite"], environment: env)
                        #expect(child.stderr.contains("shipped to the fleet store as node replica-\(i)"), "\(child.stderr)")
                    }
                }
                try await group.waitForAll()
            }
            try "analysis: { export_dir: off }\nfleet: { url_env: DW_TEST_FLEET_URL, node: central }\n".write(toFile: dir.path + "/central.yaml", atomically: true, encoding: .utf8)
            let central = try await run(["analyze", "--fleet", "--config", "central.yaml", "--format", "json", "--limit", "1000"], environment: env)
            #expect(central.stderr.contains("fleet of 4 nodes (replica-0, replica-1, replica-2, replica-3)"), "\(central.stderr)")

            let a = try Self.summary(single), b = try Self.summary(central.stdout)
            #expect(a.records["analysed"] ?? 0 > 1000)
            #expect(b.records == a.records)
            // The injected incidents are found at all (else equality would prove little): five causes, five components.
            for component in ["retrieval", "tools", "wrapper", "model", "traffic"] {
                #expect(a.incidents.contains { $0.contains("component=\(component) ") }, "\(component): \(a.incidents)")
            }
            #expect(b.incidents == a.incidents, "whole:\n\(a.incidents.joined(separator: "\n"))\nfleet:\n\(b.incidents.joined(separator: "\n"))")

            // The nodes' ingest counts add up to the whole store's.
            let status = try await run(["status", "--fleet", "--config", "central.yaml", "--format", "json"], environment: env).stdout
            let fleetStatus = try #require(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any], "\(status)")
            let singleStatus = try await run(["status", "--db", "single.sqlite", "--format", "json"]).stdout
            #expect((fleetStatus["nodes"] as? [Any])?.count == 4, "\(status)")
            #expect((fleetStatus["records"] as? NSNumber)?.int64Value == (a.records["analysed"] ?? -1), "\(status)\n\(singleStatus)")

            // A sidecar shipping again (nothing new) changes nothing centrally.
            try await run(["ingest", "split/" + split[0], "--config", "node-0.yaml", "--db", "node-0.sqlite"], environment: env)
            let again = try await run(["analyze", "--fleet", "--config", "central.yaml", "--format", "json", "--limit", "1000"], environment: env)
            let c = try Self.summary(again.stdout)
            #expect(c.records == b.records && c.incidents == b.incidents)

            // The fleet store unreachable: ingest stores the records but says it could not ship, and exits 1.
            let down = try await run(["ingest", "split/" + split[1], "--config", "node-1.yaml", "--db", "node-1.sqlite"],
                                     environment: ["DW_TEST_FLEET_URL": "postgres://postgres@127.0.0.1:1/none?sslmode=disable"], expect: 1)
            #expect(down.stderr.contains("could not ship to the fleet store"), "\(down.stderr)")
        }
    }
}
