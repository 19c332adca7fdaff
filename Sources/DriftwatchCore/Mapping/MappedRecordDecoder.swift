/// Decodes lines of a service's own JSON through a ``FieldMapping``: the line is parsed, the record of
/// format v1 is assembled from the mapped paths (values copied verbatim unless a `values:` table, an
/// element mapping or a `timestamp_unit` changes them), and then decoded and validated by
/// ``RecordDecoder`` like any native line.
///
/// The stored line is that assembled record followed by the service's fields the mapping did not
/// copy verbatim, so nothing of the original line is lost; fields whose name is a mapped record field
/// are kept under ``FieldMapping/clashingFieldsKey``. Errors name the service's path and the record
/// field, e.g. `field "id" (request_id): required field is missing`.
public struct MappedRecordDecoder: RecordLineDecoder {
    public let mapping: FieldMapping

    struct Rule {
        var target: String
        var targetPath: [String]
        var source: String
        var sourcePath: [Substring]
        var values: [String: String]?
        var elements: [Rule]?
        var timestampUnit: FieldMapping.TimestampUnit?
    }

    /// In configuration order: the order of the assembled record's fields.
    let rules: [Rule]
    /// Longest record field first, for naming errors.
    let rulesByTarget: [Rule]
    let constants: [(path: [String], json: [UInt8])]
    /// Top-level record fields the mapping fills: service fields of these names are kept aside.
    let targetTops: Set<String>
    /// Top-level service fields copied verbatim into the record: not repeated in the stored line.
    let copiedTops: Set<String>
    let decoder = RecordDecoder()

    public init(mapping: FieldMapping) {
        self.mapping = mapping
        func rule(_ rename: FieldMapping.Rename, valuesKey: String, elements: [Rule]?, unit: FieldMapping.TimestampUnit?) -> Rule {
            Rule(target: rename.target, targetPath: rename.target.split(separator: ".").map(String.init),
                 source: rename.source, sourcePath: rename.source.split(separator: "."),
                 values: mapping.values[valuesKey], elements: elements, timestampUnit: unit)
        }
        rules = mapping.fields.map { rename in
            let elements = mapping.elements[rename.target].map { renames in
                renames.map { rule($0, valuesKey: rename.target + "." + $0.target, elements: nil, unit: nil) }
            }
            let unit = rename.target == "timestamp" ? mapping.timestampUnit : nil
            return rule(rename, valuesKey: rename.target, elements: elements, unit: unit)
        }
        rulesByTarget = rules.sorted { $0.target.count > $1.target.count }
        constants = mapping.constants.map { ($0.target.split(separator: ".").map(String.init), Array($0.json.utf8)) }
        targetTops = Set(mapping.fields.map { String($0.target.prefix { $0 != "." }) } + mapping.constants.map { String($0.target.prefix { $0 != "." }) })
        copiedTops = Set(rules.filter {
            $0.sourcePath.count == 1 && $0.values == nil && $0.elements == nil && ($0.timestampUnit == nil || $0.timestampUnit == .rfc3339)
        }.map { String($0.source) })
    }

    public func records(fromLine line: UnsafeRawBufferPointer) throws(RecordDecodingError) -> [IngestedRecord] {
        let mapped = try mappedLine(line)
        do throws(RecordDecodingError) {
            return [IngestedRecord(record: try decoder.decode(mapped), raw: mapped)]
        } catch {
            throw named(error)
        }
    }

    /// The line as format v1 (what the store keeps), before validation.
    public func mappedLine(_ line: UnsafeRawBufferPointer) throws(RecordDecodingError) -> [UInt8] {
        let root = try JSONSpanValue.parse(line)
        guard case .object(let members, _) = root else {
            throw RecordDecodingError(code: DecodingErrorCode.wrongType, reason: "expected a JSON object at the top level, got \(root.kindName)")
        }
        let bytes = UnsafeRawBufferPointer(line)
        let out = OutputNode()
        for rule in rules {
            guard let value = root.value(at: rule.sourcePath), !value.isNull else { continue }
            out.insert(rule.targetPath[...], json: try render(value, rule, bytes, name: (rule.source, rule.target)))
        }
        for constant in constants { out.insert(constant.path[...], json: constant.json) }
        var clashing: OutputNode?
        for member in members where !copiedTops.contains(member.key) {
            let json = Array(bytes[member.value.range])
            if targetTops.contains(member.key) {
                let aside = clashing ?? OutputNode()
                aside.append(member.key, json: json)
                clashing = aside
            } else {
                out.append(member.key, json: json)
            }
        }
        if let clashing { out.append(FieldMapping.clashingFieldsKey, node: clashing) }
        var result: [UInt8] = []
        result.reserveCapacity(line.count + 64)
        out.write(into: &result)
        return result
    }

