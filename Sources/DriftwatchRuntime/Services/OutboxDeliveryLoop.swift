import DriftwatchAlerts
import DriftwatchCore
import DriftwatchStore
import Logging
import ServiceLifecycle

/// Delivers the outbox beside the rule-evaluation loop, not inside it: one worker per configured receiver (and one
/// for rows naming a receiver no longer configured), each sending its own due rows in order with the receiver's
/// timeout. A receiver that hangs holds up only its own worker; evaluation and the other receivers go on.
/// A failed attempt leaves the row pending with a backoff (the outbox never drops), so a worker that stops
/// mid-attempt (shutdown, kill) only means the row is sent again with the same id.
struct OutboxDeliveryLoop<C: Clock>: Sendable where C.Duration == Duration {
    let deliverer: OutboxDeliverer
    let store: SQLiteStore
    let clock: C
    let logger: Logger
    /// How soon a worker looks again for rows the evaluation loop queued; retries wake it at their due time.
    let poll: Duration
    /// False while this process must not send (a standby central).
    let isActive: @Sendable () -> Bool

    func run() async {
        let names = deliverer.configuration.receivers.map(\.name)
        await withTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask { await work(receivers: [name], excluding: false) }
            }
            group.addTask { await work(receivers: names, excluding: true) }
        }
    }

    private func work(receivers: [String], excluding: Bool) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = poll
            if isActive() {
                do {
                    let rows = try store.dueNotifications(now: WallClock.nowMicros(), receivers: receivers, excluding: excluding)
                    if !rows.isEmpty {
                        _ = try await deliverer.deliver(rows)
                        continue
                    }
                    if !excluding, let due = try store.nextNotificationDue(receiver: receivers[0]) {
                        wait = min(wait, .microseconds(max(due - WallClock.nowMicros(), 0)))
                    }
                } catch {
                    logger.error("alert delivery pass failed", metadata: ["error": "\(error)", "receivers": "\(excluding ? "unconfigured" : receivers[0])"])
                }
            }
            let pause = max(wait, .milliseconds(20))
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: pause) }
        }
    }
}
