import DriftwatchCore
import Foundation

/// Labels of an alert, Alertmanager style.
public typealias LabelSet = [String: String]

/// One Alertmanager-style matcher: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`
/// (quotes optional). Regexes are anchored, as in Alertmanager; a missing label matches as "".
public struct LabelMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Operator: String, Sendable, Codable, CaseIterable { case equal = "=", notEqual = "!=", regex = "=~", notRegex = "!~" }

    public var name: String
    public var op: Operator
    public var value: String

    public init(name: String, op: Operator, value: String) throws {
        self.name = name
        self.op = op
        self.value = value
        if op == .regex || op == .notRegex { _ = try Self.compile(value) }
    }

    /// Parses `name<op>value`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for op in [Operator.notRegex, .regex, .notEqual, .equal] {
            if let range = trimmed.range(of: op.rawValue) {
                let name = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                var value = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { break }
                try self.init(name: name, op: op, value: value)
                return
            }
        }
        throw DriftwatchError(.invalidArgument, "expected a matcher like name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\", got \"\(text)\"")
    }

    public var description: String { "\(name)\(op.rawValue)\"\(value)\"" }

    public func matches(_ labels: LabelSet) -> Bool {
        let actual = labels[name] ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .regex: return Self.fullMatch(value, actual)
        case .notRegex: return !Self.fullMatch(value, actual)
        }
    }

    static func compile(_ pattern: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
        } catch {
            throw DriftwatchError(.invalidArgument, "invalid regular expression \"\(pattern)\"", underlying: error)
        }
    }

    private static func fullMatch(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? compile(pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

extension Array where Element == LabelMatcher {
    /// True when every matcher matches (an empty list matches everything).
    public func matches(_ labels: LabelSet) -> Bool { allSatisfy { $0.matches(labels) } }
}

/// A stable fingerprint of a label set (FNV-1a 64 over the sorted pairs), used as the alert identity.
public func fingerprint(_ labels: LabelSet) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x100_0000_01b3
        for byte in value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xfe) &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
