public import DriftwatchCore
public import DriftwatchStore
import Foundation
public import Logging

/// Sends due outbox rows and records each attempt: delivered, pending again after a backoff, or undeliverable
/// once the retry budget is spent (kept and listed by `driftwatch alerts outbox`). A crash between sending and
/// recording leaves the row pending, so it is sent again with the same id: at least once, deduplicable by id.
public struct OutboxDeliverer: Sendable {
    public let store: SQLiteStore
    public let configuration: AlertsConfiguration
    let webhook = WebhookSender()
    let smtp = SMTPClient()
    let slack = SlackSender()
    let pagerduty = PagerDutySender()
    let logger: Logger

    public init(store: SQLiteStore, configuration: AlertsConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    public struct Pass: Sendable, Equatable {
        public var delivered = 0
        public var retrying = 0
        public var undeliverable = 0
    }

    /// Delivers every row due at `nowMicros` (at most `limit`): each receiver's rows in order, the receivers
    /// concurrently, so a receiver that hangs until its timeout delays no other.
    public func deliverDue(nowMicros: Int64 = WallClock.nowMicros(), limit: Int = 100) async throws -> Pass {
        let rows = try store.dueNotifications(now: nowMicros, limit: limit)
        var byReceiver: [String: [OutboxRow]] = [:]
        for row in rows { byReceiver[row.receiver, default: []].append(row) }
        return try await withThrowingTaskGroup(of: Pass.self) { group in
            for (_, rows) in byReceiver {
                group.addTask { try await deliver(rows) }
            }
            var pass = Pass()
            for try await part in group {
                pass.delivered += part.delivered
                pass.retrying += part.retrying
                pass.undeliverable += part.undeliverable
            }
            return pass
        }
    }

    /// One receiver's due rows, in order, each attempt recorded as it ends.
    public func deliver(_ rows: [OutboxRow]) async throws -> Pass {
        var pass = Pass()
        for row in rows {
            let outcome = await attempt(row)
            let now = WallClock.nowMicros()
            let attempts = row.attempts + 1
            switch outcome {
            case .delivered:
                try store.recordAttempt(id: row.id, status: .delivered, attempts: attempts, nextAttemptAtMicros: now, error: nil, at: now)
                pass.delivered += 1
                logger.debug("notification delivered", metadata: ["id": "\(row.id)", "receiver": "\(row.receiver)", "attempts": "\(attempts)"])
            case .retryable(let reason, let retryAfter) where attempts < configuration.retry.maxAttempts:
                let delay = configuration.retry.delay(afterAttempts: attempts, retryAfter: retryAfter, unit: Double.random(in: 0..<1))
                try store.recordAttempt(id: row.id, status: .pending, attempts: attempts, nextAttemptAtMicros: now + delay.microseconds,
                                        error: reason, at: now)
                pass.retrying += 1
                logger.info("notification delivery failed; will retry", metadata: [
                    "id": "\(row.id)", "receiver": "\(row.receiver)", "reason": "\(reason)", "retry_in": "\(DurationText.format(delay))",
                ])
            case .retryable(let reason, _), .permanent(let reason):
                try store.recordAttempt(id: row.id, status: .undeliverable, attempts: attempts, nextAttemptAtMicros: now, error: reason, at: now)
                pass.undeliverable += 1
                logger.error("notification undeliverable", metadata: ["id": "\(row.id)", "receiver": "\(row.receiver)", "reason": "\(reason)"])
            }
        }
        return pass
    }

    /// One attempt at one row. A failure's reason is one line naming the receiver, its host and the cause, e.g.
    /// `receiver "hook" (webhook 127.0.0.1:9000): connection refused`.
    public func attempt(_ row: OutboxRow) async -> DeliveryOutcome {
        guard let receiver = configuration.receiver(named: row.receiver) else {
            return .permanent(reason: "receiver \"\(row.receiver)\" is not configured")
        }
        return await send(row, receiver).prefixed("receiver \"\(receiver.name)\" (\(receiver.kind) \(receiver.endpoint)): ")
    }

    private func send(_ row: OutboxRow, _ receiver: ReceiverConfiguration) async -> DeliveryOutcome {
        if let hook = receiver.webhook {
            return await webhook.send(row, to: hook, nowSeconds: WallClock.nowMicros() / 1_000_000)
        }
        if let settings = receiver.slack { return await slack.send(row, to: settings) }
        if let settings = receiver.pagerduty { return await pagerduty.send(row, to: settings) }
        if let email = receiver.email {
            guard let message = try? EmailMessage(json: row.payload) else { return .permanent(reason: "stored email payload is unreadable") }
            return await smtp.send(message, with: email)
        }
        return .permanent(reason: "no delivery settings")
    }
}
