import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Synchronization
import Testing

/// The same request in a service's own schema and in format v1.
private enum ServiceLog {
    static let baseMillis: Int64 = 1_764_064_800_000

    static func serviceLine(_ i: Int) -> String {
        let status = i % 7 == 0 ? "error" : "ok"
        return #"{"id":"req-\#(i)","ts":\#(baseMillis + Int64(i) * 250),"route_name":"t\#(i % 5)","#
            + #""llm":{"model":"copilot-ft","rev":"ckpt-\#(i % 3)","temperature":0.2},"prompt":{"name":"refund","ver":"v\#(i % 4)"},"#
            + #""ctx":{"index":"idx-\#(i % 2)","docs":[{"doc_id":"doc-\#(i)","sim":0.\#(i % 9 + 1)},{"doc_id":"doc-\#(i + 1)","sim":0.05}]},"#
            + #""status":"\#(status)","user_tier":"gold"}"#
    }

    static func v1Line(_ i: Int) -> String {
        let outcome = i % 7 == 0 ? "failure" : "success"
        return #"{"request_id":"req-\#(i)","timestamp":\#(baseMillis + Int64(i) * 250),"service":"support-copilot","task":"t\#(i % 5)","#
            + #""model":{"name":"copilot-ft","version":"ckpt-\#(i % 3)"},"template":{"id":"refund","version":"v\#(i % 4)"},"#
            + #""retrieval":{"index_version":"idx-\#(i % 2)","evidence":[{"id":"doc-\#(i)","score":0.\#(i % 9 + 1)},{"id":"doc-\#(i + 1)","score":0.05}]},"#
            + #""outcome":"\#(outcome)"}"#
    }

    /// A line without the mapped `id`: dead-lettered naming the service's field.
    static func brokenLine(_ i: Int) -> String {
        #"{"ts":\#(baseMillis + Int64(i) * 250),"route_name":"t0","status":"ok"}"#
    }

    static func config(database: String, logs: String) -> String {
        """
        database: \(database)
        sources:
          - name: legacy
            paths: ["\(logs)/llm.jsonl*"]
            fields:
              request_id: id
              timestamp: ts
              task: route_name
              model.name: llm.model
              model.version: llm.rev
              template.id: prompt.name
              template.version: prompt.ver
              retrieval.index_version: ctx.index
              retrieval.evidence: ctx.docs
              outcome: status
            timestamp_unit: ms
            elements:
              retrieval.evidence: {id: doc_id, score: sim}
            values:
              outcome: {ok: success, error: failure}
            constants:
              service: support-copilot
        ingest:
          batch_records: 200
          poll_interval: 20ms
          discovery_interval: 50ms
        analysis: { enabled: off }
        retention: { max_age: off }   # the records are dated 2025
        """
    }
}

/// Records stored at each kill, written by the killing task and read after it.
private final class StoredAtKills: Sendable {
    let counts = Mutex<[Int64]>([])
}

