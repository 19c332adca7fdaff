/// Outcome counters for one model (on one task) in one scope and window: what recommendations need
/// to tell drift with a quality effect from drift without one.
public struct QualityCounts: Sendable, Equatable, Codable {
    public var requests = 0
    /// Requests with an outcome other than `success`.
    public var failures = 0
    /// Requests with an outcome at all.
    public var judged = 0
    public var groundedChecked = 0
    public var groundedFailed = 0
    public var expectingTools = 0
    /// Requests where at least one expected tool was not called.
    public var expectedToolMissing = 0
    public var toolCalls = 0
    /// Tool calls that ended in `error` or `timeout`.
    public var toolFailures = 0

    public init() {}

    public mutating func merge(_ other: QualityCounts) {
        requests += other.requests
        failures += other.failures
        judged += other.judged
        groundedChecked += other.groundedChecked
        groundedFailed += other.groundedFailed
        expectingTools += other.expectingTools
        expectedToolMissing += other.expectedToolMissing
        toolCalls += other.toolCalls
        toolFailures += other.toolFailures
    }

    public var successRate: Double? { judged == 0 ? nil : Double(judged - failures) / Double(judged) }
}

/// The quality counters of one scope, keyed by model and task ids. Kept as parallel arrays sorted by
/// key: a scope sees a few dozen (model, task) pairs at most, and counting updates one per record
/// in every scope the record belongs to, where a scan of a short array beats hashing.
struct QualityTable: Sendable, Equatable, Codable {
    /// Key: model id << 16 | task id; ascending.
    private(set) var keys: [Int32] = []
    private(set) var counts: [QualityCounts] = []

    init() {}

    /// The counters by key.
    var cells: [Int32: QualityCounts] { Dictionary(uniqueKeysWithValues: zip(keys, counts)) }

    // Encoded as parallel arrays in key order, so equal tables give equal bytes.
    enum CodingKeys: String, CodingKey { case keys, counts }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let keys = try c.decode([Int32].self, forKey: .keys)
        let counts = try c.decode([QualityCounts].self, forKey: .counts)
        guard keys.count == counts.count else {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: c, debugDescription: "keys and counts differ in length")
        }
        for (key, cell) in zip(keys, counts) { add(cell, key: key) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keys, forKey: .keys)
        try c.encode(counts, forKey: .counts)
    }

    static func key(model: Int32, task: Int32) -> Int32 { model << 16 | (task & 0xFFFF) }

    /// Adds `cell` to the counters under `key`.
    @inline(__always)
    mutating func add(_ cell: QualityCounts, key: Int32) {
        var i = 0
        while i < keys.count && keys[i] < key { i += 1 }
        if i < keys.count && keys[i] == key {
            counts[i].merge(cell)
        } else {
            keys.insert(key, at: i)
            counts.insert(cell, at: i)
        }
    }

    mutating func merge(_ other: QualityTable) {
        for i in other.keys.indices { add(other.counts[i], key: other.keys[i]) }
    }
}
