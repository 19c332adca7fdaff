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

    /// Starts `run` with the receiver on a free port; returns the process and the port it logged.
    static func start(config: URL, directory: URL) async throws -> (ChildProcess, Int) {
        let child = try ChildProcess(executable: try DriftwatchExecutable.url(),
                                     arguments: ["run", "--config", config.path, "--log-level", "info"], directory: directory)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, child.process.isRunning {
            if let range = child.stderr.range(of: #"port=(\d+)"#, options: .regularExpression),
               let port = Int(child.stderr[range].dropFirst("port=".count)) {
                return (child, port)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HTTPTestClient.Failure(description: "receiver did not log its port: \(child.stderr)")
    }

    static func config(_ directory: URL, database: String, traceWait: String) throws -> URL {
        let url = directory.appendingPathComponent("driftwatch-\(traceWait).yaml")
        try """
            database: \(database)
            server:
              listen: 127.0.0.1:0
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

        let (first, port) = try await Self.start(config: try Self.config(root, database: database, traceWait: "5m"), directory: root)
        let answer = try await HTTPTestClient(port: port).request("POST", "/v1/traces", headers: ["Content-Type": "application/x-protobuf"], body: body)
        #expect(answer.status == 200)
        first.signal(SIGKILL)
        _ = first.wait(timeout: 10)
        #expect(try SQLiteStore(path: database).countRecords() == 0, "the trace was still waiting for spans when the process died")

        let (second, _) = try await Self.start(config: try Self.config(root, database: database, traceWait: "100ms"), directory: root)
        let deadline = Date().addingTimeInterval(60)
        var stored: [String] = []
        while Date() < deadline {
            stored = (try? SQLiteStore(path: database).requestIDs().sorted()) ?? []
            if stored.count >= Self.requestIDs.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        second.signal(SIGTERM)
        #expect(second.wait(timeout: 20) == 0)
        #expect(stored == Self.requestIDs)
        #expect(try SQLiteStore(path: database).requestIDs().sorted() == Self.requestIDs)
        #expect(try SQLiteStore(path: database).spanJournalCounts().entries == 0)
    }
}
