public import DriftwatchAlerts
import DriftwatchCore
public import DriftwatchStore
import Foundation
public import Logging

/// What `driftwatch alerts …` does, kept out of the executable so tests can call it.
public struct AlertsAdmin: Sendable {
    public let configuration: DriftwatchConfiguration

    public init(configuration: DriftwatchConfiguration) { self.configuration = configuration }

    /// `alerts check`: loads every rule file; the report lists rules and problems.
    public struct CheckReport: Sendable, Codable {
        public var files: [String]
        public var rules: [String]
        public var errors: [String]
        public var receivers: [String]
        /// Problems that do not stop the rules from loading (rules with nowhere to send them).
        public var warnings: [String] = []
        public var ok: Bool { errors.isEmpty }

        public func render(_ format: OutputFormat) throws -> String {
            if format == .json { return try ReportJSON.encode(self) }
            var lines = ["\(rules.count) rules in \(files.count) files; receivers: \(receivers.isEmpty ? "none" : receivers.joined(separator: ", "))"]
            lines += rules.map { "  ok     \($0)" }
            lines += errors.map { "  error  \($0)" }
            lines += warnings.map { "  warning  \($0)" }
            return lines.map(TerminalText.safe).joined(separator: "\n")
        }
    }

    public func check() -> CheckReport {
        let result = AlertRuleLoader().load(configuration.alerts)
        var report = CheckReport(files: result.files, rules: result.rules.map { "\($0.name) (\($0.file))" }, errors: result.errors.map(\.description),
                                 receivers: configuration.alerts.receivers.map(\.name))
        if let warning = Self.noReceiversWarning(configuration.alerts, rules: result.rules.count) { report.warnings.append(warning) }
        return report
    }

    /// The warning for rules that can never notify anyone; nil when alerts are off or have a receiver.
    public static func noReceiversWarning(_ alerts: AlertsConfiguration, rules: Int) -> String? {
        guard alerts.enabled, alerts.receivers.isEmpty, rules > 0 else { return nil }
        return "\(rules) alert rules are loaded but alerts.receivers is empty, so no notification will be sent; "
            + "add a receiver, or set alerts.enabled: off"
    }

    /// `alerts test --receiver NAME`: queues a sample notification and delivers it right away.
    public func test(receiver name: String, store: SQLiteStore, logger: Logger) async throws -> (OutboxRow, DeliveryOutcome) {
        guard let receiver = configuration.alerts.receiver(named: name) else {
            throw DriftwatchError(.invalidArgument, "no receiver named \"\(name)\" in alerts.receivers (have: \(configuration.alerts.receivers.map(\.name).joined(separator: ", ")))")
        }
        let now = WallClock.nowMicros()
        let item = NotificationRenderer.Input.Item(
            labels: ["alertname": "DriftwatchTest", "severity": "info", "receiver": name],
            annotations: ["summary": "Test notification from driftwatch", "description": "If you can read this, the receiver works."],
            startsAtMicros: now, endsAtMicros: nil, value: nil, incidentDocument: nil)
        let input = NotificationRenderer.Input(id: "test-" + UUID().uuidString.lowercased(), receiver: name, groupKey: "test",
                                               groupLabels: ["alertname": "DriftwatchTest"], firing: [item], resolved: [], atMicros: now)
        let row = NotificationRenderer(dashboardURL: configuration.alerts.dashboardURL).outboxRow(input, receiver: receiver)
        try store.enqueueNotifications([row])
        let deliverer = OutboxDeliverer(store: store, configuration: configuration.alerts, logger: logger)
        let outcome = await deliverer.attempt(row)
        let after = WallClock.nowMicros()
        switch outcome {
        case .delivered: try store.recordAttempt(id: row.id, status: .delivered, attempts: 1, nextAttemptAtMicros: after, error: nil, at: after)
        case .retryable(let reason, _), .permanent(let reason):
            try store.recordAttempt(id: row.id, status: .undeliverable, attempts: 1, nextAttemptAtMicros: after, error: reason, at: after)
        }
        // PagerDuty keeps a triggered test open until it is resolved: resolve it (best effort, not recorded).
        if receiver.pagerduty != nil, outcome == .delivered {
            var resolved = item
            resolved.endsAtMicros = after
            let resolve = NotificationRenderer.Input(id: input.id + "-resolve", receiver: name, groupKey: "test", groupLabels: input.groupLabels,
                                                     firing: [], resolved: [resolved], atMicros: after)
            _ = await deliverer.attempt(NotificationRenderer(dashboardURL: configuration.alerts.dashboardURL).outboxRow(resolve, receiver: receiver))
        }
        return (row, outcome)
    }

