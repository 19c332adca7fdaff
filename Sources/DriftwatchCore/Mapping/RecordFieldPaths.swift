/// The record fields a ``FieldMapping`` may fill, as dotted paths, with the JSON type each takes.
/// Derived from ``RecordFormat`` (the one declaration of format v1).
public enum RecordFieldPaths {
    public typealias Kind = RecordFormat.Kind

    /// Every path of format v1 but the elements of arrays and the keys of `slices` (any `slices.NAME`).
    public static let fields: [(path: String, kind: Kind)] =
        RecordFormat.fields.filter { !$0.path.contains("[]") }.map { ($0.path, $0.kind) }

    /// The fields of the elements of the record's arrays of objects.
    public static let elementFields: [String: [(path: String, kind: Kind)]] = Dictionary(
        grouping: RecordFormat.fields.filter { $0.parent.hasSuffix("[]") }, by: { String($0.parent.dropLast(2)) }
    ).mapValues { $0.map { ($0.key, $0.kind) } }

    /// Fields format v1 requires whenever their object is present: a mapping that fills one field of the
    /// object must fill these too, or every line would be dead-lettered.
    public static let requiredInObject: [String: [String]] = Dictionary(
        grouping: RecordFormat.fields.filter { $0.required && !$0.parent.isEmpty && !$0.parent.hasSuffix("[]") }, by: \.parent
    ).mapValues { $0.map(\.path) }

    /// Fields each element of these arrays must have.
    public static let requiredInElements: [String: [String]] = Dictionary(
        grouping: RecordFormat.fields.filter { $0.required && $0.parent.hasSuffix("[]") }, by: { String($0.parent.dropLast(2)) }
    ).mapValues { $0.map(\.key) }

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
