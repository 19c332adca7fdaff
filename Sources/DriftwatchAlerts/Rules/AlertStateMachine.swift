/// Prometheus' alert lifecycle for every rule instance: inactive → pending (condition holds, `for` not yet
/// elapsed) → firing → resolved once the condition has stopped holding for `keep_firing_for`. A pending
/// alert whose condition stops holding is dropped without a notification, which is what holds flapping down.
/// Pure: an evaluation in, the alerts to hand to the dispatcher out; time comes from the caller's clock.
public struct AlertStateMachine<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    public enum Phase: String, Sendable, Codable { case pending, firing }

    public struct Tracked: Sendable, Equatable {
        public var rule: String
        public var phase: Phase
        public var labels: LabelSet
        public var annotations: [String: String]
        public var activeAt: C.Instant
        public var firedAt: C.Instant?
        /// The last evaluation at which the condition held.
        public var lastTrueAt: C.Instant
        public var value: Double?
        public var incidentDocument: String?
    }

    /// By fingerprint.
    public private(set) var tracked: [String: Tracked] = [:]

    public init() {}

    /// Applies one evaluation. Returns the alerts to send to the dispatcher: every firing alert (re-sent each
    /// evaluation, as Prometheus does) and those that resolved in this evaluation.
    public mutating func evaluate(_ conditions: [ActiveCondition], rules: [AlertRule], at now: C.Instant) -> [Alert<C.Instant>] {
        let byName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var holding = Set<String>()
        for condition in conditions {
            guard let rule = byName[condition.rule] else { continue }
            let key = condition.fingerprint
            holding.insert(key)
            var entry = tracked[key] ?? Tracked(rule: rule.name, phase: .pending, labels: condition.labels, annotations: condition.annotations,
                                                activeAt: now, firedAt: nil, lastTrueAt: now)
            entry.annotations = condition.annotations
            entry.value = condition.value
            entry.incidentDocument = condition.incidentDocument ?? entry.incidentDocument
            entry.lastTrueAt = now
            if entry.phase == .pending, entry.activeAt.duration(to: now) >= rule.forDuration {
                entry.phase = .firing
                entry.firedAt = now
            }
            tracked[key] = entry
        }
        var out: [Alert<C.Instant>] = []
        for (key, entry) in tracked.sorted(by: { $0.key < $1.key }) {
            if holding.contains(key) {
                if entry.phase == .firing { out.append(alert(entry, endsAt: nil)) }
                continue
            }
            let keep = byName[entry.rule]?.keepFiringFor ?? .zero
            switch entry.phase {
            case .pending:
                tracked[key] = nil
            case .firing where byName[entry.rule] != nil && entry.lastTrueAt.duration(to: now) < keep:
                out.append(alert(entry, endsAt: nil))
            case .firing:
                tracked[key] = nil
                out.append(alert(entry, endsAt: now))
            }
        }
        return out
    }

    func alert(_ entry: Tracked, endsAt: C.Instant?) -> Alert<C.Instant> {
        Alert(labels: entry.labels, annotations: entry.annotations, startsAt: entry.firedAt ?? entry.activeAt, endsAt: endsAt,
              value: entry.value, incidentDocument: entry.incidentDocument)
    }

    /// Labels of the alerts firing now (including those kept firing by `keep_firing_for`): the sources of inhibition.
    public var firingLabels: [LabelSet] { tracked.values.filter { $0.phase == .firing }.map(\.labels) }

    /// Pending and firing alerts, for `alerts list` style reporting.
    public var active: [Tracked] { tracked.values.sorted { $0.labels["alertname", default: ""] < $1.labels["alertname", default: ""] } }

    // MARK: persistence

    public struct Snapshot: Sendable, Codable, Equatable {
        public var fingerprint: String
        public var rule: String
        public var phase: Phase
        public var labels: LabelSet
        public var annotations: [String: String]
        public var activeAtMicros: Int64
        public var firedAtMicros: Int64?
        public var lastTrueAtMicros: Int64
        public var value: Double?
        public var incidentDocument: String?
    }

    public func snapshot(_ anchor: InstantAnchor<C>) -> [Snapshot] {
        tracked.sorted(by: { $0.key < $1.key }).map { key, entry in
            Snapshot(fingerprint: key, rule: entry.rule, phase: entry.phase, labels: entry.labels, annotations: entry.annotations,
                     activeAtMicros: anchor.micros(entry.activeAt), firedAtMicros: entry.firedAt.map(anchor.micros),
                     lastTrueAtMicros: anchor.micros(entry.lastTrueAt), value: entry.value, incidentDocument: entry.incidentDocument)
        }
    }

    public init(restoring snapshots: [Snapshot], _ anchor: InstantAnchor<C>) {
        for item in snapshots {
            tracked[item.fingerprint] = Tracked(
                rule: item.rule, phase: item.phase, labels: item.labels, annotations: item.annotations,
                activeAt: anchor.instant(item.activeAtMicros), firedAt: item.firedAtMicros.map(anchor.instant),
                lastTrueAt: anchor.instant(item.lastTrueAtMicros), value: item.value, incidentDocument: item.incidentDocument)
        }
    }
}
