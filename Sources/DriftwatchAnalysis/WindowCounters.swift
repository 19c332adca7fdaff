/// Baseline and current sums of every scope for one evaluation time, with the tasks' excluded intervals
/// (open or recent incidents) left out of the baseline so a known regression never becomes the new normal.
struct WindowCounters {
    let evaluationMicros: Int64
    let currentRange: Range<Int64>
    let baselineRange: Range<Int64>
    private(set) var baseline: [ScopeKey: MetricCounters] = [:]
    private(set) var current: [ScopeKey: MetricCounters] = [:]
    let excluded: [String: [Range<Int64>]]

    init(table: RollupTable, scopes: ScopeIndex, at t: Int64, configuration: AnalysisConfiguration, excluded: [String: [Range<Int64>]]) {
        evaluationMicros = t
        currentRange = (t - configuration.currentWindowMicros)..<t
        baselineRange = (t - configuration.currentWindowMicros - configuration.baselineWindowMicros)..<(t - configuration.currentWindowMicros)
        self.excluded = excluded
        let bucket = table.bucketMicros
        var b = [MetricCounters?](repeating: nil, count: scopes.count)
        var c = [MetricCounters?](repeating: nil, count: scopes.count)
        for (start, column) in table.buckets {
            let isCurrent = currentRange.contains(start)
            guard isCurrent || baselineRange.contains(start) else { continue }
            for (id, counters) in column.counters.enumerated() {
                guard let counters else { continue }
                if isCurrent {
                    if c[id] == nil { c[id] = MetricCounters() }
                    c[id]!.merge(counters, sketch: false)
                } else {
                    let task = scopes.keys[id].task
                    if let skip = excluded[task], skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) { continue }
                    if b[id] == nil { b[id] = MetricCounters() }
                    b[id]!.merge(counters, sketch: false)
                }
            }
        }
        for id in 0..<scopes.count where b[id] != nil || c[id] != nil {
            let key = scopes.keys[id]
            baseline[key] = b[id] ?? MetricCounters()
            current[key] = c[id] ?? MetricCounters()
        }
    }

    func isExcluded(task: String, bucket: Range<Int64>) -> Bool {
        (excluded[task] ?? []).contains { $0.overlaps(bucket) }
    }

    /// Scopes of `task` narrowed to `dimension`, with their current sums.
    func scopes(task: String, dimension: String) -> [ScopeKey] {
        current.keys.filter { $0.task == task && $0.dimension == dimension }.sorted()
    }
}
