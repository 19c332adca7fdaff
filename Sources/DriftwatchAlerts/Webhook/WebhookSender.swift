public import DriftwatchStore
import Foundation

/// Posts an outbox row's body to a webhook receiver, signed per Standard Webhooks with the row id as
/// `webhook-id` (the same on every retry, so receivers can drop duplicates) and the attempt's time as
/// `webhook-timestamp`. The secret is only used to sign, never logged or stored in the outbox.
public struct WebhookSender: Sendable {
    let client: HTTPClientLite

    public init() { client = HTTPClientLite() }

    public func send(_ row: OutboxRow, to receiver: WebhookReceiver, nowSeconds: Int64) async -> DeliveryOutcome {
        let body = Array(row.payload.utf8)
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"), ("User-Agent", "driftwatch-alerts/1"),
            ("webhook-id", row.id), ("webhook-timestamp", "\(nowSeconds)"),
        ]
        if let secret = receiver.secret {
            headers.append(("webhook-signature", WebhookSignature.sign(id: row.id, timestamp: nowSeconds, body: body, secret: secret.value)))
        }
        do {
            let response = try await client.post(url: receiver.url, headers: headers, body: body, timeout: receiver.timeout)
            return Self.outcome(response)
        } catch {
            return Self.outcome(error)
        }
    }

    /// How an HTTP answer ends a delivery (the HTTP receivers share it).
    static func outcome(_ response: HTTPClientLite.Response) -> DeliveryOutcome {
        .http(status: response.status, retryAfter: response.header("Retry-After").flatMap(parseRetryAfter), body: response.body)
    }

    /// How a failed request ends a delivery: retried unless the URL itself is wrong.
    static func outcome(_ error: any Error) -> DeliveryOutcome {
        guard let failure = error as? HTTPClientLite.Failure else { return .retryable(reason: DeliveryCause.describe(error), retryAfter: nil) }
        switch failure.kind {
        case .invalidURL: return .permanent(reason: failure.message)
        case .timeout, .connection: return .retryable(reason: failure.message, retryAfter: nil)
        }
    }

    /// `Retry-After` as delta-seconds or an HTTP date.
    public static func parseRetryAfter(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed) { return .seconds(max(seconds, 0)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .milliseconds(Int64(max(date.timeIntervalSinceNow, 0) * 1000))
    }
}
