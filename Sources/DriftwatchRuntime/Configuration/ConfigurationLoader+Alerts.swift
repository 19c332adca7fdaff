import DriftwatchAlerts
import DriftwatchCore
import Foundation
import Yams

extension ConfigurationLoader {
    /// Reads the `alerts:` section.
    ///
    ///     alerts:
    ///       rule_dirs: [./my-rules]          # added to the built-in rules; builtin_rules: off to replace them
    ///       inhibit_rules:                   # replaces the defaults (InhibitRule.defaults)
    ///         - { source_matchers: ['alertname="ToolIncident"'], target_matchers: ['alertname="IncidentOpened"'], equal: [incident_id] }
    ///       interval: 15s
    ///       dashboard_url: https://driftwatch.example/dash
    ///       route:
    ///         receiver: ops
    ///         group_by: [alertname, task]
    ///         group_wait: 30s
    ///         routes:
    ///           - { matchers: ['severity="page"'], receiver: pager, continue: true }
    ///       receivers:
    ///         - name: ops
    ///           webhook: { url: https://hooks.example/x, secret_env: DW_WEBHOOK_SECRET, format: driftwatch }
    ///         - name: pager
    ///           email: { to: [oncall@example.com], from: driftwatch@example.com, smarthost: smtp.example.com:587,
    ///                    username: dw, password_env: DW_SMTP_PASSWORD }
    ///         - name: chat
    ///           slack: { url_env: DW_SLACK_URL }
    ///         - name: oncall
    ///           pagerduty: { routing_key_env: DW_PD_KEY }
    ///       retry: { max_attempts: 10, initial_backoff: 1s, max_backoff: 5m }
    func readAlerts(_ node: Node, reader: NodeReader) throws -> AlertsConfiguration {
        var settings = AlertsConfiguration()
        let fields = try reader.mapping(node, path: "alerts")
        try reader.allowOnly(fields, keys: ["enabled", "rule_dirs", "builtin_rules", "inhibit_rules", "interval", "dashboard_url", "route",
                                            "receivers", "retry"], path: "alerts")
        if let n = fields["enabled"] { settings.enabled = try reader.bool(n, path: "alerts.enabled") }
        if let n = fields["builtin_rules"] { settings.builtinRules = try reader.bool(n, path: "alerts.builtin_rules") }
        if let n = fields["inhibit_rules"] {
            settings.inhibitRules = try reader.sequence(n, path: "alerts.inhibit_rules").enumerated().map { index, item in
                try readInhibitRule(item, path: "alerts.inhibit_rules[\(index)]", reader: reader)
            }
        }
        if let n = fields["rule_dirs"] { settings.ruleDirectories = try reader.sequence(n, path: "alerts.rule_dirs").map { try reader.string($0, path: "alerts.rule_dirs") } }
        if let n = fields["interval"] { settings.evaluationInterval = .microseconds(try reader.duration(n, path: "alerts.interval")) }
        if let n = fields["dashboard_url"] { settings.dashboardURL = try reader.string(n, path: "alerts.dashboard_url") }
        if let n = fields["receivers"] {
            settings.receivers = try reader.sequence(n, path: "alerts.receivers").enumerated().map { index, item in
                try readReceiver(item, path: "alerts.receivers[\(index)]", reader: reader)
            }
        }
        if let n = fields["route"] { settings.route = try readRoute(n, path: "alerts.route", reader: reader, root: true) }
        if let n = fields["retry"] {
            let retry = try reader.mapping(n, path: "alerts.retry")
            try reader.allowOnly(retry, keys: ["max_attempts", "initial_backoff", "max_backoff"], path: "alerts.retry")
            if let m = retry["max_attempts"] { settings.retry.maxAttempts = try reader.int(m, path: "alerts.retry.max_attempts", minimum: 1) }
            if let m = retry["initial_backoff"] { settings.retry.initialBackoff = .microseconds(try reader.duration(m, path: "alerts.retry.initial_backoff")) }
            if let m = retry["max_backoff"] { settings.retry.maxBackoff = .microseconds(try reader.duration(m, path: "alerts.retry.max_backoff")) }
        }
        let names = Set(settings.receivers.map(\.name))
        if settings.route.receiver == nil, let first = settings.receivers.first { settings.route.receiver = first.name }
        for name in settings.route.receiverNames where !names.contains(name) {
            throw reader.error(fields["route"] ?? node, path: "alerts.route", "sends to receiver \"\(name)\", which is not in alerts.receivers")
        }
        return settings
    }

