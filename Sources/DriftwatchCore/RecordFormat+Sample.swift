extension RecordFormat {
    /// A line holding every field of the table, each with a valid, non-default value, in format order.
    /// Built from the table alone, so a field added to the table appears here at once and the tests that
    /// feed this line to each reader and writer fail until they all know it.
    ///
    /// `override` replaces the JSON value of the paths it names (`tools[].status`: in every element).
    package static func sampleLine(override: [String: String] = [:]) -> String {
        sampleObject("", override)
    }

    private static func sampleObject(_ parent: String, _ override: [String: String]) -> String {
        let members = fields.enumerated().filter { $0.element.parent == parent }.map { index, field in
            "\"\(field.key)\":" + (override[field.path] ?? sampleValue(field, index, override))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    private static func sampleValue(_ field: Field, _ index: Int, _ override: [String: String]) -> String {
        switch field.kind {
        case .string:
            return "\"" + (field.values?.last ?? "\(field.key)-\(index)") + "\""
        case .number:
            return "\(index).25"
        case .integer:
            return "\(index)"
        case .bool:
            return "true"
        case .timestamp:
            return "\"2025-03-04T05:06:\(10 + index % 50).125Z\""
        case .object:
            return sampleObject(field.path, override)
        case .array:
            if fields.contains(where: { $0.parent == field.path + "[]" }) {
                return "[" + sampleObject(field.path + "[]", override) + "]"
            }
            return "[\"\(field.key)-\(index)\"]"
        case .sliceMap:
            return #"{"tier":"gold","size":2,"beta":true}"#
        case .scalar:
            return "\"\(field.key)-\(index)\""
        }
    }
}
