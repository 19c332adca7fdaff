/// Filters over stored records. Every field is optional; set ones are ANDed.
public struct RecordQuery: Sendable, Equatable {
    /// Inclusive lower bound, microseconds since the epoch.
    public var from: Int64?
    /// Exclusive upper bound, microseconds since the epoch.
    public var to: Int64?
    public var task: String?
    public var modelName: String?
    public var modelVersion: String?
    public var templateVersion: String?
    public var indexVersion: String?
    /// Records that called this tool.
    public var tool: String?
    public var route: String?
    public var outcome: String?
    /// Slice key/value pairs the record must carry (values compared as text).
    public var slices: [String: String]
    public var limit: Int?

    public init(
        from: Int64? = nil, to: Int64? = nil, task: String? = nil, modelName: String? = nil,
        modelVersion: String? = nil, templateVersion: String? = nil, indexVersion: String? = nil,
        tool: String? = nil, route: String? = nil, outcome: String? = nil, slices: [String: String] = [:],
        limit: Int? = nil
    ) {
        self.from = from
        self.to = to
        self.task = task
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.templateVersion = templateVersion
        self.indexVersion = indexVersion
        self.tool = tool
        self.route = route
        self.outcome = outcome
        self.slices = slices
        self.limit = limit
    }

    /// The WHERE clause and its bindings, in order.
    func whereClause() -> (sql: String, bindings: [Binding]) {
        var terms: [String] = []
        var bindings: [Binding] = []
        if let from { terms.append("ts >= ?"); bindings.append(.int(from)) }
        if let to { terms.append("ts < ?"); bindings.append(.int(to)) }
        for (column, value) in [("task", task), ("model_name", modelName), ("model_version", modelVersion),
                                ("template_version", templateVersion), ("index_version", indexVersion),
                                ("route", route), ("outcome", outcome)] {
            if let value { terms.append("\(column) = ?"); bindings.append(.text(value)) }
        }
        if let tool {
            terms.append("EXISTS (SELECT 1 FROM json_each(records.raw, '$.tools') WHERE json_extract(json_each.value, '$.name') = ?)")
            bindings.append(.text(tool))
        }
        for (key, value) in slices.sorted(by: { $0.key < $1.key }) {
            // Compare as text so `true`, `3` and `de` all match what `SliceValue.description` prints.
            terms.append("CAST(json_extract(records.raw, ?) AS TEXT) = ?")
            bindings.append(.text("$.slices.\"\(String(key.filter { $0 != "\"" }))\""))
            bindings.append(.text(value == "true" ? "1" : value == "false" ? "0" : value))
        }
        return (terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND "), bindings)
    }

    enum Binding: Equatable {
        case int(Int64)
        case text(String)
    }
}
