import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// Appends records to `app.log`, rotating by rename-and-create, with a malformed line now and then.
private final class RotatingWriter: @unchecked Sendable {
    let directory: URL
    let total: Int
    let rotateEvery: Int
    let malformedEvery: Int
    private(set) var writtenIDs: [String] = []
    private(set) var malformed = 0

    init(directory: URL, total: Int, rotateEvery: Int, malformedEvery: Int) {
        self.directory = directory
        self.total = total
        self.rotateEvery = rotateEvery
        self.malformedEvery = malformedEvery
    }

    var current: URL { directory.appendingPathComponent("app.log") }

    func rotate() throws {
        let fm = FileManager.default
        for n in stride(from: 8, through: 1, by: -1) {
            let from = directory.appendingPathComponent("app.log.\(n)")
            if fm.fileExists(atPath: from.path) {
                try fm.moveItem(at: from, to: directory.appendingPathComponent("app.log.\(n + 1)"))
            }
        }
        if fm.fileExists(atPath: current.path) {
            try fm.moveItem(at: current, to: directory.appendingPathComponent("app.log.1"))
        }
    }

    /// Writes everything in small bursts; returns when done.
    func run() throws {
        let encoder = RecordEncoder()
        var handle: FileHandle?
        var linesInFile = 0
        for i in 0..<total {
            if handle == nil || linesInFile >= rotateEvery {
                try handle?.close()
                if handle != nil { try rotate() }
                _ = FileManager.default.createFile(atPath: current.path, contents: nil)
                handle = try FileHandle(forWritingTo: current)
                linesInFile = 0
            }
            var line: [UInt8]
            if i % malformedEvery == malformedEvery - 1 {
                line = Array("{\"request_id\": \"broken-\(i)\", \"timestamp\": ".utf8)
                malformed += 1
            } else {
                let id = "req-\(i)"
                let record = RequestRecord(requestID: id, timestampMicros: WallClock.nowMicros(), task: "t\(i % 5)")
                line = encoder.encode(record)
                writtenIDs.append(id)
            }
            line.append(0x0A)
            // Write most lines whole, and some in two pieces so the sidecar sees partial lines.
            if i % 97 == 0 {
                let cut = line.count / 2
                try handle!.write(contentsOf: line[..<cut])
                usleep(2_000)
                try handle!.write(contentsOf: line[cut...])
            } else {
                try handle!.write(contentsOf: line)
            }
            linesInFile += 1
            if i % 50 == 0 { usleep(5_000) }
        }
        try handle?.close()
    }
}

@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    @Test("kill -9 during ingest with rotation loses nothing and duplicates nothing")
    func killNineRepeatedly() async throws {
        let executable = try DriftwatchExecutable.url()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-e2e-\(UUID().uuidString)")
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("db.sqlite").path
        let config = dir.appendingPathComponent("driftwatch.yaml")
        try """
            database: \(database)
            sources:
              - name: app
                paths: ["\(logs.path)/app.log*"]
            ingest:
              batch_records: 300
              poll_interval: 20ms
              discovery_interval: 50ms
            """.write(to: config, atomically: true, encoding: .utf8)

        let writer = RotatingWriter(directory: logs, total: 30_000, rotateEvery: 4_000, malformedEvery: 1_000)
        let kills = try await withThrowingTaskGroup(of: Int.self) { group in
            // The writer sleeps between lines: on a thread of its own, not one of the pool's two on CI.
            group.addTask { try await offPool { try writer.run() }; return 0 }
            group.addTask {
                // Start, let it ingest for a moment, SIGKILL it; repeat while the writer writes.
                var generator = SystemRandomNumberGenerator()
                var kills = 0
                for _ in 0..<12 {
                    let child = try ChildProcess(executable: executable, arguments: ["run", "--config", config.path, "--log-level", "warning"], directory: dir)
                    try await Task.sleep(for: .milliseconds(Int.random(in: 150...450, using: &generator)))
                    child.signal(SIGKILL)
                    _ = await child.wait(timeout: 10)
                    kills += 1
                }
                return kills
            }
            var total = 0
            for try await n in group { total += n }
            return total
        }

        // A final run catches up; then SIGTERM must exit 0.
        let final = try ChildProcess(executable: executable, arguments: ["run", "--config", config.path, "--log-level", "info"], directory: dir)
        let expected = writer.writtenIDs.count
        let deadline = Date().addingTimeInterval(120)
        // Signal handlers are installed once the service group runs; wait for the tailer to start.
        while !final.stderr.contains("tailer started") && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        var stored: Int64 = 0
        while Date() < deadline {
            stored = (try? SQLiteStore(path: database).countRecords()) ?? 0
            let dead = (try? SQLiteStore(path: database).summary().deadLetters) ?? 0
            if stored >= Int64(expected) && dead >= Int64(writer.malformed) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        final.signal(SIGTERM)
        #expect(await final.wait(timeout: 20) == 0, "driftwatch did not exit 0 on SIGTERM: \(final.stderr)")

        let store = try SQLiteStore(path: database)
        let ids = try store.requestIDs()
        #expect(kills == 12)
        #expect(ids.count == expected, "stored \(ids.count) of \(expected); last run's log: \(final.stderr.suffix(2000))")
        let missing = Set(writer.writtenIDs).subtracting(ids)
        let unexpected = Set(ids).subtracting(writer.writtenIDs)
        #expect(missing.isEmpty, "\(missing.count) written records missing, e.g. \(missing.sorted().prefix(5))")
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected records, e.g. \(unexpected.sorted().prefix(5))")
        let summary = try store.summary()
        #expect(summary.duplicates == 0, "offsets were re-read after a crash: \(summary.duplicates) duplicates")
        let letters = try store.deadLetters(limit: 1_000)
        #expect(letters.count == writer.malformed)
        #expect(Set(letters.map { "\($0.letter.fingerprint):\($0.letter.offset)" }).count == writer.malformed)
        #expect(letters.allSatisfy { $0.letter.code == "invalid_json" })
    }
}
