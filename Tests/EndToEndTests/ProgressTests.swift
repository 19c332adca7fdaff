import DriftwatchTesting
import Foundation
import Testing

/// Progress of `analyze`, `drift` and `dashboards` catching up: on a terminal (a pseudo-terminal from `script`), a
/// line with records done / total and the rate; with standard error redirected, nothing, and the same report.
@Suite("Catch-up progress end to end", .serialized)
struct ProgressEndToEndTests {
    /// Runs driftwatch with the progress delay at 0, directly or under `script` (a pty for stdin, stdout and stderr).
    static func run(_ arguments: [String], in dir: TemporaryDirectory, terminal: Bool) async throws -> (status: Int32?, stdout: String, stderr: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["DRIFTWATCH_PROGRESS_DELAY_MS"] = "0"
        let executable = try DriftwatchExecutable.url()
        let child = terminal
            ? try ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/script"),
                               arguments: ["-qefc", ([executable.path] + arguments).map { "'\($0)'" }.joined(separator: " "), "/dev/null"],
                               directory: URL(fileURLWithPath: dir.path), environment: environment)
            : try ChildProcess(executable: executable, arguments: arguments, directory: URL(fileURLWithPath: dir.path), environment: environment)
        let status = await child.wait(timeout: 300)
        return (status, child.stdout, child.stderr)
    }

    /// Two stores holding the same 12,000 records, not yet analysed.
    static func stores(_ dir: TemporaryDirectory) async throws -> (String, String) {
        let demo = try await run(["demo", "--out", dir.file("logs"), "--preset", "baseline", "--records", "12000"], in: dir, terminal: false)
        try #require(demo.status == 0, "\(demo.stderr)")
        let log = try FileManager.default.contentsOfDirectory(atPath: dir.file("logs")).filter { $0.hasSuffix(".jsonl") }.map { dir.file("logs/\($0)") }
        for db in ["tty.sqlite", "pipe.sqlite"] {
            let ingest = try await run(["ingest", "--db", dir.file(db), "--log-level", "error"] + log, in: dir, terminal: false)
            try #require(ingest.status == 0, "\(ingest.stderr)")
        }
        return (dir.file("tty.sqlite"), dir.file("pipe.sqlite"))
    }

    @Test("on a terminal: records done / total and the rate; redirected: no progress, the same report")
    func terminalOnly() async throws {
        let dir = TemporaryDirectory()
        let (tty, pipe) = try await Self.stores(dir)

        let shown = try await Self.run(["analyze", "--db", tty], in: dir, terminal: true)
        #expect(shown.status == 0, "\(shown.stdout)")
        #expect(shown.stdout.contains("analysis: 12,000 / 12,000 records (100%)") && shown.stdout.contains("records/s"), "\(shown.stdout.suffix(1500))")
        let drift = try await Self.run(["drift", "--db", tty], in: dir, terminal: true)
        #expect(drift.stdout.contains("drift: 12,000 / 12,000 records (100%)"), "\(drift.stdout.suffix(1500))")

        let analyze = try await Self.run(["analyze", "--db", pipe], in: dir, terminal: false)
        #expect(analyze.status == 0, "\(analyze.stderr)")
        #expect(!analyze.stderr.contains("records/s") && !analyze.stderr.contains("\r"), "\(analyze.stderr)")
        let stored = try await Self.run(["analyze", "--db", pipe, "--no-update"], in: dir, terminal: false)
        #expect(analyze.stdout == stored.stdout, "catching up printed a different report")
        #expect(analyze.stdout.contains("12,000") || analyze.stdout.contains("12000"), "\(analyze.stdout.prefix(600))")
        for command in [["drift", "--db", pipe], ["dashboards", "--db", pipe, "--out", dir.file("pages")]] {
            let result = try await Self.run(command, in: dir, terminal: false)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("records/s") && !result.stderr.contains("\r"), "\(command): \(result.stderr)")
        }
    }
}
