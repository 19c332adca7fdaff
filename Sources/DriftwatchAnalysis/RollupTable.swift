/// Counters per scope and time bucket at one resolution, with the buckets changed since the last export.
///
/// Each bucket is a column of counters indexed by interned scope id, so a record costs one bucket lookup
/// and an array access per scope.
public struct RollupTable: Sendable {
    public let bucketMicros: Int64
    /// Bucket start → counters by scope id (nil where the scope saw nothing in the bucket).
    private(set) var buckets: [Int64: Column] = [:]

    struct Column: Sendable {
        var counters: [MetricCounters?] = []
        var dirty: [Int] = []
        var isDirty: [Bool] = []

        mutating func ensure(_ id: Int) {
            if id >= counters.count {
                counters.append(contentsOf: repeatElement(nil, count: id + 1 - counters.count))
                isDirty.append(contentsOf: repeatElement(false, count: id + 1 - isDirty.count))
            }
        }

        mutating func markDirty(_ id: Int) {
            if !isDirty[id] {
                isDirty[id] = true
                dirty.append(id)
            }
        }
    }

    /// One stored bucket.
    public struct Row: Sendable, Equatable {
        public var bucketMicros: Int64
        public var startMicros: Int64
        public var scope: ScopeKey
        public var counters: MetricCounters

        public init(bucketMicros: Int64, startMicros: Int64, scope: ScopeKey, counters: MetricCounters) {
            self.bucketMicros = bucketMicros
            self.startMicros = startMicros
            self.scope = scope
            self.counters = counters
        }
    }

    public init(bucketMicros: Int64) {
        self.bucketMicros = bucketMicros
    }

    /// The start of the bucket holding `t` (floor division, so times before 1970 work too).
    public func bucketStart(_ t: Int64) -> Int64 {
        let q = t / bucketMicros
        return (t % bucketMicros < 0 ? q - 1 : q) * bucketMicros
    }

    /// Bucket starts held in memory, oldest first.
    public var starts: [Int64] { buckets.keys.sorted() }

    /// The counters of one scope id in the bucket starting at `start`.
    func counters(_ id: Int, at start: Int64) -> MetricCounters? {
        guard let column = buckets[start], id < column.counters.count else { return nil }
        return column.counters[id]
    }

    mutating func add(_ o: RecordObservation, scopeIDs: [Int]) {
        let start = bucketStart(o.timestampMicros)
        buckets[start, default: Column()].add(o, scopeIDs)
    }

    mutating func restore(_ row: Row, id: Int) {
        buckets[row.startMicros, default: Column()].ensure(id)
        buckets[row.startMicros]!.counters[id] = row.counters
    }

    /// The buckets changed since the last call, which it forgets.
    mutating func takeDirty(_ index: ScopeIndex) -> [Row] {
        var rows: [Row] = []
        for start in buckets.keys.sorted() where !buckets[start]!.dirty.isEmpty {
            var column = buckets.removeValue(forKey: start)!
            for id in column.dirty {
                column.isDirty[id] = false
                if let c = column.counters[id] {
                    rows.append(Row(bucketMicros: bucketMicros, startMicros: start, scope: index.keys[id], counters: c))
                }
            }
            column.dirty.removeAll(keepingCapacity: true)
            buckets[start] = column
        }
        return rows
    }

    /// Drops buckets that start before `t` from memory.
    mutating func prune(before t: Int64) {
        for start in buckets.keys where start < t { buckets[start] = nil }
    }
}

extension RollupTable.Column {
    mutating func add(_ o: RecordObservation, _ ids: [Int]) {
        for id in ids {
            ensure(id)
            if counters[id] == nil { counters[id] = MetricCounters() }
            counters[id]!.add(o)
            markDirty(id)
        }
    }
}
