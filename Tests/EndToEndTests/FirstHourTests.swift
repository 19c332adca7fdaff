import DriftwatchTesting
import Foundation
import Testing

/// Issue #14's "Why" mistakes that no other suite covered, one test each (docs/first-hour.md maps every bullet to
/// its test): each gets a clear answer naming what to do, from the real executable.
@Suite("The first hour's mistakes", .serialized)
struct FirstHourTests {
    static func driftwatch(_ arguments: [String], in dir: TemporaryDirectory, timeout: Double = 300) async throws
        -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(executable: try DriftwatchExecutable.url(), arguments: arguments, directory: URL(fileURLWithPath: dir.path))
        let status = await child.wait(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }

    /// A store holding several incidents: the `mixed` demo (five causes in turn), ingested and analysed.
    static func storeWithIncidents(_ dir: TemporaryDirectory) async throws -> String {
        let db = dir.file("db.sqlite")
        let demo = try await driftwatch(["demo", "--out", dir.file("logs"), "--preset", "mixed", "--rate", "40"], in: dir)
        try #require(demo.status == 0, "\(demo.stderr)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir.file("logs")).filter { $0.hasSuffix(".jsonl") }.sorted()
        let ingest = try await driftwatch(["ingest", "--db", db, "--analyze"] + logs.map { dir.file("logs/" + $0) }, in: dir)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        return db
    }

