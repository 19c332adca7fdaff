import DriftwatchAnalysis

/// The snapshot's rollups indexed for panels: by scope, then by bucket, restricted to a page's range and tasks.
struct RollupCube {
    struct Cell {
        var start: Int64
        var counters: MetricCounters
    }

    let bucketMicros: Int64
    /// Start of the first chart slot: the range start, or later when data starts later (no empty half chart).
    private(set) var from: Int64
    let to: Int64
    /// The range start (bucket-aligned); `from` is later when the data starts later.
    let rangeStart: Int64
    /// The page's range.
    let rangeMicros: Int64
    /// Chart resolution: a multiple of `bucketMicros`.
    let resolution: Int64
    /// Buckets per scope, oldest first.
    private(set) var cells: [ScopeKey: [Cell]] = [:]

    /// `endMicros`: where the range ends (an incident page's window); default the newest data.
    init(snapshot: DashboardSnapshot, definition: DashboardDefinition, rangeMicros: Int64, endMicros: Int64? = nil) {
        let bucket = max(1, snapshot.bucketMicros)
        bucketMicros = bucket
        let newest = snapshot.dataThroughMicros ?? snapshot.rollups.map { $0.startMicros + bucket }.max() ?? snapshot.generatedAtMicros
        let through = endMicros.map { min($0, newest) } ?? newest
        // Align the range to bucket boundaries so chart slots line up with stored buckets.
        let end = Self.floor(through, bucket) + bucket
        var r = definition.resolutionMicros ?? bucket
        r = max(bucket, (r / bucket) * bucket)
        self.rangeMicros = rangeMicros
        while rangeMicros / r > Int64(PanelDefinition.maxPoints) { r += bucket }
        resolution = r
        let start = end - ((rangeMicros + r - 1) / r) * r
        rangeStart = start
        to = end
        from = start
        let tasks = Set(definition.filters.tasks)
        for row in snapshot.rollups where row.startMicros >= start && row.startMicros < end {
            if !tasks.isEmpty && !tasks.contains(row.scope.task) { continue }
            if let allowed = definition.filters.values[row.scope.dimension], !allowed.contains(row.scope.value) { continue }
            cells[row.scope, default: []].append(Cell(start: row.startMicros, counters: row.counters))
        }
        for key in cells.keys { cells[key]!.sort { $0.start < $1.start } }
        if let first = cells.values.compactMap({ $0.first?.start }).min(), first > start {
            from = start + ((first - start) / r) * r
        }
    }

    static func floor(_ t: Int64, _ step: Int64) -> Int64 {
        let q = t / step
        return (t % step < 0 ? q - 1 : q) * step
    }

    /// Scopes of one dimension (`task` meaning the whole-task scopes).
    func scopes(dimension: String) -> [ScopeKey] {
        cells.keys.filter { dimension == "task" ? $0.isTask : $0.dimension == dimension }.sorted()
    }

    /// Slice dimensions present.
    var sliceDimensions: [String] {
        Array(Set(cells.keys.filter { Dimension.isSlice($0.dimension) }.map(\.dimension))).sorted()
    }

    /// The value a series is named by: the task for task scopes, the dimension value otherwise.
    static func seriesName(_ scope: ScopeKey) -> String { scope.isTask ? scope.task : scope.value }

    /// Counters of the given scopes merged per resolution bucket; series keyed by name (scopes of the same value
    /// across tasks are merged).
    func series(dimension: String, sketch: Bool) -> [String: [Int64: MetricCounters]] {
        var out: [String: [Int64: MetricCounters]] = [:]
        for scope in scopes(dimension: dimension) {
            let name = Self.seriesName(scope)
            for cell in cells[scope]! {
                let slot = from + ((cell.start - from) / resolution) * resolution
                out[name, default: [:]][slot, default: MetricCounters()].merge(cell.counters, sketch: sketch)
            }
        }
        return out
    }

    /// Counters of one scope over the whole range.
    func total(_ scope: ScopeKey, sketch: Bool) -> MetricCounters {
        var c = MetricCounters()
        for cell in cells[scope] ?? [] { c.merge(cell.counters, sketch: sketch) }
        return c
    }

    /// Totals per series name of a dimension.
    func totals(dimension: String, sketch: Bool) -> [String: MetricCounters] {
        var out: [String: MetricCounters] = [:]
        for scope in scopes(dimension: dimension) {
            out[Self.seriesName(scope), default: MetricCounters()].merge(total(scope, sketch: sketch), sketch: sketch)
        }
        return out
    }

    /// The bucket starts from `from` to `to` at chart resolution.
    var slots: [Int64] { Array(stride(from: from, to: to, by: Int(resolution))) }

    func buckets(_ scope: ScopeKey) -> [Cell] { cells[scope] ?? [] }
}
