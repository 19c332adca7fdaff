/// An OTLP `AnyValue`: what an attribute holds.
public enum OTLPValue: Sendable, Equatable {
    case empty
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([OTLPValue])
    case kvlist([OTLPAttribute])

    /// The value as text when it is a scalar; numbers print as JSON would.
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// The value as a number: ints, doubles, and strings that parse as one (SDKs differ on which they send).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return d.rounded() == d && abs(d) < 9e18 ? Int64(d) : nil
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s):
            switch s.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }
}

/// An OTLP `KeyValue`.
public struct OTLPAttribute: Sendable, Equatable {
    public var key: String
    public var value: OTLPValue

    public init(key: String, value: OTLPValue) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == OTLPAttribute {
    /// The first attribute with this key (OTLP requires keys to be unique, so first is the only one).
    public subscript(key key: String) -> OTLPValue? {
        for a in self where a.key == key { return a.value }
        return nil
    }
}
