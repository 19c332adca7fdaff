import DriftwatchStore
@testable import DriftwatchRuntime
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("Retention service")
struct RetentionServiceTests {
    @Test("with retention off it keeps running until graceful shutdown")
    func offWaitsForShutdown() async throws {
        let store = try SQLiteStore(path: ":memory:")
        let service = RetentionService(
            store: store, policy: RetentionPolicy(), interval: .seconds(60), clock: ContinuousClock(),
            logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await service.run(); return true }
                group.addTask { try await Task.sleep(for: .milliseconds(200)); return false }
                // The sleeper finishes first: the service did not return on its own.
                let first = try await group.next()
                #expect(first == false)
                trigger.triggerGracefulShutdown()
                let second = try await group.next()
                #expect(second == true)
            }
        }
    }
}
