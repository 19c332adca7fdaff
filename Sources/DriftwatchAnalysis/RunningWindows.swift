/// Baseline and current sums of every scope (by scope id, sketches left out) kept from one evaluation to the next:
/// when the evaluation time moves on by one bucket, the bucket entering the current window is added, the one
/// moving from the current window to the baseline moved, and the one leaving the baseline subtracted (three
/// columns instead of a day of them). They are summed again from the buckets (``rebuild``) when that cannot be
/// done: the first evaluation, a gap, a replay, a record landing in a bucket already summed (``sealedBefore``), a
/// change in the tasks' excluded or explained intervals, and at every coarse-bucket boundary, which bounds the
/// floating-point residue subtraction leaves in the few `Double` sums.
struct RunningWindows: Sendable {
    /// The evaluation time the sums are for: buckets before it are in them; `Int64.min` when there are none.
    private(set) var sealedBefore: Int64 = .min
    private(set) var baseline: [MetricCounters] = []
    private(set) var current: [MetricCounters] = []
    private var excluded: [String: [Range<Int64>]] = [:]
    private var explained: [String: [Range<Int64>]] = [:]
    /// Each scope id's task's intervals (as of the last rebuild), looked up once, not once per bucket and scope.
    private var skips: [(excluded: [Range<Int64>]?, explained: [Range<Int64>]?)] = []
    /// Evaluations answered by sliding and by summing again (diagnostics).
    private(set) var slides: Int64 = 0
    private(set) var rebuilds: Int64 = 0

    /// Drops the sums (a record landed in a bucket they hold, or the engine was restored).
    mutating func invalidate() { sealedBefore = .min }

    /// Whether the sums for `t` can be had from those held by sliding one bucket.
    func canSlide(to t: Int64, configuration: AnalysisConfiguration, excluded: [String: [Range<Int64>]],
                  explained: [String: [Range<Int64>]]) -> Bool {
        sealedBefore != .min && t == sealedBefore &+ configuration.bucketMicros
            && RollupTable.floor(t, configuration.coarseBucketMicros) != t
            && excluded == self.excluded && explained == self.explained
    }

    private mutating func updateSkips(_ scopes: ScopeIndex) {
        guard skips.count < scopes.count else { return }
        var byTask: [String: (excluded: [Range<Int64>]?, explained: [Range<Int64>]?)] = [:]
        for key in scopes.keys[skips.count...] {
            if let known = byTask[key.task] {
                skips.append(known)
                continue
            }
            let value = (excluded: excluded[key.task], explained: explained[key.task])
            byTask[key.task] = value
            skips.append(value)
        }
    }

    private mutating func grow(to n: Int) {
        if baseline.count < n {
            baseline.append(contentsOf: repeatElement(MetricCounters(), count: n - baseline.count))
            current.append(contentsOf: repeatElement(MetricCounters(), count: n - current.count))
        }
    }

    /// Moves the sums from `t − bucket` to `t`. Call only when ``canSlide(to:configuration:excluded:explained:)``.
    mutating func slide(table: RollupTable, scopes: ScopeIndex, to t: Int64, configuration: AnalysisConfiguration) {
        updateSkips(scopes)
        grow(to: scopes.count)
        let bucket = table.bucketMicros
        let entering = t - bucket
        let moving = entering - configuration.currentWindowMicros
        let leaving = moving - configuration.baselineWindowMicros
        let skips = self.skips
        func skipped(_ ranges: [Range<Int64>]?, _ start: Int64) -> Bool {
            guard let ranges else { return false }
            return ranges.contains { $0.overlaps(start..<(start + bucket)) }
        }
        baseline.withUnsafeMutableBufferPointer { b in
            current.withUnsafeMutableBufferPointer { c in
                table.buckets[entering]?.counters.withUnsafeBufferPointer { counters in
                    for id in counters.indices where counters[id].requests > 0 && !skipped(skips[id].explained, entering) {
                        c[id].merge(from: counters.baseAddress! + id, sketch: false)
                    }
                }
                table.buckets[moving]?.counters.withUnsafeBufferPointer { counters in
                    for id in counters.indices where counters[id].requests > 0 {
                        if !skipped(skips[id].explained, moving) { c[id].subtract(from: counters.baseAddress! + id) }
                        if !skipped(skips[id].excluded, moving) { b[id].merge(from: counters.baseAddress! + id, sketch: false) }
                    }
                }
                table.buckets[leaving]?.counters.withUnsafeBufferPointer { counters in
                    for id in counters.indices where counters[id].requests > 0 && !skipped(skips[id].excluded, leaving) {
                        b[id].subtract(from: counters.baseAddress! + id)
                    }
                }
            }
        }
        sealedBefore = t
        slides += 1
    }

    /// Sums both windows for `t` from the buckets. `hourly` holds per-scope sums of whole coarse buckets (sketches
    /// left out): baseline hours found there cost one merge per scope instead of one per fine bucket.
    mutating func rebuild(table: RollupTable, scopes: ScopeIndex, at t: Int64, configuration: AnalysisConfiguration,
                          excluded: [String: [Range<Int64>]], explained: [String: [Range<Int64>]],
                          hourly: [Int64: [MetricCounters]], hourMicros: Int64) {
        self.excluded = excluded
        self.explained = explained
        skips.removeAll(keepingCapacity: true)
        updateSkips(scopes)
        baseline.removeAll(keepingCapacity: true)
        current.removeAll(keepingCapacity: true)
        grow(to: scopes.count)
        let bucket = table.bucketMicros
        let currentRange = (t - configuration.currentWindowMicros)..<t
        let baselineRange = (t - configuration.currentWindowMicros - configuration.baselineWindowMicros)..<currentRange.lowerBound
        let skips = self.skips
        func hourStart(_ t: Int64) -> Int64 { RollupTable.floor(t, hourMicros) }
        let cachedHours = Set(hourly.keys.filter { baselineRange.contains($0) && baselineRange.contains($0 + hourMicros - 1) })
        baseline.withUnsafeMutableBufferPointer { b in
            current.withUnsafeMutableBufferPointer { c in
                for hour in cachedHours {
                    hourly[hour]!.withUnsafeBufferPointer { sums in
                        for id in sums.indices where sums[id].requests > 0 {
                            if let skip = skips[id].excluded, skip.contains(where: { $0.overlaps(hour..<(hour + hourMicros)) }) {
                                // Part of this hour is excluded for the task: add its fine buckets one by one.
                                var start = hour
                                while start < hour + hourMicros {
                                    if !skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) {
                                        _ = table.withCounters(id, at: start) { b[id].merge(from: $0, sketch: false) }
                                    }
                                    start += bucket
                                }
                                continue
                            }
                            b[id].merge(from: sums.baseAddress! + id, sketch: false)
                        }
                    }
                }
                for (start, column) in table.buckets {
                    let isCurrent = currentRange.contains(start)
                    guard isCurrent || baselineRange.contains(start) else { continue }
                    if !isCurrent, cachedHours.contains(hourStart(start)) { continue }
                    column.counters.withUnsafeBufferPointer { counters in
                        for id in counters.indices where counters[id].requests > 0 {
                            if isCurrent {
                                if let skip = skips[id].explained, skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) { continue }
                                c[id].merge(from: counters.baseAddress! + id, sketch: false)
                            } else {
                                if let skip = skips[id].excluded, skip.contains(where: { $0.overlaps(start..<(start + bucket)) }) { continue }
                                b[id].merge(from: counters.baseAddress! + id, sketch: false)
                            }
                        }
                    }
                }
            }
        }
        sealedBefore = t
        rebuilds += 1
    }
}
