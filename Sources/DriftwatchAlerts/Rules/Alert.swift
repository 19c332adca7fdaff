/// An alert as the dispatcher sees it: firing, or resolved at an instant. Times are in the clock `C`.
public struct Alert<Instant: InstantProtocol & Sendable>: Sendable, Equatable {
    public var labels: LabelSet
    public var annotations: [String: String]
    public var startsAt: Instant
    /// Set once the alert resolved.
    public var endsAt: Instant?
    public var value: Double?
    public var incidentDocument: String?

    public var fingerprint: String { DriftwatchAlerts.fingerprint(labels) }
    public var isResolved: Bool { endsAt != nil }

    public init(labels: LabelSet, annotations: [String: String], startsAt: Instant, endsAt: Instant? = nil,
                value: Double? = nil, incidentDocument: String? = nil) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.value = value
        self.incidentDocument = incidentDocument
    }
}

/// Converts a clock's instants to and from wall-clock microseconds, so state kept in `C.Instant` can be
/// persisted and restored after a restart (when the monotonic clock has started over).
public struct InstantAnchor<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    public var instant: C.Instant
    public var wallMicros: Int64

    public init(instant: C.Instant, wallMicros: Int64) {
        self.instant = instant
        self.wallMicros = wallMicros
    }

    public func micros(_ value: C.Instant) -> Int64 { wallMicros + instant.duration(to: value).microseconds }
    public func instant(_ micros: Int64) -> C.Instant { instant.advanced(by: .microseconds(micros - wallMicros)) }
}
