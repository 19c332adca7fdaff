import Foundation
import Yams

/// Loads alert rules from YAML files (`*.yml`, `*.yaml`) in directories. A broken rule is reported with its
/// file, rule and key and skipped; the other rules, in that file and others, still load.
///
/// ```yaml
/// rules:
///   - alert: RetrievalIncident
///     condition: { incident: { component: retrieval } }
///     for: 0s
///     keep_firing_for: 10m
///     severity: page
///     labels: { team: search }
///     annotations:
///       summary: "{{ component }} regression {{ task }}"
/// ```
public struct AlertRuleLoader: Sendable {
    public struct Result: Sendable {
        public var rules: [AlertRule]
        public var errors: [AlertRuleError]
        public var files: [String]
    }

    public init() {}

    /// The rules compiled into the binary (the repository's `Alerts/*.yml`), named `builtin:Alerts/<file>.yml`.
    public func builtin() -> Result {
        var result = Result(rules: [], errors: [], files: [])
        for file in DefaultAlertRules.files {
            let name = "builtin:Alerts/\(file.name).yml"
            let parsed = parse(file.yaml, file: name)
            result.files.append(name)
            result.rules += parsed.rules
            result.errors += parsed.errors
        }
        return result
    }

    /// The built-in rules (unless `builtins` is off) and then the rules in `directories`. A rule in a directory
    /// with the name of a built-in one replaces it; two rules of the same name in the directories are an error.
    public func load(directories: [String], builtins: Bool) -> Result {
        var result = builtins ? builtin() : Result(rules: [], errors: [], files: [])
        let added = load(directories: directories)
        let replaced = Set(added.rules.map(\.name))
        result.rules = result.rules.filter { !replaced.contains($0.name) } + added.rules
        result.errors += added.errors
        result.files += added.files
        return result
    }

    /// The rules a configuration asks for: built-in ones (unless `builtin_rules: off`) plus `rule_dirs`.
    public func load(_ configuration: AlertsConfiguration) -> Result {
        load(directories: configuration.ruleDirectories, builtins: configuration.builtinRules)
    }

    /// The rules in `directories` only.
    public func load(directories: [String]) -> Result {
        var result = Result(rules: [], errors: [], files: [])
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
                result.errors.append(AlertRuleError(file: directory, rule: "", key: "rule_dirs", message: "names a directory that does not exist"))
                continue
            }
            let paths: [String]
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                paths = names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
            } else {
                paths = [directory]
            }
            for path in paths {
                result.files.append(path)
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    result.errors.append(AlertRuleError(file: path, rule: "", key: "", message: "cannot be read"))
                    continue
                }
                let parsed = parse(text, file: path)
                result.rules += parsed.rules
                result.errors += parsed.errors
            }
        }
        var seen: [String: String] = [:]
        result.rules = result.rules.filter { rule in
            if let other = seen[rule.name] {
                result.errors.append(AlertRuleError(file: rule.file, rule: rule.name, key: "alert", message: "repeats a rule name already used in \(other)"))
                return false
            }
            seen[rule.name] = rule.file
            return true
        }
        return result
    }

    /// Parses one file's text.
    public func parse(_ text: String, file: String) -> (rules: [AlertRule], errors: [AlertRuleError]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return ([], [AlertRuleError(file: file, rule: "", key: "", message: "is not valid YAML: \(error)")])
        }
        guard let root, case .mapping(let top) = root, let list = top["rules"], case .sequence(let items) = list else {
            return ([], [AlertRuleError(file: file, rule: "", key: "rules", message: "expected a top-level `rules:` list")])
        }
        var rules: [AlertRule] = []
        var errors: [AlertRuleError] = []
        for (index, item) in items.enumerated() {
            do {
                var parser = RuleNodeParser(file: file, index: index)
                rules.append(try parser.parse(item))
            } catch let error as AlertRuleError {
                errors.append(error)
            } catch {
                errors.append(AlertRuleError(file: file, rule: "#\(index + 1)", key: "", message: "\(error)"))
            }
        }
        return (rules, errors)
    }
}

/// Reads one rule mapping, throwing ``AlertRuleError`` that names the key.
struct RuleNodeParser {
    let file: String
    let index: Int
    var ruleName: String = ""

    init(file: String, index: Int) {
        self.file = file
        self.index = index
        self.ruleName = "#\(index + 1)"
    }

    func fail(_ node: Node?, _ key: String, _ message: String) -> AlertRuleError {
        AlertRuleError(file: file, rule: ruleName, key: key, line: node?.mark?.line, message: message)
    }

