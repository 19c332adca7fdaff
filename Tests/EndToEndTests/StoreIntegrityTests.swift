import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// A store damaged in the middle of the file, as a bad disk or a stray `dd` leaves it: every command's behaviour.
@Suite("Store integrity end to end", .serialized)
struct StoreIntegrityEndToEndTests {
    private func driftwatch(_ arguments: [String], in dir: TemporaryDirectory) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(executable: try DriftwatchExecutable.url(), arguments: arguments, directory: URL(fileURLWithPath: dir.path))
        let status = await child.wait(timeout: 300)
        return (status, child.stdout, child.stderr)
    }

    /// Format v1 lines with varied tasks, so the stored blocks span many pages.
    private func lines(_ prefix: String, count: Int, now: Int64) -> String {
        (0..<count).map { i in
            let record = RequestRecord(requestID: "\(prefix)-\(i)", timestampMicros: now - Int64(count - i) * 50_000, service: "svc",
                                       task: "task-\(i % 7)", model: ModelInfo(name: "m", version: "1"),
                                       template: TemplateInfo(id: "t", version: "1"), outcome: i % 11 == 0 ? .failure : .success)
            return String(decoding: RecordEncoder().encode(record), as: UTF8.self) + "\n"
        }.joined()
    }

    /// A store of 30,000 records ingested without analysis (so `analyze`, `drift` and `dashboards` read them all).
    private func makeStore(_ dir: TemporaryDirectory) async throws -> String {
        let database = dir.file("store.sqlite")
        let log = dir.file("requests.log")
        try lines("r", count: 30_000, now: WallClock.nowMicros()).write(toFile: log, atomically: true, encoding: .utf8)
        let ingest = try await driftwatch(["ingest", "--db", database, log, "--log-level", "error"], in: dir)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        return database
    }

    /// Overwrites the middle third of the pages holding record blocks' contents (overflow pages, found with SQLite's
    /// `dbstat`) with garbage: the header, the schema and the tables' b-trees stay intact, as with a bad sector.
    private func damageRecordPages(_ database: String) throws -> [Int64] {
        let connection = try SQLiteConnection(path: database, access: .readOnly)
        let pageSize = try connection.scalarInt("PRAGMA page_size")
        let statement = try connection.prepare("SELECT pageno FROM dbstat WHERE name = 'record_blocks' AND pagetype = 'overflow' ORDER BY pageno")
        var pages: [Int64] = []
        while try statement.step() { pages.append(statement.int64(0)) }
        try #require(pages.count >= 6, "the store has \(pages.count) overflow pages of record blocks")
        let damaged = Array(pages[(pages.count / 3)..<(2 * pages.count / 3)])
        let handle = try #require(FileHandle(forUpdatingAtPath: database))
        for page in damaged {
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(pageSize)))
        }
        try handle.close()
        return damaged
    }

    @Test("mid-file damage: status --check reports it naming the file (exit 1); the readers fail naming it; ingest writes on; run logs and counts it")
    func midFileDamage() async throws {
        let dir = TemporaryDirectory()
        let database = try await makeStore(dir)
        let sound = try await driftwatch(["status", "--check", "--db", database], in: dir)
        #expect(sound.status == 0, "\(sound.stderr)")
        #expect(sound.stdout.contains("integrity     ok"), "\(sound.stdout)")
        let damaged = try damageRecordPages(database)

        // status --check: damage, the file, SQLite's words, what to do; exit 1. JSON says the same.
        let check = try await driftwatch(["status", "--check", "--db", database], in: dir)
        #expect(check.status == 1, "status --check exited \(String(describing: check.status)): \(check.stdout) \(check.stderr)")
        #expect(check.stdout.contains("the database \(database) is DAMAGED"), "\(check.stdout)")
        #expect(check.stdout.contains(".recover"), "\(check.stdout)")
        let json = try await driftwatch(["status", "--check", "--format", "json", "--db", database], in: dir)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let integrity = try #require(object["integrity"] as? [String: Any])
        #expect(object["database"] as? String == database)
        #expect(integrity["ok"] as? Bool == false)
        #expect(((integrity["problems"] as? [String]) ?? []).count >= 1, "\(integrity)")
        // Plain status reads only totals (it does not touch the damaged pages) and says the file was not checked.
        let status = try await driftwatch(["status", "--db", database], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("status --check"), "\(status.stdout)")

        // Every command that reads the records meets the damage: a failure naming the file and the check to run.
        for command in [["analyze"], ["drift"], ["dashboards", "--out", dir.file("site")]] {
            let result = try await driftwatch(command + ["--db", database, "--log-level", "error"], in: dir)
            #expect(result.status != nil && result.status != 0, "\(command) exited \(String(describing: result.status))")
            #expect(result.stderr.contains("the database \(database) is damaged") && result.stderr.contains("status --check"),
                    "\(command): \(result.stderr)")
        }

        // ingest appends to pages that are sound: it stores the new records (and the damage is still reported).
        let more = dir.file("more.log")
        try lines("m", count: 500, now: WallClock.nowMicros()).write(toFile: more, atomically: true, encoding: .utf8)
        let ingest = try await driftwatch(["ingest", "--db", database, more, "--format", "json", "--log-level", "error"], in: dir)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let ingested = try #require(try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [String: Any], "\(ingest.stdout)")
        #expect((ingested["inserted"] as? NSNumber)?.intValue == 500, "\(ingest.stdout)")
        #expect(try await driftwatch(["status", "--check", "--db", database], in: dir).status == 1)

        // run: the check at start and the analyzer's reads find it; logged at error level naming the file, counted
        // in /metrics, and run keeps serving (ingest and /metrics go on) until stopped.
        let port = try OTLPCrashRecoveryTests.freePort()
        let config = URL(fileURLWithPath: dir.file("driftwatch.yaml"))
        try """
            database: \(database)
            sources:
              - paths: ["\(dir.file("live.log"))"]
            server:
              listen: 127.0.0.1:\(port)
            """.write(to: config, atomically: true, encoding: .utf8)
        try "".write(toFile: dir.file("live.log"), atomically: true, encoding: .utf8)
        let run = try await OTLPCrashRecoveryTests.start(config: config, port: port, directory: URL(fileURLWithPath: dir.path))
        var counted = 0.0
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let text = try await HTTPTestClient(port: port).request("GET", "/metrics").text
            counted = try MetricsEndToEndTests.parse(text, in: dir).first { $0.name == "driftwatch_store_damage_errors_total" }?.value ?? 0
            if counted > 0 && run.stderr.contains("the database file is damaged") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(counted >= 1, "driftwatch_store_damage_errors_total stayed \(counted)")
        let log = run.stderr
        #expect(log.contains("error") && log.contains("the database file is damaged") && log.contains(database), "\(log.suffix(3000))")
        #expect(run.process.isRunning, "run exited: \(log.suffix(3000))")
        run.signal(SIGTERM)
        _ = await run.wait(timeout: 60)
        #expect(!damaged.isEmpty)
    }

    @Test("damage to the schema page: every command's error names the database file")
    func openErrorsNameTheFile() async throws {
        let dir = TemporaryDirectory()
        let database = try await makeStore(dir)
        // Page 1 past the 100-byte header holds sqlite_schema: the file still opens, its schema does not read.
        let handle = try #require(FileHandle(forUpdatingAtPath: database))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4000))
        try handle.close()
        for command in [["status"], ["status", "--check"], ["analyze"], ["drift"], ["ingest", dir.file("requests.log")], ["run", "--path", dir.file("requests.log")]] {
            let result = try await driftwatch(command + ["--db", database, "--log-level", "error"], in: dir)
            #expect(result.status != nil && result.status != 0, "\(command) exited \(String(describing: result.status))")
            #expect(result.stderr.contains(database) && result.stderr.contains("damaged"), "\(command): \(result.stderr)")
        }
    }
}
