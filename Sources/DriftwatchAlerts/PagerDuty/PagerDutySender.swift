public import DriftwatchStore
import Foundation

/// Sends an outbox row's event to the PagerDuty Events API v2, adding the routing key only now so it is never
/// stored. PagerDuty answers 202; 400 means the event is invalid (permanent); 429 and 5xx are retried.
public struct PagerDutySender: Sendable {
    let client: HTTPClientLite

    public init() { client = HTTPClientLite() }

    public func send(_ row: OutboxRow, to receiver: PagerDutyReceiver) async -> DeliveryOutcome {
        guard var event = (try? JSONSerialization.jsonObject(with: Data(row.payload.utf8))) as? [String: Any] else {
            return .permanent(reason: "stored PagerDuty event is unreadable")
        }
        event["routing_key"] = receiver.routingKey.value
        let body = Array(NotificationRenderer.json(event).utf8)
        do {
            let response = try await client.post(url: receiver.url, headers: [("Content-Type", "application/json"), ("User-Agent", "driftwatch-alerts/1")],
                                                 body: body, timeout: receiver.timeout)
            return WebhookSender.outcome(response)
        } catch {
            return WebhookSender.outcome(error)
        }
    }
}