    func mapping(_ node: Node, _ key: String) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else { throw fail(node, key, "expected a mapping") }
        var result: [String: Node] = [:]
        for (k, v) in mapping {
            guard let name = k.string else { throw fail(k, key, "has a key that is not a string") }
            result[name] = v
        }
        return result
    }

    func allowOnly(_ fields: [String: Node], _ keys: Set<String>, _ path: String) throws {
        for (name, node) in fields where !keys.contains(name) {
            throw fail(node, path.isEmpty ? name : path + "." + name, "is not a known key (expected one of: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw fail(node, key, "expected a string") }
        return scalar.string
    }

    func number(_ node: Node, _ key: String) throws -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string.replacingOccurrences(of: "_", with: "")), value.isFinite else {
            throw fail(node, key, "expected a number")
        }
        return value
    }

    func duration(_ node: Node, _ key: String) throws -> Duration {
        guard case .scalar(let scalar) = node, let value = DurationText.parse(scalar.string) else {
            throw fail(node, key, "expected a duration such as 30s, 5m or 1h")
        }
        return value
    }

    func stringMap(_ node: Node, _ key: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in try mapping(node, key) { result[name] = try string(value, key + "." + name) }
        return result
    }

    func stringList(_ node: Node, _ key: String) throws -> [String] {
        if case .scalar(let scalar) = node { return [scalar.string] }
        guard case .sequence(let items) = node else { throw fail(node, key, "expected a list of strings") }
        return try items.map { try string($0, key) }
    }

    mutating func parse(_ node: Node) throws -> AlertRule {
        let fields = try mapping(node, "")
        if let nameNode = fields["alert"] {
            let name = try string(nameNode, "alert")
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw fail(nameNode, "alert", "expected a name of letters, digits and underscores, got \"\(name)\"")
            }
            ruleName = name
        } else {
            throw fail(node, "alert", "is missing: every rule needs a name")
        }
        try allowOnly(fields, ["alert", "condition", "for", "keep_firing_for", "severity", "labels", "annotations"], "")
        guard let conditionNode = fields["condition"] else { throw fail(node, "condition", "is missing") }
        var rule = AlertRule(name: ruleName, file: file, condition: try condition(conditionNode))
        if let n = fields["for"] { rule.forDuration = try duration(n, "for") }
        if let n = fields["keep_firing_for"] { rule.keepFiringFor = try duration(n, "keep_firing_for") }
        if let n = fields["severity"] { rule.severity = try string(n, "severity") }
        if let n = fields["labels"] { rule.labels = try stringMap(n, "labels") }
        if let n = fields["annotations"] {
            rule.annotations = try stringMap(n, "annotations")
            for (key, template) in rule.annotations.sorted(by: { $0.key < $1.key }) {
                if let problem = AlertTemplate.validate(template) { throw fail(n, "annotations." + key, problem) }
                if let problem = unknownVariable(template, rule: rule) { throw fail(n, "annotations." + key, problem) }
            }
        }
        return rule
    }

    /// The first placeholder naming nothing the rule's alerts carry.
    func unknownVariable(_ template: String, rule: AlertRule) -> String? {
        let labels = ["alertname", "severity"] + rule.labels.keys.sorted()
        let fields = ["value"] + labels + RuleVocabulary.templateFields(rule.condition)
        for name in AlertTemplate.placeholders(template) {
            if name.hasPrefix("labels."), !name.dropFirst(7).isEmpty { continue }
            if RuleVocabulary.matches(name, fields) { continue }
            if case .incident = rule.condition {
                // The incident document has some seventy fields: name the useful ones.
                let useful = ["value"] + labels + RuleVocabulary.incidentLabels.filter { !labels.contains($0) }
                    + ["baseline.value", "current.value", "recommendation.action", "recommendation.summary", "scope.<key>", "labels.<name>"]
                return "has an unknown template variable \"\(name)\"; expected one of \(useful.joined(separator: ", ")) or another field of the incident document"
            }
            return "has an unknown template variable \"\(name)\"; expected one of \(RuleVocabulary.describe(fields)), labels.<name>"
        }
        return nil
    }

    func condition(_ node: Node) throws -> AlertCondition {
        let fields = try mapping(node, "condition")
        let kinds = ["incident", "drift", "metric", "no_records_for", "dead_letter_rate_above", "ingest_lag_above"].filter { fields[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first else {
            throw fail(node, "condition", "expected exactly one of incident, drift, metric, no_records_for, dead_letter_rate_above, ingest_lag_above")
        }
        switch kind {
        case "incident":
            try allowOnly(fields, ["incident"], "condition")
            var matchers: [LabelMatcher] = []
            let body = fields["incident"]!
            if case .scalar(let scalar) = body, scalar.string.isEmpty || scalar.string == "any" { return .incident(matchers: []) }
            for (name, value) in try mapping(body, "condition.incident").sorted(by: { $0.key < $1.key }) {
                guard RuleVocabulary.matches(name, RuleVocabulary.incidentFields) else {
                    throw fail(value, "condition.incident." + name, "is an unknown incident field \"\(name)\"; expected one of component, task, action, metric, status, "
                        + "severity, confidence, scope.<key>, recommendation.action or another field of the incident document")
                }
                let text = try string(value, "condition.incident." + name)
                if !text.hasPrefix("~"), let problem = RuleVocabulary.checkIncidentValue(name, text) {
                    throw fail(value, "condition.incident." + name, problem)
                }
                do {
                    matchers.append(text.hasPrefix("~")
                        ? try LabelMatcher(name: name, op: .regex, value: String(text.dropFirst()))
                        : try LabelMatcher(name: name, op: .equal, value: text))
                } catch {
                    throw fail(value, "condition.incident." + name, "is not a valid regular expression")
                }
            }
            return .incident(matchers: matchers)
        case "drift":
            try allowOnly(fields, ["drift"], "condition")
            let body = fields["drift"]!
            if case .scalar = body { return .drift(features: [], scopes: []) }
            let drift = try mapping(body, "condition.drift")
            try allowOnly(drift, ["features", "scopes"], "condition.drift")
            return .drift(features: try drift["features"].map { try stringList($0, "condition.drift.features") } ?? [],
                          scopes: try drift["scopes"].map { try stringList($0, "condition.drift.scopes") } ?? [])
        case "metric":
            try allowOnly(fields, ["metric", "below", "above", "window", "task", "min_records"], "condition")
            let name = try string(fields["metric"]!, "condition.metric")
            guard let metric = MetricCondition.Metric(rawValue: name) else {
                throw fail(fields["metric"], "condition.metric", "expected one of \(MetricCondition.Metric.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(name)\"")
            }
            let below = fields["below"], above = fields["above"]
            guard (below == nil) != (above == nil) else { throw fail(node, "condition.below", "expected exactly one of below or above") }
            let threshold = try number((below ?? above)!, below != nil ? "condition.below" : "condition.above")
            guard let windowNode = fields["window"] else { throw fail(node, "condition.window", "is missing") }
            let window = try duration(windowNode, "condition.window")
            guard window > .zero else { throw fail(windowNode, "condition.window", "must be longer than 0s") }
            var minRecords = 20
            if let n = fields["min_records"] {
                let value = try number(n, "condition.min_records")
                guard value >= 1, value == value.rounded() else { throw fail(n, "condition.min_records", "expected a whole number ≥ 1") }
                minRecords = Int(value)
            }
            return .metric(MetricCondition(metric: metric, below: below != nil, threshold: threshold, window: window,
                                           task: try fields["task"].map { try string($0, "condition.task") }, minRecords: minRecords))
        case "no_records_for":
            try allowOnly(fields, ["no_records_for"], "condition")
            let value = try duration(fields["no_records_for"]!, "condition.no_records_for")
            guard value > .zero else { throw fail(fields["no_records_for"], "condition.no_records_for", "must be longer than 0s") }
            return .noRecords(for: value)
        case "dead_letter_rate_above":
            try allowOnly(fields, ["dead_letter_rate_above", "window"], "condition")
            let rate = try number(fields["dead_letter_rate_above"]!, "condition.dead_letter_rate_above")
            guard (0...1).contains(rate) else { throw fail(fields["dead_letter_rate_above"], "condition.dead_letter_rate_above", "expected a fraction in 0...1") }
            let window = try fields["window"].map { try duration($0, "condition.window") } ?? .seconds(600)
            return .deadLetterRate(above: rate, window: window)
        default:
            try allowOnly(fields, ["ingest_lag_above", "window"], "condition")
            let lag = try duration(fields["ingest_lag_above"]!, "condition.ingest_lag_above")
            let window = try fields["window"].map { try duration($0, "condition.window") } ?? .seconds(300)
            return .ingestLag(aboveSeconds: Double(lag.milliseconds) / 1000, window: window)
        }
    }
}
