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
    /// Records with one of these `request_id`s (empty: any).
    public var requestIDs: Set<String> = []
    public var limit: Int?

    public init(
        from: Int64? = nil, to: Int64? = nil, task: String? = nil, modelName: String? = nil,
        modelVersion: String? = nil, templateVersion: String? = nil, indexVersion: String? = nil,
        tool: String? = nil, route: String? = nil, outcome: String? = nil, slices: [String: String] = [:],
        requestIDs: Set<String> = [], limit: Int? = nil
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
        self.requestIDs = requestIDs
        self.limit = limit
    }
}
