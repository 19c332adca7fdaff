public import DriftwatchStore

/// Posts an outbox row's Block Kit message to a Slack incoming webhook. Slack answers 200 `ok`, 429 with
/// `Retry-After`, or 4xx with a reason such as `invalid_payload` or `no_service`, which are permanent.
public struct SlackSender: Sendable {
    let client: HTTPClientLite

    public init() { client = HTTPClientLite() }

    public func send(_ row: OutboxRow, to receiver: SlackReceiver) async -> DeliveryOutcome {
        do {
            let response = try await client.post(url: receiver.url.value, headers: [("Content-Type", "application/json"), ("User-Agent", "driftwatch-alerts/1")],
                                                 body: Array(row.payload.utf8), timeout: receiver.timeout)
            return WebhookSender.outcome(response)
        } catch {
            return WebhookSender.outcome(error)
        }
    }
}