@Suite("Field mapping end to end", .serialized)
struct FieldMappingEndToEndTests {
    @Test("a service's own schema through fields: is stored exactly once across kill -9 and a rotation, as its format v1 twin")
    func mappedSourceSurvivesKillAndRotation() async throws {
        let executable = try DriftwatchExecutable.url()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-map-\(UUID().uuidString)")
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("mapped.sqlite").path
        let config = dir.appendingPathComponent("driftwatch.yaml")
        try ServiceLog.config(database: database, logs: logs.path).write(to: config, atomically: true, encoding: .utf8)

        let total = 6_000
        let rotateAt = 3_000
        let logPath = logs.appendingPathComponent("llm.jsonl").path
        var written: [String] = []
        var broken = 0
        // Records stored at each kill: the kills must land while the log is being read, not before or after.
        let storedAtKills = StoredAtKills()
        let kills = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                try await offPool {
                    var writer = LogWriter(path: logPath)
                    for i in 0..<total {
                        if i == rotateAt {
                            // Rename-and-create, the way logrotate's default mode rotates.
                            try FileManager.default.moveItem(atPath: logPath, toPath: logPath + ".1")
                            writer = LogWriter(path: logPath)
                        }
                        writer.appendLine(i % 500 == 499 ? ServiceLog.brokenLine(i) : ServiceLog.serviceLine(i))
                        if i % 50 == 0 { usleep(15_000) }
                    }
                }
                return 0
            }
            group.addTask {
                var kills = 0
                for _ in 0..<5 {
                    let child = try ChildProcess(executable: executable, arguments: ["run", "--config", config.path, "--log-level", "warning"], directory: dir)
                    try await Task.sleep(for: .milliseconds(Int.random(in: 200...450)))
                    child.signal(SIGKILL)
                    _ = await child.wait(timeout: 10)
                    kills += 1
                    let stored = (try? SQLiteStore(path: database, access: .existing).countRecords()) ?? 0
                    storedAtKills.counts.withLock { $0.append(stored) }
                }
                return kills
            }
            var n = 0
            for try await k in group { n += k }
            return n
        }
        for i in 0..<total { if i % 500 == 499 { broken += 1 } else { written.append("req-\(i)") } }

        let final = try ChildProcess(executable: executable, arguments: ["run", "--config", config.path, "--log-level", "info"], directory: dir)
        let deadline = Date().addingTimeInterval(120)
        while !final.stderr.contains("tailer started") && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        while Date() < deadline {
            let stored = (try? SQLiteStore(path: database).countRecords()) ?? 0
            let dead = (try? SQLiteStore(path: database).summary().deadLetters) ?? 0
            if stored >= Int64(written.count) && dead >= Int64(broken) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        final.signal(SIGTERM)
        #expect(await final.wait(timeout: 20) == 0, "driftwatch did not exit 0 on SIGTERM: \(final.stderr)")
        #expect(kills == 5)
        let atKills = storedAtKills.counts.withLock { $0 }
        print("field mapping: records stored at each kill -9: \(atKills) of \(written.count)")
        #expect(atKills.contains { $0 > 0 && $0 < Int64(written.count) }, "no kill landed mid-log: \(atKills)")

        let store = try SQLiteStore(path: database)
        let ids = try store.requestIDs()
        #expect(ids.count == written.count, "stored \(ids.count) of \(written.count); log: \(final.stderr.suffix(2000))")
        let missing = Set(written).subtracting(ids)
        let unexpected = Set(ids).subtracting(written)
        #expect(missing.isEmpty, "\(missing.count) written records missing, e.g. \(missing.sorted().prefix(5))")
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected records, e.g. \(unexpected.sorted().prefix(5))")
        #expect(try store.summary().duplicates == 0, "lines were read twice after a crash")
        let letters = try store.deadLetters(limit: 1_000)
        #expect(letters.count == broken)
        #expect(letters.allSatisfy { $0.letter.code == "missing_field" && $0.letter.reason.contains(#"field "id" (request_id)"#) },
                "\(letters.first.map { "\($0.letter.code): \($0.letter.reason)" } ?? "none")")

        // The same requests in format v1, ingested into a second store, decode to the same records.
        let v1Path = dir.appendingPathComponent("v1.jsonl")
        let v1 = (0..<total).filter { $0 % 500 != 499 }.map(ServiceLog.v1Line).joined(separator: "\n") + "\n"
        try v1.write(to: v1Path, atomically: true, encoding: .utf8)
        let twinDatabase = dir.appendingPathComponent("v1.sqlite").path
        let ingest = try ChildProcess(executable: executable, arguments: ["ingest", "--db", twinDatabase, v1Path.path], directory: dir)
        #expect(await ingest.wait(timeout: 60) == 0, "ingest of the v1 twin failed: \(ingest.stderr)")
        let decoder = RecordDecoder()
        func records(_ path: String) throws -> [RequestRecord] {
            try SQLiteStore(path: path).rawRecords().map { try decoder.decode($0) }.sorted { $0.requestID < $1.requestID }
        }
        let mapped = try records(database)
        let twin = try records(twinDatabase)
        #expect(mapped.count == twin.count && mapped.count == written.count)
        #expect(mapped == twin, "first difference: \(zip(mapped, twin).first { $0 != $1 }.map { "\($0)\n≠\n\($1)" } ?? "counts differ")")
        // Unmapped fields of the service's line are kept in the stored line.
        let line = try #require(try store.rawRecords().first.map { String(decoding: $0, as: UTF8.self) })
        #expect(line.contains(#""user_tier":"gold""#) && line.contains(#""temperature":0.2"#), "\(line)")
    }

    @Test("ingest warns and exits non-zero when most of a file's lines are dead-lettered")
    func ingestOfAnUnmappedServiceLogFails() async throws {
        let executable = try DriftwatchExecutable.url()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("llm.jsonl")
        try ((0..<50).map(ServiceLog.serviceLine).joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
        let database = dir.appendingPathComponent("db.sqlite").path

        let plain = try ChildProcess(executable: executable, arguments: ["ingest", "--db", database, path.path], directory: dir)
        #expect(await plain.wait(timeout: 60) != 0)
        #expect(plain.stderr.contains("50 of the first 50 lines were dead-lettered"), "\(plain.stderr)")

        // With the source's mapping (picked by --source here) the same file goes in (another store: the
        // first one has the file's lines, dead-lettered, behind its checkpoint).
        let config = dir.appendingPathComponent("driftwatch.yaml")
        let mappedDatabase = dir.appendingPathComponent("mapped.sqlite").path
        try ServiceLog.config(database: mappedDatabase, logs: "/nonexistent").write(to: config, atomically: true, encoding: .utf8)
        let mapped = try ChildProcess(executable: executable, arguments: ["ingest", "--config", config.path, "--source", "legacy", path.path], directory: dir)
        #expect(await mapped.wait(timeout: 60) == 0, "\(mapped.stderr)")
        #expect(try SQLiteStore(path: mappedDatabase).countRecords() == 50)

        // `run` tailing the file without a mapping says so in its log (stderr).
        let runConfig = dir.appendingPathComponent("run.yaml")
        try """
            database: \(dir.appendingPathComponent("run.sqlite").path)
            sources: [{name: unmapped, paths: ["\(path.path)"]}]
            ingest: { poll_interval: 20ms, discovery_interval: 50ms }
            """.write(to: runConfig, atomically: true, encoding: .utf8)
        let run = try ChildProcess(executable: executable, arguments: ["run", "--config", runConfig.path], directory: dir)
        let deadline = Date().addingTimeInterval(60)
        while !run.stderr.contains("most of the first lines of a log file were dead-lettered") && Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        run.signal(SIGTERM)
        #expect(await run.wait(timeout: 20) == 0)
        #expect(run.stderr.contains("most of the first lines of a log file were dead-lettered"), "\(run.stderr.suffix(2000))")
    }
}