    private func render(_ value: JSONSpanValue, _ rule: Rule, _ line: UnsafeRawBufferPointer,
                        name: (source: String, target: String)) throws(RecordDecodingError) -> [UInt8] {
        if let elements = rule.elements {
            guard case .array(let items, _) = value else { throw Self.wrongType(name, "an array", value) }
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (index, item) in items.enumerated() {
                guard case .object = item else {
                    throw Self.wrongType(("\(name.source)[\(index)]", "\(name.target)[\(index)]"), "an object", item)
                }
                if index > 0 { out.append(UInt8(ascii: ",")) }
                let node = OutputNode()
                for element in elements {
                    guard let v = item.value(at: element.sourcePath), !v.isNull else { continue }
                    let elementName = ("\(name.source)[\(index)].\(element.source)", "\(name.target)[\(index)].\(element.target)")
                    node.insert(element.targetPath[...], json: try render(v, element, line, name: elementName))
                }
                node.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
            return out
        }
        if let unit = rule.timestampUnit {
            return try Self.timestamp(value, unit: unit, line, name: name)
        }
        if let values = rule.values {
            let text: String?
            switch value {
            case .string(let span, _): text = JSONScanner.makeString(base: line.baseAddress!.assumingMemoryBound(to: UInt8.self), span: span)
            case .number, .bool: text = String(decoding: line[value.range], as: UTF8.self)
            default: text = nil
            }
            if let text, let mapped = values[text] { return Array(RecordFieldPaths.jsonString(mapped).utf8) }
        }
        return Array(line[value.range])
    }

    static func wrongType(_ name: (source: String, target: String), _ expected: String, _ value: JSONSpanValue) -> RecordDecodingError {
        RecordDecodingError(code: DecodingErrorCode.wrongType,
                            reason: "field \"\(name.source)\" (\(name.target)): expected \(expected), got \(value.kindName)")
    }

    /// Renames the record field a decoding error names to the service's path, keeping the record's in parentheses.
    func named(_ error: RecordDecodingError) -> RecordDecodingError {
        let prefix = "field \""
        guard error.reason.hasPrefix(prefix) else { return error }
        let afterPrefix = error.reason.dropFirst(prefix.count)
        guard let close = afterPrefix.firstIndex(of: "\"") else { return error }
        let path = String(afterPrefix[..<close])
        guard let source = sourcePath(of: path) else { return error }
        return RecordDecodingError(code: error.code, reason: "field \"\(source)\" (\(path))" + afterPrefix[afterPrefix.index(after: close)...])
    }

    /// The service's path a record field path (`retrieval.evidence[2].score`) came from, nil when it was
    /// not mapped.
    func sourcePath(of path: String) -> String? {
        for rule in rulesByTarget {
            if path == rule.target { return rule.source }
            guard path.hasPrefix(rule.target) else { continue }
            let rest = path.dropFirst(rule.target.count)
            if rest.first == "." { return rule.source + String(rest) }
            guard rest.first == "[" else { continue }
            guard let elements = rule.elements, let close = rest.firstIndex(of: "]") else { return rule.source + String(rest) }
            let index = String(rest[...close])
            let field = rest[rest.index(after: close)...].dropFirst()  // past the "."
            for element in elements where field.hasPrefix(element.target) {
                let tail = field.dropFirst(element.target.count)
                if tail.isEmpty || tail.first == "." || tail.first == "[" { return rule.source + index + "." + element.source + String(tail) }
            }
            return rule.source + index + (field.isEmpty ? "" : " (element field \(field))")
        }
        return nil
    }
}

extension JSONSpanValue {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// The record being assembled: an object of members in insertion order, or a value's JSON text.
final class OutputNode {
    var json: [UInt8]?
    private var keys: [String] = []
    private var children: [OutputNode] = []

    func child(_ key: String) -> OutputNode {
        if let i = keys.firstIndex(of: key) { return children[i] }
        let node = OutputNode()
        append(key, node: node)
        return node
    }

    func insert(_ path: ArraySlice<String>, json: [UInt8]) {
        guard let first = path.first else { self.json = json; return }
        child(first).insert(path.dropFirst(), json: json)
    }

    func append(_ key: String, json: [UInt8]) {
        let node = OutputNode()
        node.json = json
        append(key, node: node)
    }

    func append(_ key: String, node: OutputNode) {
        keys.append(key)
        children.append(node)
    }

    func write(into out: inout [UInt8]) {
        if let json {
            out.append(contentsOf: json)
            return
        }
        out.append(UInt8(ascii: "{"))
        for (i, key) in keys.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: RecordFieldPaths.jsonString(key).utf8)
            out.append(UInt8(ascii: ":"))
            children[i].write(into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
