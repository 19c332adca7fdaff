import DriftwatchStore
import Logging
public import ServiceLifecycle

/// Applies the retention policy on an interval until shutdown.
public struct RetentionService<C: Clock>: Service where C.Duration == Duration {
    let store: SQLiteStore
    let policy: RetentionPolicy
    let interval: Duration
    let clock: C
    let logger: Logger

    init(store: SQLiteStore, policy: RetentionPolicy, interval: Duration, clock: C, logger: Logger) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        // A service that returns early stops the whole group, so with no limits just wait for shutdown.
        guard policy.maxAgeMicros != nil || policy.maxBytes != nil else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let result = try store.applyRetention(policy)
                if result.deletedRecords > 0 || result.deletedDeadLetters > 0 {
                    logger.info("retention deleted old data", metadata: [
                        "records": "\(result.deletedRecords)", "dead_letters": "\(result.deletedDeadLetters)",
                    ])
                }
            } catch {
                logger.error("retention pass failed", metadata: ["error": "\(error)"])
            }
            // Sleeping ends early on graceful shutdown.
            try? await gracefulShutdownSleep(interval)
        }
    }

    private func gracefulShutdownSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown {
            try await clock.sleep(for: duration)
        }
    }
}
