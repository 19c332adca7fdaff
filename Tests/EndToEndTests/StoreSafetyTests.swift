import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// The commands that only report: none may create, change or adopt a database.
private let readCommands: [[String]] = [
    ["status"], ["dead-letters"], ["records", "--limit", "1"], ["analyze"], ["analyze", "--no-update"], ["drift"], ["drift", "--no-catch-up"],
    ["dashboards", "--out", "/nonexistent/dashboards"], ["dashboards", "--no-update", "--out", "/nonexistent/dashboards"],
    ["alerts", "silence", "list"], ["alerts", "outbox"],
]

/// The alert commands that write: only to a store that exists and is Driftwatch's.
private let alertWriteCommands: [[String]] = [
    ["alerts", "silence", "add", "task=refund"], ["alerts", "silence", "expire", "sil-1"], ["alerts", "outbox", "--retry"],
    ["alerts", "test", "--receiver", "ops"], ["alerts", "dispatch"],
]

/// Runs the real executable to completion (`--log-level error` keeps stderr to the point).
private func driftwatch(_ arguments: [String], in dir: String, as user: String? = nil) async throws -> (status: Int32?, stdout: String, stderr: String) {
    let executable = try DriftwatchExecutable.url()
    // As root, a read-only file is still writable: run as `nobody` to see what a real reader sees.
    let child = user == nil
        ? try ChildProcess(executable: executable, arguments: arguments, directory: URL(fileURLWithPath: dir))
        : try ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/setpriv"),
                           arguments: ["--reuid=65534", "--regid=65534", "--clear-groups", executable.path] + arguments,
                           directory: URL(fileURLWithPath: dir))
    let status = await child.wait(timeout: 60)
    return (status, child.stdout, child.stderr)
}

/// One format v1 line dated `micros`.
private func line(_ id: String, micros: Int64) -> String {
    let record = RequestRecord(requestID: id, timestampMicros: micros, service: "svc", task: "answer",
                               model: ModelInfo(name: "m", version: "1"), template: TemplateInfo(id: "t", version: "1"), outcome: .success)
    return String(decoding: RecordEncoder().encode(record), as: UTF8.self) + "\n"
}

private func contents(_ dir: String, except: Set<String> = []) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) where !except.contains(name) && !name.hasPrefix("stdout-") && !name.hasPrefix("stderr-") {
        files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
    }
    return files
}

@Suite("Store safety end to end", .serialized)
struct StoreSafetyEndToEndTests {
    @Test("a foreign SQLite file is byte-identical after every command, and the error says why")
    func foreignDatabaseIsNeverChanged() async throws {
        let dir = TemporaryDirectory()
        let foreign = dir.file("app.db")
        do {
            let connection = try SQLiteConnection(path: foreign)
            try connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')")
        }
        let log = dir.file("requests.log")
        try line("r1", micros: WallClock.nowMicros())
            .write(to: URL(fileURLWithPath: log), atomically: true, encoding: .utf8)
        let before = try contents(dir.path)
        // `demo --run` writes its workload and pages elsewhere, then must refuse the store before ingesting.
        let elsewhere = TemporaryDirectory()
        let commands = readCommands + alertWriteCommands + [
            ["ingest", log], ["run", "--path", log], ["config", "check"], ["status", "--check"], ["analyze", "--id", "inc-1"], ["records", "--id", "r1"],
            ["demo", "--run", "--preset", "baseline", "--records", "200", "--out", elsewhere.file("logs"), "--dashboards", elsewhere.file("pages")],
        ]
        for command in commands {
            let result = try await driftwatch(command + ["--db", foreign, "--log-level", "error"], in: dir.path)
            #expect(result.status != nil && result.status != 0, "\(command) exited \(String(describing: result.status))")
            // `config check` reports the problem in its output; the others fail with it.
            let said = result.stderr + result.stdout
            #expect(said.contains("not a Driftwatch store") && said.contains("refusing"), "\(command): \(said)")
            // `run` takes its writer lock (a file of its own) before it opens the store.
            #expect(try contents(dir.path, except: ["app.db.run.lock"]) == before, "\(command) changed the directory")
        }
    }

