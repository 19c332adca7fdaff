public import DriftwatchStore
import Foundation

/// Rules → alert lifecycle → routing and grouping → outbox rows, with its state as one JSON document that is
/// committed together with the rows it produced. Pure apart from the ids it draws; time comes from `C`.
public struct AlertPipeline<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    public var rules: [AlertRule]
    public var configuration: AlertsConfiguration
    public private(set) var machine = AlertStateMachine<C>()
    public private(set) var dispatcher: NotificationDispatcher<C>

    public init(rules: [AlertRule], configuration: AlertsConfiguration) {
        self.rules = rules
        self.configuration = configuration
        dispatcher = NotificationDispatcher(route: configuration.route,
                                            resolvedDisabled: Set(configuration.receivers.filter { !$0.sendResolved }.map(\.name)))
    }

    /// Evaluates the rules against `facts` and routes the resulting alerts into their groups.
    public mutating func evaluate(_ facts: AlertFacts, at now: C.Instant) {
        let alerts = machine.evaluate(RuleEvaluator.evaluate(rules, facts: facts), rules: rules, at: now)
        dispatcher.insert(alerts, at: now)
    }

    /// Flushes due groups into outbox rows (silences applied at `anchor`'s wall time, inhibit rules against the
    /// alerts firing now).
    public mutating func flush(at now: C.Instant, silences: [Silence], anchor: InstantAnchor<C>,
                               makeID: (() -> String)? = nil) -> [OutboxRow] {
        let wall = anchor.micros(now)
        let inhibitor = Inhibitor(rules: configuration.inhibitRules, firing: machine.firingLabels)
        let notifications = dispatcher.flush(at: now) { labels in
            silences.contains { $0.mutes(labels, atMicros: wall) } || inhibitor.mutes(labels)
        }
        let renderer = NotificationRenderer(dashboardURL: configuration.dashboardURL)
        return notifications.compactMap { notification in
            guard let receiver = configuration.receiver(named: notification.receiver) else { return nil }
            return renderer.outboxRow(NotificationRenderer.input(notification, id: makeID?() ?? UUID().uuidString.lowercased(), anchor: anchor), receiver: receiver)
        }
    }

    public var nextDeadline: C.Instant? { dispatcher.nextDeadline }

    struct Document: Codable {
        var version = 1
        var alerts: [AlertStateMachine<C>.Snapshot]
        var dispatcher: NotificationDispatcher<C>.Snapshot
    }

    /// The persisted state.
    public func snapshot(_ anchor: InstantAnchor<C>) -> String {
        let document = Document(alerts: machine.snapshot(anchor), dispatcher: dispatcher.snapshot(anchor))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Restores persisted state; an unreadable document is ignored (the pipeline starts fresh).
    public mutating func restore(_ text: String, _ anchor: InstantAnchor<C>) {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(text.utf8)) else { return }
        machine = AlertStateMachine(restoring: document.alerts, anchor)
        dispatcher.restore(document.dispatcher, anchor)
    }
}
