/// Baseline and current sums of every scope for one evaluation time, with the tasks' excluded intervals
/// (open or recent incidents) left out of the baseline so a known regression never becomes the new normal.
struct WindowCounters {
    let evaluationMicros: Int64
    let currentRange: Range<Int64>
    let baselineRange: Range<Int64>
    private(set) var baseline: [ScopeKey: MetricCounters] = [:]
    private(set) var current: [ScopeKey: MetricCounters] = [:]
    let excluded: [String: [Range<Int64>]]
    /// Task → dimension → its scopes, sorted: the detector asks for each pair (filtering every scope each time was
    /// quadratic in the number of scopes).
    private var byTaskDimension: [String: [String: [ScopeKey]]] = [:]

    /// The windows ending at `t` from `sums` (brought to `t` by the engine: see ``RunningWindows``), whose sums
    /// leave `excluded` time out of baselines (open and resolved incidents) and `explained` time out of both windows
    /// (resolved incidents: their bad tail must not raise a new incident once they are over).
    init(_ sums: RunningWindows, scopes: ScopeIndex, at t: Int64, configuration: AnalysisConfiguration,
         excluded: [String: [Range<Int64>]]) {
        evaluationMicros = t
        currentRange = (t - configuration.currentWindowMicros)..<t
        baselineRange = (t - configuration.currentWindowMicros - configuration.baselineWindowMicros)..<(t - configuration.currentWindowMicros)
        self.excluded = excluded
        // Scopes in id order, as before the sums were kept running: the dictionaries' iteration order is unchanged.
        let n = min(scopes.count, sums.baseline.count)
        sums.baseline.withUnsafeBufferPointer { b in
            sums.current.withUnsafeBufferPointer { c in
                for id in 0..<n where b[id].requests > 0 || c[id].requests > 0 {
                    let key = scopes.keys[id]
                    baseline[key] = b[id].requests > 0 ? b[id] : Self.empty
                    current[key] = c[id].requests > 0 ? c[id] : Self.empty
                    byTaskDimension[key.task, default: [:]][key.dimension, default: []].append(key)
                }
            }
        }
        for (task, dimensions) in byTaskDimension {
            for (dimension, keys) in dimensions { byTaskDimension[task]![dimension] = keys.sorted() }
        }
    }

    private static let empty = MetricCounters()

    func isExcluded(task: String, bucket: Range<Int64>) -> Bool {
        (excluded[task] ?? []).contains { $0.overlaps(bucket) }
    }

    /// Scopes of `task` narrowed to `dimension`, with their current sums.
    func scopes(task: String, dimension: String) -> [ScopeKey] {
        byTaskDimension[task]?[dimension] ?? []
    }
}
