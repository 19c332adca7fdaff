import DriftwatchCore
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
        // Runs with retention off too: it also merges the small blocks a quiet service's commits leave.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if policy.maxAgeMicros != nil || policy.maxBytes != nil {
                    let result = try store.applyRetention(policy)
                    if result.deletedRecords > 0 || result.deletedDeadLetters > 0 {
                        logger.info("retention deleted old data", metadata: [
                            "records": "\(result.deletedRecords)", "dead_letters": "\(result.deletedDeadLetters)",
                        ])
                    }
                }
                // Blocks committed over an hour ago; later ones keep their own ingestion time for lag alerts.
                let merged = try store.compactRecordBlocks(committedBefore: WallClock.nowMicros() - 3_600_000_000)
                if merged > 0 { logger.debug("merged small record blocks", metadata: ["blocks": "\(merged)"]) }
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
