/// Baseline and current sums of every scope for one evaluation time, with the tasks' excluded intervals
/// (open or recent incidents) left out of the baseline so a known regression never becomes the new normal.
struct WindowCounters {
    let evaluationMicros: Int64
    let currentRange: Range<Int64>
    let baselineRange: Range<Int64>
    private(set) var baseline: [ScopeKey: MetricCounters] = [:]
    private(set) var current: [ScopeKey: MetricCounters] = [:]
    let excluded: [String: [Range<Int64>]]

    /// `excluded` leaves time out of baselines (open and resolved incidents); `explained` leaves it out of both
    /// windows (resolved incidents: their bad tail must not raise a new incident once they are over).
    /// `hourly` holds per-scope sums of whole coarse buckets (sketches left out): baseline hours found there cost
    /// one merge per scope instead of one per fine bucket.
    init(table: RollupTable, scopes: ScopeIndex, at t: Int64, configuration: AnalysisConfiguration,
         excluded: [String: [Range<Int64>]], explained: [String: [Range<Int64>]] = [:],
         hourly: [Int64: [MetricCounters?]] = [:], hourMicros: Int64 = 3_600_000_000) {
        evaluationMicros = t
        currentRange = (t - configuration.currentWindowMicros)..<t
        baselineRange = (t - configuration.currentWindowMicros - configuration.baselineWindowMicros)..<(t - configuration.currentWindowMicros)
        self.excluded = excluded
        let bucket = table.bucketMicros
        var b = [MetricCounters?](repeating: nil, count: scopes.count)
        var c = [MetricCounters?](repeating: nil, count: scopes.count)
        func hourStart(_ t: Int64) -> Int64 { let q = t / hourMicros; return (t % hourMicros < 0 ? q - 1 : q) * hourMicros }
        let baselineRange = self.baselineRange
        let cachedHours = Set(hourly.keys.filter { baselineRange.contains($0) && baselineRange.contains($0 + hourMicros - 1) })
        for hour in cachedHours {
            for (id, counters) in hourly[hour]!.enumerated() {
                guard let counters else { continue }
                let task = scopes.keys[id].task
                if let skip = excluded[task], skip.contains(where: { $0.overlaps(hour..<(hour + hourMicros)) }) {
                    // Part of this hour is excluded for the task: add its fine buckets one by one.
                    var start = hour
                    while start < hour + hourMicros {
                        if let f = table.counters(id, at: start), !skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) {
                            if b[id] == nil { b[id] = MetricCounters() }
                            b[id]!.merge(f, sketch: false)
                        }
                        start += bucket
                    }
                    continue
                }
                if b[id] == nil { b[id] = MetricCounters() }
                b[id]!.merge(counters, sketch: false)
            }
        }
        for (start, column) in table.buckets {
            let isCurrent = currentRange.contains(start)
            guard isCurrent || baselineRange.contains(start) else { continue }
            if !isCurrent, cachedHours.contains(hourStart(start)) { continue }
            for (id, counters) in column.counters.enumerated() {
                guard let counters else { continue }
                if isCurrent {
                    if let skip = explained[scopes.keys[id].task], skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) { continue }
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