    private func readInhibitRule(_ node: Node, path: String, reader: NodeReader) throws -> InhibitRule {
        let fields = try reader.mapping(node, path: path)
        try reader.allowOnly(fields, keys: ["source_matchers", "target_matchers", "equal"], path: path)
        guard let source = fields["source_matchers"], let target = fields["target_matchers"] else {
            throw reader.error(node, path: path, "needs source_matchers and target_matchers (lists of matchers such as alertname=\"IncidentOpened\")")
        }
        return InhibitRule(sourceMatchers: try matchers(source, path: path + ".source_matchers", reader: reader),
                           targetMatchers: try matchers(target, path: path + ".target_matchers", reader: reader),
                           equal: try fields["equal"].map { try reader.sequence($0, path: path + ".equal").map { try reader.string($0, path: path + ".equal") } } ?? [])
    }

    private func matchers(_ node: Node, path: String, reader: NodeReader) throws -> [LabelMatcher] {
        try reader.sequence(node, path: path).map { item in
            let text = try reader.string(item, path: path)
            do { return try LabelMatcher(parsing: text) } catch { throw reader.error(item, path: path, "\(error)") }
        }
    }

    private func readRoute(_ node: Node, path: String, reader: NodeReader, root: Bool) throws -> Route {
        let fields = try reader.mapping(node, path: path)
        try reader.allowOnly(fields, keys: ["receiver", "matchers", "group_by", "group_wait", "group_interval", "repeat_interval", "continue", "routes"], path: path)
        var route = Route()
        if let n = fields["receiver"] { route.receiver = try reader.string(n, path: path + ".receiver") }
        if let n = fields["matchers"] { route.matchers = try matchers(n, path: path + ".matchers", reader: reader) }
        if let n = fields["group_by"] { route.groupBy = try reader.sequence(n, path: path + ".group_by").map { try reader.string($0, path: path + ".group_by") } }
        else if root { route.groupBy = Route.defaultGroupBy }
        if let n = fields["group_wait"] { route.groupWait = try alertDuration(n, path: path + ".group_wait", reader: reader) }
        if let n = fields["group_interval"] { route.groupInterval = try alertDuration(n, path: path + ".group_interval", reader: reader) }
        if let n = fields["repeat_interval"] { route.repeatInterval = try alertDuration(n, path: path + ".repeat_interval", reader: reader) }
        if let n = fields["continue"] { route.continueMatching = try reader.bool(n, path: path + ".continue") }
        if let n = fields["routes"] {
            route.routes = try reader.sequence(n, path: path + ".routes").enumerated().map { index, item in
                try readRoute(item, path: path + ".routes[\(index)]", reader: reader, root: false)
            }
        }
        return route
    }

    /// Like `reader.duration` but also accepts 0 (`group_wait: 0` sends at once).
    private func alertDuration(_ node: Node, path: String, reader: NodeReader) throws -> Duration {
        if case .scalar(let scalar) = node, ["0", "0s", "0ms"].contains(scalar.string) { return .zero }
        return .microseconds(try reader.duration(node, path: path))
    }

