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

/// The quality counters of one scope, keyed by model and task ids.
struct QualityTable: Sendable, Equatable, Codable {
    /// Key: model id << 16 | task id.
    var cells: [Int32: QualityCounts] = [:]

    static func key(model: Int32, task: Int32) -> Int32 { model << 16 | (task & 0xFFFF) }

    mutating func merge(_ other: QualityTable) {
        for (key, counts) in other.cells { cells[key, default: QualityCounts()].merge(counts) }
    }
}
