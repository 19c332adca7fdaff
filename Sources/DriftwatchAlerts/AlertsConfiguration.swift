import Foundation

/// A secret (webhook signing key, SMTP password) that prints as `<redacted>` so it never reaches a log.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Where notifications go.
public struct ReceiverConfiguration: Sendable, Equatable {
    public var name: String
    public var webhook: WebhookReceiver?
    public var email: EmailReceiver?
    public var slack: SlackReceiver?
    public var pagerduty: PagerDutyReceiver?
    /// Alertmanager's `send_resolved`, on by default.
    public var sendResolved: Bool

    public init(name: String, webhook: WebhookReceiver? = nil, email: EmailReceiver? = nil, slack: SlackReceiver? = nil,
                pagerduty: PagerDutyReceiver? = nil, sendResolved: Bool = true) {
        self.name = name
        self.webhook = webhook
        self.email = email
        self.slack = slack
        self.pagerduty = pagerduty
        self.sendResolved = sendResolved
    }

    public var kind: String {
        if webhook != nil { return "webhook" }
        if slack != nil { return "slack" }
        if pagerduty != nil { return "pagerduty" }
        return "email"
    }

    /// Where deliveries go, `host:port`, for error messages (never the secret part of a URL).
    public var endpoint: String {
        if let webhook { return Self.hostPort(webhook.url) }
        if let slack { return Self.hostPort(slack.url.value) }
        if let pagerduty { return Self.hostPort(pagerduty.url) }
        if let email { return "\(email.host):\(email.port)" }
        return "?"
    }

    static func hostPort(_ text: String) -> String {
        guard let url = URL(string: text), let host = url.host else { return "?" }
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }
}

/// A Slack incoming webhook. The URL is the credential, so it is kept as a secret.
public struct SlackReceiver: Sendable, Equatable {
    public var url: Secret
    public var timeout: Duration

    public init(url: Secret, timeout: Duration = .seconds(10)) {
        self.url = url
        self.timeout = timeout
    }
}

/// PagerDuty Events API v2. The routing key is added at send time, so it never reaches the outbox.
public struct PagerDutyReceiver: Sendable, Equatable {
    public static let defaultURL = "https://events.pagerduty.com/v2/enqueue"

    public var routingKey: Secret
    public var url: String
    public var timeout: Duration

    public init(routingKey: Secret, url: String = Self.defaultURL, timeout: Duration = .seconds(10)) {
        self.routingKey = routingKey
        self.url = url
        self.timeout = timeout
    }
}

public struct WebhookReceiver: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        /// Driftwatch's body: alerts with the incident, attribution, recommendation and dashboard link.
        case driftwatch
        /// Prometheus Alertmanager's webhook body (version "4"), for receivers written for Alertmanager.
        case alertmanager
    }

    public var url: String
    public var format: Format
    /// Standard Webhooks signing secret; no signature headers without one.
    public var secret: Secret?
    public var timeout: Duration

    public init(url: String, format: Format = .driftwatch, secret: Secret? = nil, timeout: Duration = .seconds(10)) {
        self.url = url
        self.format = format
        self.secret = secret
        self.timeout = timeout
    }
}

public struct EmailReceiver: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain connection upgraded with STARTTLS; refusing servers that do not offer it.
        case starttls
        /// TLS from the first byte (SMTPS, port 465).
        case tls
        /// No TLS at all: only for local relays, and then AUTH is never sent.
        case none
    }

    public var to: [String]
    public var from: String
    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: Secret?
    /// Trust anchors (PEM file) for servers with a private CA or self-signed certificate.
    public var caFile: String?
    /// Skip certificate verification (tests only).
    public var insecureSkipVerify: Bool
    public var helloName: String
    public var timeout: Duration

    public init(to: [String], from: String, host: String, port: Int = 587, security: Security = .starttls, username: String? = nil,
                password: Secret? = nil, caFile: String? = nil, insecureSkipVerify: Bool = false, helloName: String = "driftwatch.localhost",
                timeout: Duration = .seconds(30)) {
        self.to = to
        self.from = from
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
        self.helloName = helloName
        self.timeout = timeout
    }
}

/// The `alerts:` section: rule directories, the routing tree, receivers, timing and retries.
public struct AlertsConfiguration: Sendable, Equatable {
    public var enabled: Bool = true
    /// Rule files added to the built-in rules (a rule named like a built-in one replaces it).
    public var ruleDirectories: [String] = []
    /// Whether the rules compiled into the binary (the repository's `Alerts/`) are loaded.
    public var builtinRules: Bool = true
    /// Alertmanager's `inhibit_rules`; the defaults give one notification per incident under the built-in rules.
    public var inhibitRules: [InhibitRule] = InhibitRule.defaults
    public var evaluationInterval: Duration = .seconds(15)
    public var route = Route(receiver: nil, groupBy: Route.defaultGroupBy)
    public var receivers: [ReceiverConfiguration] = []
    public var retry = RetryPolicy()
    /// Base URL of the dashboard; links in notifications point below it.
    public var dashboardURL: String?

    public init() {}

    public func receiver(named name: String) -> ReceiverConfiguration? { receivers.first { $0.name == name } }
}
