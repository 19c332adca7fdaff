import DriftwatchCore
import DriftwatchTesting
import Foundation
import Testing

/// Issue 18, item 5: log-derived text reaches the operator's terminal only with its control characters, escapes
/// and bidi overrides made visible, in every text output; `--format json` keeps the values exact.
@Suite("Terminal-safe output end to end", .serialized)
struct TerminalSafeOutputTests {
    /// Retitles the terminal, rings the bell, clears the screen, and reverses what follows.
    static let task = "refund\u{1b}]0;PWNED\u{07}\u{1b}[2J"
    static let language = "de\u{202E}gnp.exe"
    static let tool = "search\u{9b}31m"
    static let check = "grounded\u{1b}[8m"

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static func run(_ arguments: [String], in dir: String) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(executable: try DriftwatchExecutable.url(), arguments: arguments + ["--log-level", "error"],
                                     directory: URL(fileURLWithPath: dir))
        let status = await child.wait(timeout: 120)
        return (status, child.stdout, child.stderr)
    }

    /// Six hours at 30 requests a minute; the last two fail half the time in `language` = `de…`, so an incident opens.
    static func writeLog(_ path: String) throws {
        let start = WallClock.nowMicros() - 6 * 3_600_000_000
        var lines: [String] = []
        var rng = SystemRandomNumberGenerator()
        let encoder = RecordEncoder()
        for i in 0..<(6 * 60 * 30) {
            let t = start + Int64(i) * 2_000_000
            let late = i > 4 * 60 * 30
            let german = i % 3 == 0
            let fails = Double.random(in: 0..<1, using: &rng) < (late && german ? 0.6 : 0.03)
            let record = RequestRecord(
                requestID: "r\(i)", timestampMicros: t, service: "svc", task: task,
                model: ModelInfo(name: "m", version: "1"), template: TemplateInfo(id: "t", version: "1"),
                tools: [ToolCall(name: tool, version: "1", status: .ok)],
                validation: [ValidationCheck(check: check, passed: !fails)],
                outcome: fails ? .failure : .success, latency: StageLatency(total: 100),
                slices: [Slice(key: "language", value: .string(german ? language : "en"))])
            lines.append(String(decoding: encoder.encode(record), as: UTF8.self))
        }
        // Dead letters: a line that is not JSON, and one with a task of the wrong type.
        lines.append("\u{1b}]0;PWNED\u{07} not json \u{202E}")
        lines.append(#"{"request_id":"bad","timestamp":"2026-01-01T00:00:00Z","task":7,"note":"\u001b]0;PWNED\u0007"}"#)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("analyze, drift, status, dead-letters and records print log text visibly escaped")
    func everyTextOutputIsSafe() async throws {
        let dir = TemporaryDirectory()
        let log = dir.file("requests.log")
        try Self.writeLog(log)
        let db = dir.file("store.sqlite")
        let ingest = try await Self.run(["ingest", "--db", db, log], in: dir.path)
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let commands: [[String]] = [
            ["ingest", "--db", db, log], ["analyze", "--db", db], ["drift", "--db", db, "--all"],
            ["status", "--db", db], ["dead-letters", "--db", db], ["records", "--db", db, "--limit", "5"],
        ]
        var printed = ""
        for command in commands {
            let result = try await Self.run(command, in: dir.path)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            let unsafe = (result.stdout + result.stderr).unicodeScalars.filter(Self.isUnsafe)
            #expect(unsafe.isEmpty, "\(command) printed \(unsafe.map { String($0.value, radix: 16) })")
            printed += result.stdout
        }
        // The hostile strings were printed, visibly: the test saw them, not only their absence.
        #expect(printed.contains("\\u{1b}]0;PWNED\\u{7}"), "the task never reached an output")
        #expect(printed.contains("\\u{202e}") || printed.contains("\\u202e"), "the slice value never reached an output")

        // JSON output keeps the exact values, with nothing a terminal acts on left raw.
        for command in [["analyze", "--db", db, "--format", "json"], ["dead-letters", "--db", db, "--format", "json"], ["drift", "--db", db, "--format", "json"]] {
            let result = try await Self.run(command, in: dir.path)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(!result.stdout.unicodeScalars.contains(where: Self.isUnsafe), "\(command)")
            #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "\(command) is not JSON")
        }
        let analysis = try await Self.run(["analyze", "--db", db, "--format", "json"], in: dir.path)
        #expect(analysis.stdout.contains("refund\\u001b]0;PWNED\\u0007"), "the task is not in the JSON")
        let json = try await Self.run(["records", "--db", db, "--limit", "1"], in: dir.path)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.split(separator: "\n")[0].utf8)) as? [String: Any]
        #expect(object?["task"] as? String == Self.task)
    }
}
