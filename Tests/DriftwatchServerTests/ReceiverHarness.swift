import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
import DriftwatchServer
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import ServiceLifecycle

/// Runs the real receiver on a free port inside a ServiceGroup, over a temporary SQLite store.
struct ReceiverHarness {
    let store: SQLiteStore
    let metrics: SidecarMetrics
    let client: HTTPTestClient
    let directory: URL

    static func run(
        _ configuration: OTLPReceiverConfiguration = OTLPReceiverConfiguration(port: 0, assembly: .init(wait: .zero)),
        _ body: (ReceiverHarness) async throws -> Void,
        after: (ReceiverHarness) async throws -> Void = { _ in }
    ) async throws {
        var configuration = configuration
        configuration.port = 0
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dw-otlp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        let metrics = SidecarMetrics()
        var logger = Logger(label: "test.otlp")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let service = OTLPReceiverService(configuration: configuration, sink: store, journal: store, metrics: metrics, logger: logger, onListening: { continuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw HTTPTestClient.Failure(description: "receiver did not start") }
            let harness = ReceiverHarness(store: store, metrics: metrics, client: HTTPTestClient(port: port), directory: directory)
            do {
                try await body(harness)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            try await after(harness)
        }
    }

    /// Polls the store until it holds `count` records or `timeout` passes.
    func waitForRecords(_ count: Int64, timeout: Duration = .seconds(10)) async throws -> Int64 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let n = try store.countRecords()
            if n >= count { return n }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try store.countRecords()
    }

    /// The stored records as JSON objects, keyed by request id.
    func storedRecords() throws -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for raw in try store.rawRecords() {
            let object = try JSONSerialization.jsonObject(with: Data(raw)) as! [String: Any]
            out[object["request_id"] as! String] = object
        }
        return out
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: packageRoot.appendingPathComponent("Tests/DriftwatchOTLPTests/Fixtures/\(name)")))
    }
}
