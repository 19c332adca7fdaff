import DriftwatchCore
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// `run`'s shipper: ships the sidecar's state every `interval`, backing off while the fleet store is down or slow
/// (nothing is lost meanwhile: the cursor only moves after a commit), and once more at shutdown.
public struct FleetShipService<C: Clock>: Service where C.Duration == Duration {
    let shipper: FleetShipper
    let url: FleetURL
    let clock: C
    let logger: Logger
    var backoff: FleetBackoff
    /// Longest one shipment (connect, migrate, upsert) may take before it counts as failed.
    let timeout: Duration

    public init(shipper: FleetShipper, url: FleetURL, interval: Duration, clock: C, logger: Logger, timeout: Duration = .seconds(60)) {
        self.shipper = shipper
        self.url = url
        self.clock = clock
        self.logger = logger
        self.backoff = FleetBackoff(interval: interval)
        self.timeout = timeout
    }

    public func run() async throws {
        let (fleet, client) = FleetStore.make(url: url, logger: logger)
        var backoff = self.backoff
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            var migrated = false
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let delay: Duration
                if await shipOnce(fleet, migrated: &migrated) { delay = backoff.succeeded() } else { delay = backoff.failed() }
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
            }
            // What was committed since the last shipment, before the process exits; briefly, so a fleet store that
            // is down does not hold up a shutdown an orchestrator is timing (the next start ships it).
            if !Task.isCancelled { _ = await shipOnce(fleet, migrated: &migrated, timeout: .seconds(10)) }
            group.cancelAll()
        }
    }

    private func shipOnce(_ fleet: FleetStore, migrated: inout Bool, timeout: Duration? = nil) async -> Bool {
        let timeout = timeout ?? self.timeout
        do {
            let shipper = self.shipper
            if !migrated {
                try await withTimeout(timeout, what: "applying the fleet store's schema") { try await fleet.migrate() }
                migrated = true
            }
            let outcome = try await withTimeout(timeout, what: "shipping to the fleet store") { try await shipper.ship(to: fleet) }
            if !outcome.upToDate {
                logger.debug("shipped to the fleet store", metadata: ["rollups": "\(outcome.rollups)", "shape_buckets": "\(outcome.shapeBuckets)"])
            }
            return true
        } catch {
            logger.warning("could not ship to the fleet store; retrying", metadata: ["error": "\(error)", "node": "\(shipper.node)"])
            return false
        }
    }
}
