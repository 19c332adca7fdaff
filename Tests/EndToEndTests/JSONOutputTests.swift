import DriftwatchTesting
import Foundation
import Testing

/// Every `--format json` output on a demo store: snake_case keys, numbers as numbers, missing values as null (not
/// left out, not ""), and exactly the keys docs/json.md documents for that command.
@Suite("JSON output end to end", .serialized)
struct JSONOutputTests {
    /// One command's section of docs/json.md: its example and the paths whose keys are data (scopes, slices…).
    struct Documented {
        var command: String
        var example: Any
        var maps: Set<String>
    }

    /// Sections start with "## `driftwatch COMMAND --format json`"; the first ```json block is the example; a line
    /// "Maps (keys are data): `path`, `path`" lists the free-form objects.
    static func documentation() throws -> [String: Documented] {
        let text = try String(contentsOf: DriftwatchExecutable.packageRoot.appendingPathComponent("docs/json.md"), encoding: .utf8)
        var sections: [String: Documented] = [:]
        for chunk in text.components(separatedBy: "\n## `driftwatch ").dropFirst() {
            let command = String(chunk.prefix { $0 != "`" }).replacingOccurrences(of: " --format json", with: "")
            guard let start = chunk.range(of: "```json\n"), let end = chunk.range(of: "\n```", range: start.upperBound..<chunk.endIndex) else { continue }
            let example = try JSONSerialization.jsonObject(with: Data(chunk[start.upperBound..<end.lowerBound].utf8), options: [.fragmentsAllowed])
            var maps: Set<String> = []
            if let line = chunk.split(separator: "\n").first(where: { $0.hasPrefix("Maps (keys are data):") }) {
                maps = Set(line.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
            }
            sections[command] = Documented(command: command, example: example, maps: maps)
        }
        return sections
    }

    /// Key sets of every object, by path (`incidents[].baseline`), skipping the insides of maps.
    static func shapes(_ value: Any, path: String = "", maps: Set<String>, into out: inout [String: Set<String>]) {
        if let object = value as? [String: Any] {
            out[path, default: []].formUnion(object.keys)
            if maps.contains(path) { return }
            for (key, child) in object { shapes(child, path: path.isEmpty ? key : "\(path).\(key)", maps: maps, into: &out) }
        } else if let array = value as? [Any] {
            for item in array { shapes(item, path: path + "[]", maps: maps, into: &out) }
        }
    }

    /// The three rules, checked everywhere outside maps; returns what breaks them.
    static func violations(_ value: Any, path: String = "", maps: Set<String>) -> [String] {
        var found: [String] = []
        if let object = value as? [String: Any] {
            if maps.contains(path) {
                // A map's keys are data; its values still follow the rules for numbers and missing values.
                for (key, child) in object where child is String && (child as! String).isEmpty { found.append("\(path).\(key): empty string") }
                return found
            }
            for (key, child) in object {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if key.wholeMatch(of: /[a-z][a-z0-9]*(_[a-z0-9]+)*/) == nil { found.append("\(childPath): key is not snake_case") }
                found += violations(child, path: childPath, maps: maps)
            }
        } else if let array = value as? [Any] {
            for item in array { found += violations(item, path: path + "[]", maps: maps) }
        } else if let string = value as? String {
            if string.isEmpty { found.append("\(path): empty string instead of null") }
            if string.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/) != nil { found.append("\(path): number as a string \"\(string)\"") }
        }
        return found
    }

