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
         hourly: [Int64: [MetricCounters]] = [:], hourMicros: Int64 = 3_600_000_000) {
        evaluationMicros = t
        currentRange = (t - configuration.currentWindowMicros)..<t
        baselineRange = (t - configuration.currentWindowMicros - configuration.baselineWindowMicros)..<(t - configuration.currentWindowMicros)
        self.excluded = excluded
        let bucket = table.bucketMicros
        // Each scope's sums start as a copy of the first bucket added (sketch left out, as merges leave it)
        // and are moved into the dictionaries at the end: scopes without data cost nothing, and no sum is
        // copied (an empty counters value per scope, copied in and out, was most of an evaluation).
        let n = scopes.count
        let b = UnsafeMutableBufferPointer<MetricCounters>.allocate(capacity: max(n, 1))
        let c = UnsafeMutableBufferPointer<MetricCounters>.allocate(capacity: max(n, 1))
        var hasB = [Bool](repeating: false, count: n)
        var hasC = [Bool](repeating: false, count: n)
        defer {
            b.deallocate()
            c.deallocate()
        }
        @inline(__always) func add(_ sums: UnsafeMutableBufferPointer<MetricCounters>, _ has: inout [Bool], _ id: Int,
                                   _ other: UnsafePointer<MetricCounters>) {
            if has[id] {
                sums[id].merge(from: other, sketch: false)
            } else {
                (sums.baseAddress! + id).initialize(to: other.pointee)
                sums[id].latency = Self.emptySketch
                has[id] = true
            }
        }
        func hourStart(_ t: Int64) -> Int64 { let q = t / hourMicros; return (t % hourMicros < 0 ? q - 1 : q) * hourMicros }
        let baselineRange = self.baselineRange
        // Each scope's task's intervals, looked up once per evaluation rather than once per bucket and scope.
        var byTask: [String: (excluded: [Range<Int64>]?, explained: [Range<Int64>]?)] = [:]
        let skips = scopes.keys.map { key in
            if let known = byTask[key.task] { return known }
            let value = (excluded: excluded[key.task], explained: explained[key.task])
            byTask[key.task] = value
            return value
        }
        let cachedHours = Set(hourly.keys.filter { baselineRange.contains($0) && baselineRange.contains($0 + hourMicros - 1) })
        for hour in cachedHours {
            hourly[hour]!.withUnsafeBufferPointer { sums in
                for id in sums.indices where sums[id].requests > 0 {
                    if let skip = skips[id].excluded, skip.contains(where: { $0.overlaps(hour..<(hour + hourMicros)) }) {
                        // Part of this hour is excluded for the task: add its fine buckets one by one.
                        var start = hour
                        while start < hour + hourMicros {
                            if let f = table.counters(id, at: start), f.requests > 0,
                               !skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) {
                                withUnsafePointer(to: f) { add(b, &hasB, id, $0) }
                            }
                            start += bucket
                        }
                        continue
                    }
                    add(b, &hasB, id, sums.baseAddress! + id)
                }
            }
        }
        for (start, column) in table.buckets {
            let isCurrent = currentRange.contains(start)
            guard isCurrent || baselineRange.contains(start) else { continue }
            if !isCurrent, cachedHours.contains(hourStart(start)) { continue }
            // Through a buffer pointer: counters are merged from where they lie, not copied (and retained) first.
            column.counters.withUnsafeBufferPointer { counters in
                for id in counters.indices where counters[id].requests > 0 {
                    if isCurrent {
                        if let skip = skips[id].explained, skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) { continue }
                        add(c, &hasC, id, counters.baseAddress! + id)
                    } else {
                        if let skip = skips[id].excluded, skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) { continue }
                        add(b, &hasB, id, counters.baseAddress! + id)
                    }
                }
            }
        }
        for id in 0..<n where hasB[id] || hasC[id] {
            let key = scopes.keys[id]
            baseline[key] = hasB[id] ? (b.baseAddress! + id).move() : Self.empty
            current[key] = hasC[id] ? (c.baseAddress! + id).move() : Self.empty
        }
    }

    private static let empty = MetricCounters()
    private static let emptySketch = MetricCounters().latency

    func isExcluded(task: String, bucket: Range<Int64>) -> Bool {
        (excluded[task] ?? []).contains { $0.overlaps(bucket) }
    }

    /// Scopes of `task` narrowed to `dimension`, with their current sums.
    func scopes(task: String, dimension: String) -> [ScopeKey] {
        current.keys.filter { $0.task == task && $0.dimension == dimension }.sorted()
    }
}
