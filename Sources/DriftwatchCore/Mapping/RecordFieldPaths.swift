/// The record fields a ``FieldMapping`` may fill, as dotted paths, with the JSON type each takes.
/// Derived from format v1 (README, `schema/request-record.v1.schema.json`); a test checks the top-level
/// names against the decoder's table.
public enum RecordFieldPaths {
    public enum Kind: String, Sendable, Equatable {
        case string, number, integer, bool, object, array
        /// RFC 3339 string or epoch milliseconds: the record's `timestamp`.
        case timestamp
        /// A slice value: string, number or bool.
        case scalar
        /// `slices`: an object of scalars.
        case sliceMap

        /// What a configuration error says is expected.
        public var expectation: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .integer: "a whole number"
            case .bool: "true or false"
            case .object: "an object"
            case .array: "an array"
            case .timestamp: "an RFC 3339 timestamp"
            case .scalar: "a string, number or boolean"
            case .sliceMap: "an object of strings, numbers and booleans"
            }
        }
    }

    /// Every path of format v1 but the elements of arrays and the keys of `slices` (any `slices.NAME`).
    public static let fields: [(path: String, kind: Kind)] = [
        ("request_id", .string), ("timestamp", .timestamp), ("service", .string), ("task", .string), ("route", .string),
        ("model", .object), ("model.name", .string), ("model.version", .string), ("model.provider", .string),
        ("model.base", .string), ("model.tuned", .bool),
        ("template", .object), ("template.id", .string), ("template.version", .string),
        ("release", .object), ("release.dataset", .string), ("release.validator", .string), ("release.eval_suite", .string),
        ("retrieval", .object), ("retrieval.index_version", .string), ("retrieval.top_k", .integer), ("retrieval.evidence", .array),
        ("tools_expected", .array), ("tools", .array), ("validation", .array), ("outcome", .string),
        ("feedback", .object), ("feedback.score", .number), ("feedback.source", .string),
        ("latency_ms", .object), ("latency_ms.total", .number), ("latency_ms.retrieval", .number), ("latency_ms.tools", .number),
        ("latency_ms.generation", .number), ("latency_ms.validation", .number),
        ("tokens", .object), ("tokens.input", .integer), ("tokens.output", .integer),
        ("cost_usd", .number), ("retries", .integer), ("slices", .sliceMap),
    ]

    /// The fields of the elements of the record's arrays of objects.
    public static let elementFields: [String: [(path: String, kind: Kind)]] = [
        "retrieval.evidence": [("id", .string), ("score", .number), ("updated_at", .timestamp)],
        "tools": [("name", .string), ("version", .string), ("status", .string), ("latency_ms", .number)],
        "validation": [("check", .string), ("passed", .bool), ("reason", .string)],
    ]

    /// Fields format v1 requires whenever their object is present: a mapping that fills one field of the
    /// object must fill these too, or every line would be dead-lettered.
    public static let requiredInObject: [String: [String]] = [
        "model": ["model.name", "model.version"], "template": ["template.id", "template.version"],
        "retrieval": ["retrieval.index_version"], "feedback": ["feedback.score"], "latency_ms": ["latency_ms.total"],
        "tokens": ["tokens.input", "tokens.output"],
    ]

    /// Fields each element of these arrays must have.
    public static let requiredInElements: [String: [String]] = [
        "retrieval.evidence": ["id"], "tools": ["name", "status"], "validation": ["check", "passed"],
    ]

    private static let kinds: [String: Kind] = Dictionary(uniqueKeysWithValues: fields.map { ($0.path, $0.kind) })

    /// The kind of a record field, nil for a path format v1 does not have.
    public static func kind(of path: String) -> Kind? {
        if let kind = kinds[path] { return kind }
        if path.hasPrefix("slices."), path.count > 7, !path.dropFirst(7).contains(".") { return .scalar }
        return nil
    }

    /// The kind of a field of the elements of `array`.
    public static func kind(ofElementField field: String, in array: String) -> Kind? {
        elementFields[array]?.first { $0.path == field }?.kind
    }

    /// The JSON text of a constant written `text` in the configuration (`quoted`: written in quotes,
    /// so a string whatever it looks like), or nil when it does not fit `kind`.
    public static func constantJSON(_ text: String, quoted: Bool, kind: Kind) -> String? {
        let isBool = !quoted && (text == "true" || text == "false")
        let number = quoted ? nil : Double(text).flatMap { $0.isFinite ? $0 : nil }
        switch kind {
        case .string:
            return jsonString(text)
        case .timestamp:
            if RFC3339.parse(text) != nil { return jsonString(text) }
            return number.flatMap { Int64(exactly: $0) }.map { String($0) }
        case .number:
            return number.map { _ in text }
        case .integer:
            return number.flatMap { Int64(exactly: $0) }.map { String($0) }
        case .bool:
            return isBool ? text : nil
        case .scalar:
            if isBool || number != nil { return text }
            return jsonString(text)
        case .object, .array, .sliceMap:
            return nil
        }
    }

    /// `text` as a JSON string literal.
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
