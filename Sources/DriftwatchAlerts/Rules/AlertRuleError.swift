/// A problem in one rule file: which file, which rule (name or position) and which key, and what was expected.
public struct AlertRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// The rule's name, or `#<index>` when it has none; empty for file-level problems.
    public var rule: String
    public var key: String
    public var line: Int?
    public var message: String

    public init(file: String, rule: String, key: String, line: Int? = nil, message: String) {
        self.file = file
        self.rule = rule
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String {
        let at = line.map { ":\($0)" } ?? ""
        let where_ = rule.isEmpty ? "" : " rule \"\(rule)\""
        return "\(file)\(at):\(where_) key \"\(key)\" \(message)"
    }
}
