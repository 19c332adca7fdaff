import DriftwatchTesting
import Foundation
import Testing

private func driftwatch(_ arguments: [String], in dir: TemporaryDirectory) async throws -> (status: Int32?, stdout: String, stderr: String) {
    let child = try ChildProcess(executable: try DriftwatchExecutable.url(), arguments: arguments, directory: URL(fileURLWithPath: dir.path))
    let status = await child.wait(timeout: 60)
    return (status, child.stdout, child.stderr)
}

@Suite("Command line habits", .serialized)
struct CommandLineTests {
    @Test("--version prints the version and the build's commit")
    func version() async throws {
        let dir = TemporaryDirectory()
        let result = try await driftwatch(["--version"], in: dir)
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.wholeMatch(of: /driftwatch \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,40}|unknown)\)/) != nil, "\(line)")
    }

    @Test("enum options are checked by the parser, which lists the valid values", arguments: [
        (["analyze", "--status", "closed"], ["open", "resolved"]),
        (["status", "--log-level", "verbose"], ["debug", "warning"]),
        (["status", "--format", "yaml"], ["text", "json"]),
    ])
    func enumOptionsAreValidated(arguments: [String], listed: [String]) async throws {
        let dir = TemporaryDirectory()
        let result = try await driftwatch(arguments + ["--db", dir.file("none.sqlite")], in: dir)
        #expect(result.status != 0)
        // Short lists are quoted inline, long ones one per line.
        #expect(listed.allSatisfy { result.stderr.contains("'\($0)'") || result.stderr.contains("- \($0)\n") }, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("none.sqlite")))
    }

    @Test("config defaults prints a configuration config check accepts; config check fails on a bad key")
    func configCommands() async throws {
        let dir = TemporaryDirectory()
        let defaults = try await driftwatch(["config", "defaults"], in: dir)
        #expect(defaults.status == 0, "\(defaults.stderr)")
        #expect(defaults.stdout.contains("retention:\n  max_age: 30d\n"), "\(defaults.stdout)")
        try defaults.stdout.write(toFile: dir.file("full.yaml"), atomically: true, encoding: .utf8)
        let check = try await driftwatch(["config", "check", "--config", dir.file("full.yaml")], in: dir)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("alert rules") && check.stdout.contains("dashboards"), "\(check.stdout)")

        try "retention: { max_age: 30 }\n".write(toFile: dir.file("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try await driftwatch(["config", "check", "--config", dir.file("bad.yaml")], in: dir)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("retention.max_age") && bad.stderr.contains("unit"), "\(bad.stderr)")
    }
}

@Suite("Mistyped subcommands", .serialized)
struct MistypedCommandTests {
    @Test("a mistyped subcommand gets the closest one suggested, at any level", arguments: [
        (["statsu"], "unknown command 'statsu'; did you mean 'status'?"),
        (["dashbaords", "--out", "x"], "unknown command 'dashbaords'; did you mean 'dashboards'?"),
        (["alerts", "silense", "list"], "unknown command 'alerts silense'; did you mean 'alerts silence'?"),
        (["config", "chek"], "unknown command 'config chek'; did you mean 'config check'?"),
    ])
    func suggestion(arguments: [String], message: String) async throws {
        let dir = TemporaryDirectory()
        let result = try await driftwatch(arguments, in: dir)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a word close to nothing is left to the parser; real subcommands and their arguments are untouched")
    func noSuggestion() async throws {
        let dir = TemporaryDirectory()
        let unknown = try await driftwatch(["xyzzy"], in: dir)
        #expect(unknown.status != 0)
        #expect(!unknown.stderr.contains("did you mean"), "\(unknown.stderr)")
        let help = try await driftwatch(["help", "status"], in: dir)
        #expect(help.status == 0 && help.stdout.contains("driftwatch status"), "\(help.stdout)\(help.stderr)")
        let defaults = try await driftwatch(["config", "defaults"], in: dir)
        #expect(defaults.status == 0, "\(defaults.stderr)")
    }
}
