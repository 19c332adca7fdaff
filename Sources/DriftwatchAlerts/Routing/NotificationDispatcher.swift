/// One notification decided by the dispatcher: a group's firing and resolved alerts for one receiver.
public struct Notification<Instant: InstantProtocol & Sendable>: Sendable, Equatable {
    public var receiver: String
    public var groupKey: String
    public var groupLabels: LabelSet
    public var firing: [Alert<Instant>]
    public var resolved: [Alert<Instant>]
    public var at: Instant

    public var status: String { firing.isEmpty ? "resolved" : "firing" }
    public var alerts: [Alert<Instant>] { firing + resolved }
}

/// Alertmanager's aggregation and deduplication as a pure state machine: alerts are routed into groups
/// (route × `group_by` labels); a new group waits `group_wait`, then flushes every `group_interval`; a flush
/// notifies when a new alert fires, when alerts resolved (if the receiver wants resolved notifications), or
/// when `repeat_interval` passed since the last notification. The notification log it keeps is persisted with
/// it, so a restart neither re-pages nor forgets.
public struct NotificationDispatcher<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    public struct Group: Sendable, Equatable {
        public var key: String
        public var receiver: String
        public var labels: LabelSet
        public var groupInterval: Duration
        public var repeatInterval: Duration
        public var alerts: [String: Alert<C.Instant>]
        public var nextFlush: C.Instant
    }

    public struct LogEntry: Sendable, Equatable {
        public var firing: Set<String>
        public var resolved: Set<String>
        public var sentAt: C.Instant
    }

    public var route: Route
    /// Receivers that do not want resolved notifications (Alertmanager's `send_resolved: false`).
    public var resolvedDisabled: Set<String>
    public private(set) var groups: [String: Group] = [:]
    /// By `receiver/groupKey`.
    public private(set) var log: [String: LogEntry] = [:]

    public init(route: Route, resolvedDisabled: Set<String> = []) {
        self.route = route
        self.resolvedDisabled = resolvedDisabled
    }

    /// Routes alerts into their groups; a group created now first flushes after its `group_wait`.
    public mutating func insert(_ alerts: [Alert<C.Instant>], at now: C.Instant) {
        for alert in alerts {
            for match in route.matches(alert.labels) where !match.receiver.isEmpty {
                let groupLabels: LabelSet = match.groupBy == ["..."] ? alert.labels
                    : alert.labels.filter { match.groupBy.contains($0.key) }
                let key = match.id + ":" + Self.render(groupLabels)
                var group = groups[key] ?? Group(key: key, receiver: match.receiver, labels: groupLabels, groupInterval: match.groupInterval,
                                                 repeatInterval: match.repeatInterval, alerts: [:], nextFlush: now.advanced(by: match.groupWait))
                if alert.isResolved, group.alerts[alert.fingerprint] == nil, log[match.receiver + "/" + key]?.firing.contains(alert.fingerprint) != true {
                    continue
                }
                group.alerts[alert.fingerprint] = alert
                groups[key] = group
            }
        }
    }

    /// The earliest pending flush.
    public var nextDeadline: C.Instant? { groups.values.map(\.nextFlush).min() }

    /// Flushes every group that is due; returns the notifications to send (already recorded in the log).
    public mutating func flush(at now: C.Instant, isMuted: (LabelSet) -> Bool = { _ in false }) -> [Notification<C.Instant>] {
        var out: [Notification<C.Instant>] = []
        for key in groups.keys.sorted() {
            guard var group = groups[key], group.nextFlush <= now else { continue }
            group.nextFlush = now.advanced(by: group.groupInterval)
            let visible = group.alerts.values.filter { !isMuted($0.labels) }.sorted { $0.fingerprint < $1.fingerprint }
            let firing = visible.filter { !$0.isResolved }
            let resolved = visible.filter(\.isResolved)
            let logKey = group.receiver + "/" + key
            let entry = log[logKey]
            let sendResolved = !resolvedDisabled.contains(group.receiver)
            if !visible.isEmpty, Self.needsUpdate(entry, firing: Set(firing.map(\.fingerprint)), resolved: Set(resolved.map(\.fingerprint)),
                                                  sendResolved: sendResolved, repeatInterval: group.repeatInterval, now: now) {
                log[logKey] = LogEntry(firing: Set(firing.map(\.fingerprint)), resolved: Set(resolved.map(\.fingerprint)), sentAt: now)
                if !firing.isEmpty || sendResolved {
                    out.append(Notification(receiver: group.receiver, groupKey: key, groupLabels: group.labels, firing: firing,
                                            resolved: sendResolved ? resolved : [], at: now))
                }
            }
            for alert in group.alerts.values where alert.isResolved { group.alerts[alert.fingerprint] = nil }
            if group.alerts.isEmpty {
                groups[key] = nil
                if log[logKey]?.firing.isEmpty == true || entry == nil { log[logKey] = nil }
            } else {
                groups[key] = group
            }
        }
        return out
    }

    /// Alertmanager's DedupStage.needsUpdate.
    static func needsUpdate(_ entry: LogEntry?, firing: Set<String>, resolved: Set<String>, sendResolved: Bool,
                            repeatInterval: Duration, now: C.Instant) -> Bool {
        guard let entry else { return !firing.isEmpty }
        if !firing.isSubset(of: entry.firing) { return true }
        if firing.isEmpty { return !entry.firing.isEmpty }
        if sendResolved && !resolved.isSubset(of: entry.resolved) { return true }
        return entry.sentAt.duration(to: now) >= repeatInterval
    }

    static func render(_ labels: LabelSet) -> String {
        "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    // MARK: persistence

    public struct Snapshot: Sendable, Codable, Equatable {
        public struct AlertSnapshot: Sendable, Codable, Equatable {
            public var labels: LabelSet
            public var annotations: [String: String]
            public var startsAtMicros: Int64
            public var endsAtMicros: Int64?
            public var value: Double?
            public var incidentDocument: String?
        }

        public struct GroupSnapshot: Sendable, Codable, Equatable {
            public var key: String
            public var receiver: String
            public var labels: LabelSet
            public var groupIntervalMillis: Int64
            public var repeatIntervalMillis: Int64
            public var alerts: [AlertSnapshot]
            public var nextFlushMicros: Int64
        }

        public struct LogSnapshot: Sendable, Codable, Equatable {
            public var key: String
            public var firing: [String]
            public var resolved: [String]
            public var sentAtMicros: Int64
        }

        public var groups: [GroupSnapshot]
        public var log: [LogSnapshot]
    }

    public func snapshot(_ anchor: InstantAnchor<C>) -> Snapshot {
        Snapshot(
            groups: groups.values.sorted { $0.key < $1.key }.map { group in
                .init(key: group.key, receiver: group.receiver, labels: group.labels, groupIntervalMillis: group.groupInterval.milliseconds,
                      repeatIntervalMillis: group.repeatInterval.milliseconds,
                      alerts: group.alerts.values.sorted { $0.fingerprint < $1.fingerprint }.map { alert in
                          .init(labels: alert.labels, annotations: alert.annotations, startsAtMicros: anchor.micros(alert.startsAt),
                                endsAtMicros: alert.endsAt.map(anchor.micros), value: alert.value, incidentDocument: alert.incidentDocument)
                      },
                      nextFlushMicros: anchor.micros(group.nextFlush))
            },
            log: log.sorted { $0.key < $1.key }.map { key, entry in
                .init(key: key, firing: entry.firing.sorted(), resolved: entry.resolved.sorted(), sentAtMicros: anchor.micros(entry.sentAt))
            })
    }

    public mutating func restore(_ snapshot: Snapshot, _ anchor: InstantAnchor<C>) {
        groups = [:]
        for group in snapshot.groups {
            var alerts: [String: Alert<C.Instant>] = [:]
            for item in group.alerts {
                let alert = Alert<C.Instant>(labels: item.labels, annotations: item.annotations, startsAt: anchor.instant(item.startsAtMicros),
                                             endsAt: item.endsAtMicros.map(anchor.instant), value: item.value, incidentDocument: item.incidentDocument)
                alerts[alert.fingerprint] = alert
            }
            groups[group.key] = Group(key: group.key, receiver: group.receiver, labels: group.labels,
                                      groupInterval: .milliseconds(group.groupIntervalMillis), repeatInterval: .milliseconds(group.repeatIntervalMillis),
                                      alerts: alerts, nextFlush: anchor.instant(group.nextFlushMicros))
        }
        log = Dictionary(snapshot.log.map { ($0.key, LogEntry(firing: Set($0.firing), resolved: Set($0.resolved), sentAt: anchor.instant($0.sentAtMicros))) },
                         uniquingKeysWith: { _, new in new })
    }
}