    @Test("commands that never open a store leave a foreign file as it was")
    func commandsWithoutAStoreLeaveAForeignFile() async throws {
        let dir = TemporaryDirectory()
        let foreign = dir.file("app.db")
        do {
            let connection = try SQLiteConnection(path: foreign)
            try connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')")
        }
        // Two windows for `drift --reference --current`: an hour ago, then now.
        let now = WallClock.nowMicros()
        for (name, start) in [("reference.log", now - 3_600_000_000), ("current.log", now - 60_000_000)] {
            try (0..<5).map { line("\(name)-\($0)", micros: start + Int64($0) * 1_000_000) }.joined()
                .write(to: URL(fileURLWithPath: dir.file(name)), atomically: true, encoding: .utf8)
        }
        let before = try contents(dir.path)
        for command in [["config", "defaults"], ["alerts", "check"], ["drift", "--reference", dir.file("reference.log"), "--current", dir.file("current.log")],
                        ["--version"]] {
            let result = try await driftwatch(command + (command == ["--version"] ? [] : ["--db", foreign, "--log-level", "error"]), in: dir.path)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(try contents(dir.path) == before, "\(command) changed the directory")
        }
    }

    @Test("a mistyped --db creates no file under a reporting command, and says how to create a store")
    func missingDatabaseIsNotCreated() async throws {
        let dir = TemporaryDirectory()
        for command in readCommands + alertWriteCommands {
            let result = try await driftwatch(command + ["--db", dir.file("tpyo.sqlite"), "--log-level", "error"], in: dir.path)
            #expect(result.status != nil && result.status != 0, "\(command) exited \(String(describing: result.status))")
            #expect(result.stderr.contains("no Driftwatch store at") && result.stderr.contains("driftwatch ingest"), "\(command): \(result.stderr)")
            #expect(try contents(dir.path).isEmpty, "\(command) left files behind")
        }
    }

    @Test("a read-only store in a read-only directory works for status and the reports")
    func readOnlyStoreCanBeRead() async throws {
        let dir = TemporaryDirectory()
        let storeDir = dir.file("ro")
        try FileManager.default.createDirectory(atPath: storeDir, withIntermediateDirectories: false)
        let database = storeDir + "/store.sqlite"
        let log = dir.file("requests.log")
        let now = WallClock.nowMicros()
        let lines = (0..<20).map { line("r\($0)", micros: now - Int64($0) * 1_000_000) }
        try lines.joined().write(to: URL(fileURLWithPath: log), atomically: true, encoding: .utf8)
        let ingest = try await driftwatch(["ingest", "--db", database, log], in: dir.path)
        #expect(ingest.status == 0, "\(ingest.stderr)")

        chmod(database, 0o444)
        chmod(storeDir, 0o555)
        chmod(dir.path, 0o755)  // TemporaryDirectory is 0700: let `nobody` in
        defer { chmod(storeDir, 0o755); chmod(database, 0o644) }
        let before = try contents(storeDir)
        let user: String? = getuid() == 0 ? "nobody" : nil
        let status = try await driftwatch(["status", "--db", database], in: "/", as: user)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("records       20"), "\(status.stdout)")
        // A reporting command that would catch up falls back to what is stored, with a warning.
        let analyze = try await driftwatch(["analyze", "--db", database], in: "/", as: user)
        #expect(analyze.status == 0, "\(analyze.stderr)")
        #expect(analyze.stderr.contains("read-only"), "\(analyze.stderr)")
        for command in [["alerts", "silence", "list"], ["alerts", "outbox", "--format", "json"]] {
            let listed = try await driftwatch(command + ["--db", database], in: "/", as: user)
            #expect(listed.status == 0, "\(command): \(listed.stderr)")
        }
        #expect(try contents(storeDir) == before)
    }
}

@Suite("Empty globs end to end", .serialized)
struct EmptyGlobEndToEndTests {
    @Test("run warns at start when a source's glob matches nothing, and when its alert rules have no receiver")
    func runWarnsAboutAnEmptyGlob() async throws {
        let dir = TemporaryDirectory()
        let executable = try DriftwatchExecutable.url()
        let pattern = dir.file("tpyo/*.log")
        let run = try ChildProcess(executable: executable, arguments: ["run", "--db", dir.file("db.sqlite"), "--path", pattern],
                                   directory: URL(fileURLWithPath: dir.path))
        let deadline = Date().addingTimeInterval(30)
        while !run.stderr.contains("matches no file") && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        run.signal(SIGTERM)
        #expect(await run.wait(timeout: 20) == 0)
        #expect(run.stderr.contains("a source's glob matches no file") && run.stderr.contains(pattern), "\(run.stderr.suffix(2000))")
        // No configuration: the built-in rules are loaded, and nothing would receive their notifications.
        #expect(run.stderr.contains("alert rules are loaded but alerts.receivers is empty") && run.stderr.contains("add a receiver"),
                "\(run.stderr.suffix(2000))")
    }
}
