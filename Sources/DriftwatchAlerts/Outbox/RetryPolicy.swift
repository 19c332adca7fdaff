/// Exponential backoff with jitter for notification delivery: attempt n waits a random time between half
/// and all of `min(maxBackoff, initialBackoff · 2^(n−1))`, or what the receiver's `Retry-After` asked for
/// (up to `maxRetryAfter`). After `maxAttempts` the notification is undeliverable.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int = 10
    public var initialBackoff: Duration = .seconds(1)
    public var maxBackoff: Duration = .seconds(300)
    public var maxRetryAfter: Duration = .seconds(3600)

    public init(maxAttempts: Int = 10, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(300)) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before the next attempt after `attempts` failed ones; `unit` in [0, 1) is the jitter draw.
    public func delay(afterAttempts attempts: Int, retryAfter: Duration?, unit: Double) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxRetryAfter) }
        let exponent = min(max(attempts - 1, 0), 40)
        let base = min(Double(initialBackoff.milliseconds) * Double(1 << UInt64(min(exponent, 30))), Double(maxBackoff.milliseconds))
        return .milliseconds(Int64(base * (0.5 + 0.5 * unit)))
    }
}

/// How one delivery attempt ended.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// 5xx, 429, timeouts, refused or dropped connections: try again later (after `retryAfter` if given).
    case retryable(reason: String, retryAfter: Duration?)
    /// Other 4xx, a missing receiver, a bad address: retrying cannot help.
    case permanent(reason: String)

    /// Classifies an HTTP status the way the HTTP senders retry; the reason carries the start of the body, where
    /// receivers say what was wrong (Slack's `invalid_payload`, PagerDuty's `errors`).
    public static func http(status: Int, retryAfter: Duration?, body: [UInt8] = []) -> DeliveryOutcome {
        let reason = body.isEmpty ? "HTTP \(status)" : "HTTP \(status): " + DeliveryCause.body(body)
        switch status {
        case 200..<300: return .delivered
        case 408, 429, 500..<600: return .retryable(reason: reason, retryAfter: retryAfter)
        default: return .permanent(reason: reason)
        }
    }

    /// The same outcome with its reason prefixed (with the receiver and host).
    func prefixed(_ prefix: String) -> DeliveryOutcome {
        switch self {
        case .delivered: return self
        case .retryable(let reason, let retryAfter): return .retryable(reason: prefix + reason, retryAfter: retryAfter)
        case .permanent(let reason): return .permanent(reason: prefix + reason)
        }
    }
}