    /// Rows of `alerts outbox` and `silence list`.
    public struct OutboxReport: Sendable, Codable {
        public struct Row: Sendable, Codable {
            public var id: String
            public var receiver: String
            public var kind: String
            public var status: String
            public var attempts: Int
            public var createdAt: String
            public var lastError: String?
        }

        public var rows: [Row]
        public var retried: Int?

        public func render(_ format: OutputFormat) throws -> String {
            if format == .json { return try ReportJSON.encode(self) }
            var lines: [String] = []
            if let retried { lines.append("\(retried) undeliverable notifications queued again") }
            if rows.isEmpty { lines.append("outbox: nothing undeliverable or pending") }
            for row in rows {
                lines.append("\(row.status.padding(toLength: 13, withPad: " ", startingAt: 0)) \(row.id)  \(row.receiver) (\(row.kind))  attempts \(row.attempts)  \(row.createdAt)\(row.lastError.map { "  last error: \($0)" } ?? "")")
            }
            return lines.map(TerminalText.safe).joined(separator: "\n")
        }
    }

    public func outbox(store: SQLiteStore, all: Bool, retry: Bool, ids: [String]) throws -> OutboxReport {
        var report = OutboxReport(rows: [])
        if retry { report.retried = try store.retryUndeliverable(ids: ids.isEmpty ? nil : ids, now: WallClock.nowMicros()) }
        let rows = all ? try store.outbox() : try store.outbox(status: .undeliverable) + store.outbox(status: .pending)
        report.rows = rows.map {
            .init(id: $0.id, receiver: $0.receiver, kind: $0.kind, status: $0.status.rawValue, attempts: $0.attempts,
                  createdAt: RFC3339.format(micros: $0.createdAtMicros), lastError: $0.lastError)
        }
        return report
    }

    public struct SilenceReport: Sendable, Codable {
        public struct Row: Sendable, Codable {
            public var id: String
            public var matchers: [String]
            public var startsAt: String
            public var endsAt: String
            public var active: Bool
            public var createdBy: String
            public var comment: String
        }

        public var silences: [Row]

        public func render(_ format: OutputFormat) throws -> String {
            if format == .json { return try ReportJSON.encode(self) }
            if silences.isEmpty { return "no silences" }
            return silences.map { "\($0.active ? "active " : "expired") \($0.id)  \($0.matchers.joined(separator: ", "))  until \($0.endsAt)  \($0.createdBy) \($0.comment)" }
                .map(TerminalText.safe).joined(separator: "\n")
        }
    }

    public func addSilence(store: SQLiteStore, matchers: [String], duration: Duration, createdBy: String, comment: String) throws -> Silence {
        guard !matchers.isEmpty else { throw DriftwatchError(.invalidArgument, "a silence needs at least one matcher such as task=\"refund_question\"") }
        let parsed = try matchers.map { try LabelMatcher(parsing: $0) }
        let now = WallClock.nowMicros()
        let silence = Silence(matchers: parsed, startsAtMicros: now, endsAtMicros: now + duration.microsecondsValue, createdBy: createdBy, comment: comment)
        try store.saveSilence(silence.row)
        return silence
    }

    public func listSilences(store: SQLiteStore) throws -> SilenceReport {
        let now = WallClock.nowMicros()
        return SilenceReport(silences: try store.silences().compactMap { try? Silence(row: $0) }.map {
            .init(id: $0.id, matchers: $0.matchers.map(\.description), startsAt: RFC3339.format(micros: $0.startsAtMicros),
                  endsAt: RFC3339.format(micros: $0.endsAtMicros), active: $0.isActive(atMicros: now), createdBy: $0.createdBy, comment: $0.comment)
        })
    }
}
