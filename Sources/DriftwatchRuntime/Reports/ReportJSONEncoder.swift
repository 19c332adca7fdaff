import Foundation

/// The JSON every `--format json` prints (docs/json.md): snake_case keys, missing values as `null` (never
/// left out), numbers as numbers, keys sorted, pretty-printed like Foundation's encoder.
///
/// Foundation's `JSONEncoder` cannot do the second: synthesized `Encodable` conformances call `encodeIfPresent`,
/// which it turns into a missing key. This encoder builds a tree instead and writes `null` there. Keys of
/// structs are converted to snake_case; keys of `[String: …]` dictionaries (scopes, slices, counts by name) are
/// data and kept as they are. Non-finite numbers are written as `null`.
package enum ReportJSONEncoder {
    package static func encode(_ value: some Encodable) throws -> String {
        var out = ""
        write(try TreeEncoder.node(value, codingPath: []), into: &out, indent: 0)
        return out
    }

    /// A JSON value.
    indirect enum Node {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([Node])
        case object([(String, Node)])
    }

    static func write(_ node: Node, into out: inout String, indent: Int) {
        switch node {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[\n\n" + String(repeating: " ", count: indent) + "]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                write(item, into: &out, indent: indent + 2)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{\n\n" + String(repeating: " ", count: indent) + "}"; return }
            out += "{\n"
            // Last write of a key wins (as a dictionary would); then sorted, as Foundation's `.sortedKeys`.
            var unique: [String: Node] = [:]
            for (k, v) in fields { unique[k] = v }
            let keys = unique.keys.sorted()
            for (i, key) in keys.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                writeString(key, into: &out)
                out += " : "
                write(unique[key]!, into: &out, indent: indent + 2)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // DEL, C1 controls and bidi overrides are valid raw in JSON but act on a terminal: escaped, the value is the same.
                if scalar.value < 0x20 || TerminalText.isUnsafe(scalar) {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    static func number(_ v: Double) -> Node {
        guard v.isFinite else { return .null }
        if v.rounded() == v && abs(v) < 1e15 { return .number(String(Int64(v))) }
        return .number("\(v)")
    }

    /// `lastRowID` → `last_row_id`, `lagBytes` → `lag_bytes`; snake_case keys pass unchanged.
    static func snakeCase(_ key: String) -> String {
        guard key.contains(where: \.isUppercase) else { return key }
        let chars = Array(key)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let previous = i > 0 ? chars[i - 1] : nil
                let next = i + 1 < chars.count ? chars[i + 1] : nil
                let startsWord = previous.map { $0.isLowercase || $0.isNumber } ?? false
                    || (previous?.isUppercase == true && next?.isLowercase == true)
                if startsWord && previous != "_" { out += "_" }
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// A `[String: V]` whose keys are data, not field names.
private protocol StringKeyedDictionary {
    func encodeEntries(codingPath: [any CodingKey]) throws -> ReportJSONEncoder.Node
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    fileprivate func encodeEntries(codingPath: [any CodingKey]) throws -> ReportJSONEncoder.Node {
        .object(try map { ($0.key, try ReportJSONEncoder.TreeEncoder.node($0.value, codingPath: codingPath)) })
    }
}

extension ReportJSONEncoder {
    /// One value being built; containers hand out child slots and the tree is resolved at the end.
    final class Slot {
        enum Content {
            case empty
            case leaf(Node)
            case object([(String, Slot)])
            case array([Slot])
        }
        var content: Content = .empty

        init(_ content: Content = .empty) { self.content = content }

        func makeObject() { if case .object = content {} else { content = .object([]) } }
        func makeArray() { if case .array = content {} else { content = .array([]) } }

        func append(_ key: String, _ child: Slot) {
            guard case .object(var fields) = content else { return }
            fields.append((key, child))
            content = .object(fields)
        }

        func append(_ child: Slot) {
            guard case .array(var items) = content else { return }
            items.append(child)
            content = .array(items)
        }

        var count: Int {
            if case .array(let items) = content { return items.count }
            return 0
        }

        func resolve() -> Node {
            switch content {
            case .empty: return .null
            case .leaf(let node): return node
            case .object(let fields): return .object(fields.map { ($0.0, $0.1.resolve()) })
            case .array(let items): return .array(items.map { $0.resolve() })
            }
        }
    }

    final class TreeEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        let slot: Slot

        init(codingPath: [any CodingKey], slot: Slot = Slot()) {
            self.codingPath = codingPath
            self.slot = slot
        }

        /// Leaves and string-keyed dictionaries directly; anything else through its `encode(to:)`.
        static func node(_ value: some Encodable, codingPath: [any CodingKey]) throws -> Node {
            if let dictionary = value as? any StringKeyedDictionary { return try dictionary.encodeEntries(codingPath: codingPath) }
            if let d = value as? Double { return number(d) }
            if let f = value as? Float { return number(Double(f)) }
            if let s = value as? String { return .string(s) }
            if let b = value as? Bool { return .bool(b) }
            if let d = value as? Date { return .string(ISO8601DateFormatter().string(from: d)) }
            let encoder = TreeEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            return encoder.slot.resolve()
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            slot.makeObject()
            return KeyedEncodingContainer(KeyedContainer<Key>(codingPath: codingPath, slot: slot))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            slot.makeArray()
            return UnkeyedContainer(codingPath: codingPath, slot: slot)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(codingPath: codingPath, slot: slot) }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let codingPath: [any CodingKey]
        let slot: Slot

        func put(_ node: Node, _ key: Key) { slot.append(snakeCase(key.stringValue), Slot(.leaf(node))) }

        mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(number(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { put(number(Double(value)), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.number(String(value)), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            put(try TreeEncoder.node(value, codingPath: codingPath + [key]), key)
        }

        // A missing value is `null`, never a missing key.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } else { put(.null, key) } }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = Slot(.object([]))
            slot.append(snakeCase(key.stringValue), child)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(codingPath: codingPath + [key], slot: child))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Slot(.array([]))
            slot.append(snakeCase(key.stringValue), child)
            return UnkeyedContainer(codingPath: codingPath + [key], slot: child)
        }

        mutating func superEncoder() -> any Encoder {
            let child = Slot()
            slot.append("super", child)
            return TreeEncoder(codingPath: codingPath, slot: child)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Slot()
            slot.append(snakeCase(key.stringValue), child)
            return TreeEncoder(codingPath: codingPath + [key], slot: child)
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let codingPath: [any CodingKey]
        let slot: Slot
        var count: Int { slot.count }

        func put(_ node: Node) { slot.append(Slot(.leaf(node))) }

        mutating func encodeNil() throws { put(.null) }
        mutating func encode(_ value: Bool) throws { put(.bool(value)) }
        mutating func encode(_ value: String) throws { put(.string(value)) }
        mutating func encode(_ value: Double) throws { put(number(value)) }
        mutating func encode(_ value: Float) throws { put(number(Double(value))) }
        mutating func encode(_ value: Int) throws { put(.number(String(value))) }
        mutating func encode(_ value: Int64) throws { put(.number(String(value))) }
        mutating func encode(_ value: UInt64) throws { put(.number(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws { put(try TreeEncoder.node(value, codingPath: codingPath)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Slot(.object([]))
            slot.append(child)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(codingPath: codingPath, slot: child))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Slot(.array([]))
            slot.append(child)
            return UnkeyedContainer(codingPath: codingPath, slot: child)
        }

        mutating func superEncoder() -> any Encoder {
            let child = Slot()
            slot.append(child)
            return TreeEncoder(codingPath: codingPath, slot: child)
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let codingPath: [any CodingKey]
        let slot: Slot

        func put(_ node: Node) { slot.content = .leaf(node) }

        mutating func encodeNil() throws { put(.null) }
        mutating func encode(_ value: Bool) throws { put(.bool(value)) }
        mutating func encode(_ value: String) throws { put(.string(value)) }
        mutating func encode(_ value: Double) throws { put(number(value)) }
        mutating func encode(_ value: Float) throws { put(number(Double(value))) }
        mutating func encode(_ value: Int) throws { put(.number(String(value))) }
        mutating func encode(_ value: Int8) throws { put(.number(String(value))) }
        mutating func encode(_ value: Int16) throws { put(.number(String(value))) }
        mutating func encode(_ value: Int32) throws { put(.number(String(value))) }
        mutating func encode(_ value: Int64) throws { put(.number(String(value))) }
        mutating func encode(_ value: UInt) throws { put(.number(String(value))) }
        mutating func encode(_ value: UInt8) throws { put(.number(String(value))) }
        mutating func encode(_ value: UInt16) throws { put(.number(String(value))) }
        mutating func encode(_ value: UInt32) throws { put(.number(String(value))) }
        mutating func encode(_ value: UInt64) throws { put(.number(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws { put(try TreeEncoder.node(value, codingPath: codingPath)) }
    }
}
