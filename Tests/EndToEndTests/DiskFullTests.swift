import DriftwatchCore
import DriftwatchTesting
import Foundation
import Testing

/// `run` with its database on a real filesystem that fills up (a small tmpfs; the test mounts it, so it runs as
/// root or with passwordless sudo, as CI does): reading pauses, commits are retried with backoff, and once space
/// returns every line is stored once.
@Suite("Disk full end to end", .serialized)
struct DiskFullEndToEndTests {
    private func lines(_ prefix: String, count: Int, now: Int64) -> String {
        (0..<count).map { i in
            let record = RequestRecord(requestID: "\(prefix)-\(i)", timestampMicros: now - Int64(count - i) * 1000, service: "svc",
                                       task: "task-\(i % 5)", model: ModelInfo(name: "m", version: "1"),
                                       template: TemplateInfo(id: "t", version: "1"), outcome: .success)
            return String(decoding: RecordEncoder().encode(record), as: UTF8.self) + "\n"
        }.joined()
    }

    private func mountTmpfs(_ path: String, megabytes: Int) throws {
        let sudo = getuid() == 0 ? "" : "sudo -n "
        _ = try ProcessRunner.shell("\(sudo)mount -t tmpfs -o size=\(megabytes)m,mode=0777 tmpfs '\(path)'")
    }

    private func unmount(_ path: String) {
        let sudo = getuid() == 0 ? "" : "sudo -n "
        _ = try? ProcessRunner.shell("\(sudo)umount -l '\(path)'")
    }

    private func metrics(_ port: Int, _ dir: TemporaryDirectory) async throws -> [String: Double] {
        let text = try await HTTPTestClient(port: port).request("GET", "/metrics").text
        var values: [String: Double] = [:]
        for sample in try MetricsEndToEndTests.parse(text, in: dir) where sample.labels.isEmpty || sample.labels == ["source": "file"] {
            values[sample.name] = sample.value
        }
        return values
    }

    private func waitFor(_ what: String, port: Int, dir: TemporaryDirectory, run: ChildProcess,
                         _ condition: ([String: Double]) -> Bool) async throws -> [String: Double] {
        let deadline = Date().addingTimeInterval(180)
        var last: [String: Double] = [:]
        while Date() < deadline, run.process.isRunning {
            last = try await metrics(port, dir)
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("\(what) did not happen (run \(run.process.isRunning ? "running" : "exited")); metrics: \(last); log: \(run.stderr.suffix(3000))")
        return last
    }

    @Test("disk full under run: reading pauses and commits retry (logs, /metrics); after space returns nothing is lost or doubled")
    func diskFullPausesAndResumes() async throws {
        let dir = TemporaryDirectory()
        let small = dir.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: false)
        try mountTmpfs(small, megabytes: 32)
        defer { unmount(small) }
        let database = small + "/db.sqlite"
        let log = dir.file("app.log")
        let now = WallClock.nowMicros()
        try lines("a", count: 2_000, now: now).write(toFile: log, atomically: true, encoding: .utf8)
        let port = try OTLPCrashRecoveryTests.freePort()
        let config = URL(fileURLWithPath: dir.file("driftwatch.yaml"))
        // Small batches, so a batch fills (and its commit fails) in the middle of a read chunk.
        try """
            database: \(database)
            sources:
              - paths: ["\(log)"]
            ingest:
              batch_records: 1000
            server:
              listen: 127.0.0.1:\(port)
            analysis:
              enabled: false
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = try await OTLPCrashRecoveryTests.start(config: config, port: port, directory: URL(fileURLWithPath: dir.path))
        _ = try await waitFor("the first 2,000 records stored", port: port, dir: dir, run: run) { $0["driftwatch_ingest_records_total"] == 2_000 }

        // Fill the filesystem, then log 20,000 more lines (~6 MiB of records; the WAL must grow to take them).
        _ = try ProcessRunner.shell("head -c 64M /dev/zero > '\(small)/filler' 2>/dev/null || true")
        let handle = try #require(FileHandle(forWritingAtPath: log))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines("b", count: 20_000, now: now + 10_000_000).utf8))
        try handle.close()
        let paused = try await waitFor("reading paused", port: port, dir: dir, run: run) {
            $0["driftwatch_ingest_paused"] == 1 && ($0["driftwatch_ingest_commit_retries_total"] ?? 0) >= 2
        }
        #expect((paused["driftwatch_ingest_records_total"] ?? 0) < 22_000)
        #expect(run.process.isRunning, "run exited on a full disk: \(run.stderr.suffix(3000))")
        #expect(run.stderr.contains("cannot store records; reading paused, retrying") && run.stderr.contains("is full"), "\(run.stderr.suffix(3000))")

        // Space returns: the retry commits the waiting batch and reading resumes.
        try FileManager.default.removeItem(atPath: small + "/filler")
        let resumed = try await waitFor("all 22,000 records stored", port: port, dir: dir, run: run) {
            $0["driftwatch_ingest_records_total"] == 22_000 && $0["driftwatch_ingest_paused"] == 0
        }
        #expect(resumed["driftwatch_ingest_records_total"] == 22_000)
        #expect(run.stderr.contains("store writable again; reading resumed"), "\(run.stderr.suffix(3000))")
        run.signal(SIGTERM)
        #expect(await run.wait(timeout: 60) == 0, "\(run.stderr.suffix(3000))")

        // In the store: every line once.
        let status = try ChildProcess(executable: try DriftwatchExecutable.url(), arguments: ["status", "--format", "json", "--db", database],
                                      directory: URL(fileURLWithPath: dir.path))
        #expect(await status.wait(timeout: 120) == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status.stdout)")
        #expect((object["records"] as? NSNumber)?.intValue == 22_000, "\(status.stdout)")
        #expect((object["duplicates"] as? NSNumber)?.intValue == 0, "\(status.stdout)")
        #expect((object["dead_letters"] as? NSNumber)?.intValue == 0, "\(status.stdout)")
    }
}

@Suite("Open files limit end to end", .serialized)
struct DescriptorLimitEndToEndTests {
    @Test("run raises its soft limit on open files to the hard limit (started with 256 of 4096 allowed)")
    func softLimitRaised() async throws {
        let dir = TemporaryDirectory()
        let log = dir.file("app.log")
        try "".write(toFile: log, atomically: true, encoding: .utf8)
        let run = try ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/prlimit"),
                                   arguments: ["--nofile=256:4096", try DriftwatchExecutable.url().path, "run", "--db", dir.file("db.sqlite"),
                                               "--path", log, "--log-level", "error"],
                                   directory: URL(fileURLWithPath: dir.path))
        defer { run.signal(SIGTERM) }
        var soft: String?
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, run.process.isRunning {
            // prlimit execs driftwatch in the same process.
            let limits = (try? String(contentsOfFile: "/proc/\(run.process.processIdentifier)/limits", encoding: .utf8)) ?? ""
            let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }
            let fields = line?.split(separator: " ", omittingEmptySubsequences: true) ?? []
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(run.process.processIdentifier)/exe")) ?? ""
            if fields.count >= 5, exe.hasSuffix("driftwatch") {
                soft = String(fields[3])
                if soft == "4096" { break }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(soft == "4096", "soft limit \(soft ?? "unknown"); \(run.stderr)")
    }
}
