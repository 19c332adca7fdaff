import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `driftwatch run` receives OTLP spans, answers 200 and is killed with SIGKILL before the
/// trace is flushed; the restarted process must store the acknowledged trace, once.
@Suite("OTLP crash recovery", .serialized)
struct OTLPCrashRecoveryTests {
    static let requestIDs = ["0af7651916cd43dd8448eb211c80319c", "2cf7651916cd43dd8448eb211c80319e", "req-oi-1"]

    /// A port that was free a moment ago (bound to port 0, then closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw HTTPTestClient.Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `run` and waits until `/healthz` answers (generous: a full parallel test run loads 2 cores).
    static func start(config: URL, port: Int, directory: URL) async throws -> ChildProcess {
        let child = try ChildProcess(executable: try DriftwatchExecutable.url(),
                                     arguments: ["run", "--config", config.path, "--log-level", "info"], directory: directory)
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline, child.process.isRunning {
            if let answer = try? await HTTPTestClient(port: port).request("GET", "/healthz"), answer.status == 200 { return child }
            try await Task.sleep(for: .milliseconds(50))
        }
        let exit = child.process.isRunning ? "still running" : "exited with status \(child.process.terminationStatus) (\(child.process.terminationReason == .uncaughtSignal ? "signal" : "exit"))"
        throw HTTPTestClient.Failure(description: "receiver did not answer /healthz on port \(port), \(exit): \(child.stderr)")
    }

    static func config(_ directory: URL, database: String, port: Int, traceWait: String) throws -> URL {
        let url = directory.appendingPathComponent("driftwatch-\(traceWait).yaml")
        try """
            database: \(database)
            server:
              listen: 127.0.0.1:\(port)
              trace_wait: \(traceWait)
              trace_max_wait: 10m
            analysis:
              enabled: false
            """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("kill -9 after a 200 and before the flush: the restarted receiver stores the trace once")
    func acknowledgedTraceSurvivesKillNine() async throws {
        let directory = TemporaryDirectory()
        let root = URL(fileURLWithPath: directory.path)
        let database = directory.file("db.sqlite")
        let body = Array(try Data(contentsOf: DriftwatchExecutable.packageRoot
            .appendingPathComponent("Tests/DriftwatchOTLPTests/Fixtures/three_conventions.pb")))

        let port = try Self.freePort()
        let first = try await Self.start(config: try Self.config(root, database: database, port: port, traceWait: "5m"), port: port, directory: root)
        let answer = try await HTTPTestClient(port: port).request("POST", "/v1/traces", headers: ["Content-Type": "application/x-protobuf"], body: body)
        #expect(answer.status == 200)
        first.signal(SIGKILL)
        _ = await first.wait(timeout: 10)
        #expect(try SQLiteStore(path: database).countRecords() == 0, "the trace was still waiting for spans when the process died")

        let secondPort = try Self.freePort()
        let second = try await Self.start(config: try Self.config(root, database: database, port: secondPort, traceWait: "100ms"), port: secondPort, directory: root)
        let deadline = Date().addingTimeInterval(120)
        var stored: [String] = []
        while Date() < deadline {
            stored = (try? SQLiteStore(path: database).requestIDs().sorted()) ?? []
            if stored.count >= Self.requestIDs.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        second.signal(SIGTERM)
        #expect(await second.wait(timeout: 20) == 0)
        #expect(stored == Self.requestIDs)
        #expect(try SQLiteStore(path: database).requestIDs().sorted() == Self.requestIDs)
        #expect(try SQLiteStore(path: database).spanJournalCounts().entries == 0)
    }
}