    private func secret(_ fields: [String: Node], key: String, path: String, reader: NodeReader) throws -> Secret? {
        if let n = fields[key] { return Secret(try reader.string(n, path: path + "." + key)) }
        if let n = fields[key + "_env"] {
            let name = try reader.string(n, path: path + "." + key + "_env")
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw reader.error(n, path: path + "." + key + "_env", "names the environment variable \(name), which is not set")
            }
            return Secret(value)
        }
        return nil
    }

    /// An http(s) URL with a host; `shown` puts the text in the error (not for URLs that are credentials).
    private func checkURL(_ url: String, node: Node, path: String, reader: NodeReader, shown: Bool) throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw reader.error(node, path: path, "expected an http:// or https:// URL" + (shown ? ", got \"\(url)\"" : ""))
        }
    }

    private func readReceiver(_ node: Node, path: String, reader: NodeReader) throws -> ReceiverConfiguration {
        let fields = try reader.mapping(node, path: path)
        let kinds = ["webhook", "email", "slack", "pagerduty"]
        try reader.allowOnly(fields, keys: Set(kinds + ["name", "send_resolved"]), path: path)
        guard let nameNode = fields["name"] else { throw reader.error(node, path: path + ".name", "is required") }
        var receiver = ReceiverConfiguration(name: try reader.string(nameNode, path: path + ".name"))
        if let n = fields["send_resolved"] { receiver.sendResolved = try reader.bool(n, path: path + ".send_resolved") }
        guard kinds.filter({ fields[$0] != nil }).count == 1 else {
            throw reader.error(node, path: path, "needs exactly one of webhook, email, slack or pagerduty")
        }
        if let n = fields["slack"] {
            let slack = try reader.mapping(n, path: path + ".slack")
            try reader.allowOnly(slack, keys: ["url", "url_env", "timeout"], path: path + ".slack")
            guard let url = try secret(slack, key: "url", path: path + ".slack", reader: reader) else {
                throw reader.error(n, path: path + ".slack.url", "is required (or url_env naming an environment variable that holds it)")
            }
            try checkURL(url.value, node: slack["url"] ?? slack["url_env"] ?? n, path: path + ".slack.url", reader: reader, shown: false)
            var receiverSettings = SlackReceiver(url: url)
            if let m = slack["timeout"] { receiverSettings.timeout = .microseconds(try reader.duration(m, path: path + ".slack.timeout")) }
            receiver.slack = receiverSettings
        }
        if let n = fields["pagerduty"] {
            let pd = try reader.mapping(n, path: path + ".pagerduty")
            try reader.allowOnly(pd, keys: ["routing_key", "routing_key_env", "url", "timeout"], path: path + ".pagerduty")
            guard let key = try secret(pd, key: "routing_key", path: path + ".pagerduty", reader: reader) else {
                throw reader.error(n, path: path + ".pagerduty.routing_key", "is required (or routing_key_env naming an environment variable that holds it)")
            }
            var settings = PagerDutyReceiver(routingKey: key)
            if let m = pd["url"] {
                settings.url = try reader.string(m, path: path + ".pagerduty.url")
                try checkURL(settings.url, node: m, path: path + ".pagerduty.url", reader: reader, shown: true)
            }
            if let m = pd["timeout"] { settings.timeout = .microseconds(try reader.duration(m, path: path + ".pagerduty.timeout")) }
            receiver.pagerduty = settings
        }
        if let n = fields["webhook"] {
            let hook = try reader.mapping(n, path: path + ".webhook")
            try reader.allowOnly(hook, keys: ["url", "format", "secret", "secret_env", "timeout"], path: path + ".webhook")
            guard let urlNode = hook["url"] else { throw reader.error(n, path: path + ".webhook.url", "is required") }
            let url = try reader.string(urlNode, path: path + ".webhook.url")
            try checkURL(url, node: urlNode, path: path + ".webhook.url", reader: reader, shown: false)
            var webhook = WebhookReceiver(url: url, secret: try secret(hook, key: "secret", path: path + ".webhook", reader: reader))
            if let m = hook["format"] {
                let text = try reader.string(m, path: path + ".webhook.format")
                guard let format = WebhookReceiver.Format(rawValue: text) else {
                    throw reader.error(m, path: path + ".webhook.format", "expected driftwatch or alertmanager")
                }
                webhook.format = format
            }
            if let m = hook["timeout"] { webhook.timeout = .microseconds(try reader.duration(m, path: path + ".webhook.timeout")) }
            receiver.webhook = webhook
        }
        if let n = fields["email"] {
            let mail = try reader.mapping(n, path: path + ".email")
            try reader.allowOnly(mail, keys: ["to", "from", "smarthost", "security", "username", "password", "password_env", "ca_file",
                                              "insecure_skip_verify", "hello", "timeout"], path: path + ".email")
            guard let toNode = mail["to"], let fromNode = mail["from"], let hostNode = mail["smarthost"] else {
                throw reader.error(n, path: path + ".email", "needs to, from and smarthost")
            }
            let to: [String]
            if case .scalar = toNode { to = [try reader.string(toNode, path: path + ".email.to")] } else {
                to = try reader.sequence(toNode, path: path + ".email.to").map { try reader.string($0, path: path + ".email.to") }
            }
            let smarthost = try reader.string(hostNode, path: path + ".email.smarthost")
            guard let colon = smarthost.lastIndex(of: ":"), let port = Int(smarthost[smarthost.index(after: colon)...]), (1...65535).contains(port) else {
                throw reader.error(hostNode, path: path + ".email.smarthost", "expected host:port such as smtp.example.com:587")
            }
            var email = EmailReceiver(to: to, from: try reader.string(fromNode, path: path + ".email.from"), host: String(smarthost[..<colon]),
                                      port: port, security: port == 465 ? .tls : .starttls)
            if let m = mail["security"] {
                let text = try reader.string(m, path: path + ".email.security")
                guard let security = EmailReceiver.Security(rawValue: text) else {
                    throw reader.error(m, path: path + ".email.security", "expected starttls, tls or none")
                }
                email.security = security
            }
            if let m = mail["username"] { email.username = try reader.string(m, path: path + ".email.username") }
            email.password = try secret(mail, key: "password", path: path + ".email", reader: reader)
            if email.username != nil, email.security == .none {
                throw reader.error(n, path: path + ".email.security", "is none, but AUTH is only sent over TLS: use starttls or tls")
            }
            if let m = mail["ca_file"] { email.caFile = try reader.string(m, path: path + ".email.ca_file") }
            if let m = mail["insecure_skip_verify"] { email.insecureSkipVerify = try reader.bool(m, path: path + ".email.insecure_skip_verify") }
            if let m = mail["hello"] { email.helloName = try reader.string(m, path: path + ".email.hello") }
            if let m = mail["timeout"] { email.timeout = .microseconds(try reader.duration(m, path: path + ".email.timeout")) }
            receiver.email = email
        }
        return receiver
    }
}
