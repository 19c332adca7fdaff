import Foundation
import Testing

/// Reads the tests_*.json reference values written by Fixtures/make_test_fixtures.py.
///
/// Decoded with `JSONDecoder`, which parses numbers to the nearest double; `JSONSerialization` on
/// Linux can be an ulp off, which would break the bit-exact bin-edge checks.
enum StatsFixture {
    static func load(_ name: String) throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        return try #require(try JSONDecoder().decode(JSONValue.self, from: data).any as? [String: Any])
    }

    static func cases(_ name: String, _ key: String) throws -> [[String: Any]] {
        let root = try load(name)
        let list = try #require(root[key] as? [[String: Any]], "missing \(key) in \(name)")
        #expect(!list.isEmpty)
        return list
    }
}

/// Any JSON document, turned into plain Swift values (numbers as `Double`).
enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most values are numbers and arrays of numbers: try those first, since every failed
        // attempt costs a thrown error.
        if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else if let numbers = try? container.decode([Double].self) {
            self = .array(numbers.map { .number($0) })
        } else if container.decodeNil() {
            self = .null
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var any: Any {
        switch self {
        case .null: return Optional<Any>.none as Any
        case .bool(let b): return b
        case .number(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(\.any)
        case .object(let o): return o.mapValues(\.any)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A number, with "nan"/"inf"/"-inf" strings decoded.
    func double(_ key: String) -> Double {
        switch self[key] {
        case let n as Double: return n
        case let s as String: return s == "nan" ? .nan : (s == "inf" ? .infinity : (s == "-inf" ? -.infinity : .nan))
        default:
            Issue.record("missing number \(key)")
            return .nan
        }
    }

    func int(_ key: String) -> Int { Int(double(key)) }

    func doubles(_ key: String) -> [Double] {
        guard let list = self[key] as? [Any] else {
            Issue.record("missing array \(key)")
            return []
        }
        return list.map { item in
            switch item {
            case let n as Double: return n
            case let s as String: return s == "nan" ? .nan : (s == "inf" ? .infinity : -.infinity)
            default: return .nan
            }
        }
    }

    func ints(_ key: String) -> [Int] { doubles(key).map { Int($0) } }
}

/// |actual − expected| ≤ max(rel·|expected|, abs). NaN matches NaN and infinities match exactly.
func isClose(_ actual: Double, _ expected: Double, rel: Double = 1e-9, abs absolute: Double = 0) -> Bool {
    if expected.isNaN { return actual.isNaN }
    if expected.isInfinite { return actual == expected }
    return Swift.abs(actual - expected) <= Swift.max(rel * Swift.abs(expected), absolute)
}

/// Records a failure naming the case when `actual` is not close to `expected`.
func expectClose(_ actual: Double, _ expected: Double, rel: Double = 1e-9, abs absolute: Double = 0,
                 _ context: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(isClose(actual, expected, rel: rel, abs: absolute),
            "\(context()): got \(actual), expected \(expected)", sourceLocation: sourceLocation)
}