    @Test("analyze --limit and --status change what is listed, never the summary's counts")
    func limitKeepsTheSummary() async throws {
        let dir = TemporaryDirectory()
        let db = try await Self.storeWithIncidents(dir)
        func summary(_ extra: [String]) async throws -> (line: String, listed: Int) {
            let result = try await Self.driftwatch(["analyze", "--db", db, "--no-update"] + extra, in: dir)
            try #require(result.status == 0, "\(result.stderr)")
            let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("incidents: ") }, "\(result.stdout)")
            let listed = result.stdout.split(separator: "\n").filter { $0.hasPrefix("OPEN ") || $0.hasPrefix("resolved ") || $0.hasPrefix("withdrawn ") }.count
            return (String(line), listed)
        }
        let all = try await summary([])
        let counts = try #require(all.line.firstMatch(of: /incidents: (\d+) open, (\d+) resolved/))
        let total = Int(counts.1)! + Int(counts.2)!
        try #require(total >= 2, "the mixed preset opens several incidents: \(all.line)")
        let one = try await summary(["--limit", "1"])
        #expect(one.line.hasPrefix("incidents: \(counts.1) open, \(counts.2) resolved"), "\(one.line) vs \(all.line)")
        #expect(one.line.hasSuffix("(1 shown)"), "\(one.line)")
        let resolved = try await summary(["--status", "resolved"])
        #expect(resolved.line.hasPrefix("incidents: \(counts.1) open, \(counts.2) resolved"), "\(resolved.line)")
    }

    @Test("drift --incidents reads what analyze --format json printed, and joins it as drift joins the store's")
    func driftReadsAnalyzeOutput() async throws {
        let dir = TemporaryDirectory()
        let db = try await Self.storeWithIncidents(dir)
        let analyze = try await Self.driftwatch(["analyze", "--db", db, "--no-update", "--format", "json", "--limit", "1000"], in: dir)
        try #require(analyze.status == 0, "\(analyze.stderr)")
        try analyze.stdout.write(toFile: dir.file("incidents.json"), atomically: true, encoding: .utf8)

        let fromStore = try await Self.driftwatch(["drift", "--db", db, "--format", "json"], in: dir)
        let fromFile = try await Self.driftwatch(["drift", "--db", db, "--no-catch-up", "--incidents", dir.file("incidents.json"), "--format", "json"], in: dir)
        #expect(fromStore.status == 0, "\(fromStore.stderr)")
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        func recommendations(_ text: String) throws -> [NSDictionary] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return (object["recommendations"] as? [[String: Any]] ?? []).map { $0 as NSDictionary }
        }
        let joined = try recommendations(fromFile.stdout)
        #expect(joined == (try recommendations(fromStore.stdout)))
        #expect(joined.contains { (($0["incidents"] as? [Any]) ?? []).count > 0 }, "no recommendation linked an incident: \(fromFile.stdout.prefix(2000))")

        // Something else is an error naming the item and key, not a raw DecodingError.
        try #"[{"component": "tools", "action": "tool_fix"}]"#.write(toFile: dir.file("bad.json"), atomically: true, encoding: .utf8)
        let bad = try await Self.driftwatch(["drift", "--db", db, "--no-catch-up", "--incidents", dir.file("bad.json")], in: dir)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("[0]: scope is missing") && bad.stderr.contains("analyze --format json"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("DecodingError") && !bad.stderr.contains("keyNotFound"), "\(bad.stderr)")
    }

    @Test("a wrong dashboard definitions path is named, with what to do, not a Foundation error")
    func missingDefinitionsDirectory() async throws {
        let dir = TemporaryDirectory()
        let log = dir.file("requests.log")
        try #"{"request_id":"r1","timestamp":"2026-12-01T00:00:00Z"}"#.appending("\n").write(toFile: log, atomically: true, encoding: .utf8)
        let ingest = try await Self.driftwatch(["ingest", "--db", dir.file("db.sqlite"), log], in: dir)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        let missing = dir.file("Dashbaords")
        let result = try await Self.driftwatch(["dashboards", "--db", dir.file("db.sqlite"), "--definitions", missing, "--out", dir.file("out")], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(missing): no such dashboard definitions directory") && result.stderr.contains("shipped definitions"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("The operation could not be completed")
                && !result.stderr.contains("The file"), "\(result.stderr)")

        // The same path in the configuration: `config check` says so and fails.
        try "dashboards: { definitions: \(missing) }\n".write(toFile: dir.file("driftwatch.yaml"), atomically: true, encoding: .utf8)
        let check = try await Self.driftwatch(["config", "check"], in: dir)
        #expect(check.status != 0)
        #expect((check.stdout + check.stderr).contains("no such dashboard definitions directory"), "\(check.stdout)\(check.stderr)")
    }

    @Test("records prints the stored lines exactly as they were written, by task, id and ids-from file")
    func recordsPrintsTheOriginalLines() async throws {
        let dir = TemporaryDirectory()
        // Key order, spacing and an unknown field of the service's own: the stored line keeps them all.
        let lines = (0..<30).map { i in
            #"{"timestamp": "2026-12-01T00:00:\#(String(format: "%02d", i))Z", "request_id":"r\#(i)","task":"\#(i % 3 == 0 ? "refund" : "other")","#
                + #""outcome":"success","x_trace":{"span": \#(i)}}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("requests.log"), atomically: true, encoding: .utf8)
        let db = dir.file("db.sqlite")
        let ingest = try await Self.driftwatch(["ingest", "--db", db, dir.file("requests.log")], in: dir)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        let byTask = try await Self.driftwatch(["records", "--db", db, "--task", "refund"], in: dir)
        #expect(byTask.status == 0, "\(byTask.stderr)")
        #expect(byTask.stdout == lines.enumerated().filter { $0.offset % 3 == 0 }.map { $0.element + "\n" }.joined(), "\(byTask.stdout)")
        try (#"{"request_id":"r7","label":"failing"}"# + "\n" + #"{"request_id":"r12","label":"passing"}"# + "\n").write(toFile: dir.file("ids.jsonl"), atomically: true, encoding: .utf8)
        let fromFile = try await Self.driftwatch(["records", "--db", db, "--ids-from", dir.file("ids.jsonl")], in: dir)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout == lines[7] + "\n" + lines[12] + "\n", "\(fromFile.stdout)")
        let byIDs = try await Self.driftwatch(["records", "--db", db, "--id", "r29", "--id", "r3"], in: dir)
        #expect(byIDs.status == 0, "\(byIDs.stderr)")
        #expect(byIDs.stdout == lines[3] + "\n" + lines[29] + "\n", "\(byIDs.stdout)")
    }

    @Test("README's test command installs every Python package the test scripts import")
    func testScriptInstallsThePythonPackages() async throws {
        let root = DriftwatchExecutable.packageRoot
        let script = try String(contentsOf: root.appendingPathComponent("Scripts/test.sh"), encoding: .utf8)
        // Third-party modules the scripts import, with the distribution that provides each (as installed here).
        let probe = #"""
            import ast, glob, importlib.metadata, json, sys
            found = {}
            dists = importlib.metadata.packages_distributions()
            for path in sorted(glob.glob(sys.argv[1] + "/Tests/*/Scripts/*.py")):
                tree = ast.parse(open(path).read())
                for node in ast.walk(tree):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
                    for name in names:
                        top = name.split(".")[0]
                        if top in sys.stdlib_module_names:
                            continue
                        found.setdefault(name, {"script": path.split("/Tests/")[1], "dists": dists.get(top, [])})
            print(json.dumps(found))
            """#
        let output = try await offPool { try ProcessRunner.run("/usr/bin/env", ["python3", "-c", probe, root.path]) }
        let modules = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: [String: Any]])
        #expect(modules.keys.contains { $0.hasPrefix("opentelemetry") } && modules.keys.contains { $0.hasPrefix("aiosmtpd") }, "\(modules.keys.sorted())")
        let guardLine = try #require(script.split(separator: "\n").first { $0.contains("python3 -c \"import ") }, "test.sh checks no Python import")
        let normalized = script.lowercased().replacingOccurrences(of: "_", with: "-")
        for (module, info) in modules {
            let dists = (info["dists"] as? [String] ?? []).map { $0.lowercased().replacingOccurrences(of: "_", with: "-") }
            #expect(!dists.isEmpty, "\(module) (imported by \(info["script"] ?? "")) is not installed here")
            // The distribution is in the pip list, and the import guard checks the module (else it is never installed).
            #expect(dists.contains { normalized.contains(" " + $0) }, "\(module): none of \(dists) is installed by Scripts/test.sh")
            let top = String(module.split(separator: ".")[0])
            #expect(guardLine.contains("import " + top) || guardLine.contains(", " + top), "\(module): Scripts/test.sh's import check does not cover \(top)")
        }
    }
}
