/// One notification in the outbox: written before it is sent, so a crash or a receiver outage delays it
/// but never loses it. `id` is also the webhook-id / Message-ID seed, identical on every attempt.
public struct OutboxRow: Sendable, Equatable {
    /// `pending` (due at `nextAttemptAtMicros`), `delivered` or `undeliverable` (retry budget spent).
    public enum Status: String, Sendable, Codable { case pending, delivered, undeliverable }

    public var id: String
    public var receiver: String
    /// `webhook` or `email`.
    public var kind: String
    public var groupKey: String
    /// The rendered notification (JSON), fixed at enqueue time so every retry sends the same bytes.
    public var payload: String
    public var createdAtMicros: Int64
    public var attempts: Int
    public var nextAttemptAtMicros: Int64
    public var status: Status
    public var lastError: String?
    public var deliveredAtMicros: Int64?

    public init(id: String, receiver: String, kind: String, groupKey: String, payload: String, createdAtMicros: Int64,
                attempts: Int = 0, nextAttemptAtMicros: Int64, status: Status = .pending, lastError: String? = nil,
                deliveredAtMicros: Int64? = nil) {
        self.id = id
        self.receiver = receiver
        self.kind = kind
        self.groupKey = groupKey
        self.payload = payload
        self.createdAtMicros = createdAtMicros
        self.attempts = attempts
        self.nextAttemptAtMicros = nextAttemptAtMicros
        self.status = status
        self.lastError = lastError
        self.deliveredAtMicros = deliveredAtMicros
    }
}

/// A stored silence: label matchers (JSON text, parsed by the alerts module) active between two instants.
public struct SilenceRow: Sendable, Equatable {
    public var id: String
    /// JSON array of matcher strings such as `["task=\"refund\"", "severity=~\"page|warn\""]`.
    public var matchers: String
    public var startsAtMicros: Int64
    public var endsAtMicros: Int64
    public var createdBy: String
    public var comment: String
    public var createdAtMicros: Int64

    public init(id: String, matchers: String, startsAtMicros: Int64, endsAtMicros: Int64, createdBy: String,
                comment: String, createdAtMicros: Int64) {
        self.id = id
        self.matchers = matchers
        self.startsAtMicros = startsAtMicros
        self.endsAtMicros = endsAtMicros
        self.createdBy = createdBy
        self.comment = comment
        self.createdAtMicros = createdAtMicros
    }
}

/// Aggregates over the records of a time window, what metric alert rules compare with thresholds.
public struct RecordWindowStats: Sendable, Equatable {
    public var records: Int64 = 0
    /// Records with an outcome, and those that succeeded.
    public var outcomes: Int64 = 0
    public var successes: Int64 = 0
    public var p95LatencyMillis: Double?
    /// Mean cost over records that report one.
    public var costPerRequest: Double?
    /// 95th percentile of ingested_at - ts, in seconds: how far behind the logs ingestion runs.
    public var p95IngestLagSeconds: Double?
    public var deadLetters: Int64 = 0
    /// Newest record's ingestion time (any window), nil when the store is empty.
    public var newestIngestedAtMicros: Int64?

    public init() {}
}