    static func run(_ arguments: [String], in dir: TemporaryDirectory) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(executable: try DriftwatchExecutable.url(), arguments: arguments, directory: URL(fileURLWithPath: dir.path))
        let status = await child.wait(timeout: 300)
        return (status, child.stdout, child.stderr)
    }

    @Test("every command's JSON: snake_case, numbers as numbers, null for missing values, the documented keys")
    func everyCommand() async throws {
        let dir = TemporaryDirectory()
        let db = dir.file("db.sqlite")
        let docs = try Self.documentation()
        // A workload with a tool outage (an incident with numeric details), a dead letter, a silence.
        let demo = try await Self.run(["demo", "--out", dir.file("logs"), "--preset", "tool-outage", "--rate", "100", "--format", "json"], in: dir)
        try #require(demo.status == 0, "\(demo.stderr)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir.file("logs")).filter { $0.hasSuffix(".jsonl") }.map { dir.file("logs/\($0)") }
        try "{\"request_id\": 7}\n".write(toFile: dir.file("bad.jsonl"), atomically: true, encoding: .utf8)
        try "database: \(db)\nsources:\n  - paths: [\"\(dir.file("logs"))/*.jsonl\"]\nalerts:\n  receivers:\n    - name: ops\n      webhook: { url: \"http://127.0.0.1:9/hook\" }\n"
            .write(toFile: dir.file("driftwatch.yaml"), atomically: true, encoding: .utf8)
        let ingest = try await Self.run(["ingest", "--format", "json"] + logs + [dir.file("bad.jsonl")], in: dir)
        try #require(ingest.status != nil, "\(ingest.stderr)")
        let silence = try await Self.run(["alerts", "silence", "add", "task=refund_question", "--comment", "maintenance"], in: dir)
        try #require(silence.status == 0, "\(silence.stderr)")

        // `demo --run` on a store of its own: generation, ingest (analysing) and status in one document.
        let demoRun = try await Self.run(["demo", "--run", "--preset", "baseline", "--records", "3000", "--out", dir.file("demo-logs"),
                                          "--dashboards", dir.file("pages"), "--db", dir.file("demo.sqlite"), "--format", "json"], in: dir)
        #expect(demoRun.status == 0, "\(demoRun.stderr)")
        var outputs: [(command: String, stdout: String)] = [("demo", demo.stdout), ("demo --run", demoRun.stdout), ("ingest", ingest.stdout)]
        for command in [["status"], ["dead-letters"], ["analyze"], ["drift"], ["alerts", "check"], ["alerts", "silence", "list"],
                        ["alerts", "outbox"], ["config", "check"]] {
            let result = try await Self.run(command + ["--format", "json"], in: dir)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            outputs.append((command.joined(separator: " "), result.stdout))
        }
        #expect(Set(outputs.map(\.command)) == Set(docs.keys), "docs/json.md sections: \(docs.keys.sorted())")

        for (command, stdout) in outputs {
            let parsed = try #require(try? JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed]),
                                      "\(command) printed no JSON: \(stdout.prefix(500))")
            guard let doc = docs[command] else { continue }
            let broken = Self.violations(parsed, maps: doc.maps)
            #expect(broken.isEmpty, "\(command): \(broken.prefix(20))")
            #expect(Self.violations(doc.example, maps: doc.maps).isEmpty, "docs/json.md example of \(command): \(Self.violations(doc.example, maps: doc.maps))")
            var actual: [String: Set<String>] = [:]
            var documented: [String: Set<String>] = [:]
            Self.shapes(parsed, maps: doc.maps, into: &actual)
            Self.shapes(doc.example, maps: doc.maps, into: &documented)
            for (path, keys) in actual where !doc.maps.contains(path) {
                #expect(documented[path] == keys, "\(command) at `\(path.isEmpty ? "." : path)`: prints \(keys.sorted()), docs/json.md shows \(documented[path]?.sorted() ?? [])")
            }
        }
        // The analysis found the outage, and its numeric details are numbers.
        let analysis = try #require(try JSONSerialization.jsonObject(with: Data(outputs.first { $0.command == "analyze" }!.stdout.utf8)) as? [String: Any])
        let incidents = try #require(analysis["incidents"] as? [[String: Any]])
        let tool = try #require(incidents.first { ($0["component"] as? String) == "tools" }, "\(incidents.map { $0["component"] ?? "" })")
        #expect(((tool["recommendation"] as? [String: Any])?["details"] as? [String: Any])?["failure_rate"] is NSNumber)
        #expect(tool.keys.contains("resolved_at") && tool["resolved_at"] != nil)
    }
}
