import DriftwatchStatistics

/// Counters per scope and time bucket at one resolution, with the buckets changed since the last export.
///
/// Each bucket is a column of counters indexed by interned scope id, so a record costs one bucket lookup
/// and an array access per scope.
public struct RollupTable: Sendable {
    public let bucketMicros: Int64
    /// Bucket start → counters by scope id (empty, `requests == 0`, where the scope saw nothing in the bucket);
    /// without the open bucket until ``closeOpen()``.
    private(set) var buckets: [Int64: Column] = [:]
    /// The bucket the last record went to, kept out of the dictionary while records keep landing in it, so a
    /// record costs no hash lookup and its counters are updated in place.
    private var openStart: Int64?
    private var openColumn = Column()

    /// Not optional: counters are updated in place through the array, never copied out and back.
    struct Column: Sendable {
        var counters: [MetricCounters] = []
        var dirty: [Int] = []
        var isDirty: [Bool] = []

        mutating func ensure(_ id: Int) {
            if id >= counters.count {
                counters.append(contentsOf: repeatElement(MetricCounters(), count: id + 1 - counters.count))
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
    public var starts: [Int64] { (Array(buckets.keys) + (openStart.map { [$0] } ?? [])).sorted() }

    /// Files the open bucket back into the dictionary (before anything reads or changes the dictionary).
    mutating func closeOpen() {
        if let start = openStart {
            buckets[start] = openColumn
            openStart = nil
            openColumn = Column()
        }
    }

    /// The counters of one scope id in the bucket starting at `start`; nil where the scope saw nothing.
    /// Call ``closeOpen()`` first when the newest bucket matters.
    func counters(_ id: Int, at start: Int64) -> MetricCounters? {
        if openStart == start {
            guard id < openColumn.counters.count, openColumn.counters[id].requests > 0 else { return nil }
            return openColumn.counters[id]
        }
        guard let column = buckets[start], id < column.counters.count, column.counters[id].requests > 0 else { return nil }
        return column.counters[id]
    }

    /// Calls `body` with one scope's counters in the bucket starting at `start`, in place (copying them out would
    /// retain each of their arrays: the evaluations read thousands per boundary); nil where the scope saw nothing.
    func withCounters<T>(_ id: Int, at start: Int64, _ body: (UnsafePointer<MetricCounters>) -> T) -> T? {
        func read(_ counters: [MetricCounters]) -> T? {
            guard id < counters.count else { return nil }
            return counters.withUnsafeBufferPointer { p in p[id].requests > 0 ? body(p.baseAddress! + id) : nil }
        }
        if openStart == start { return read(openColumn.counters) }
        guard let column = buckets[start] else { return nil }
        return read(column.counters)
    }

    mutating func add(_ o: RecordObservation, scopeIDs: [Int]) {
        let start = bucketStart(o.timestampMicros)
        if openStart != start {
            closeOpen()
            openColumn = buckets.removeValue(forKey: start) ?? Column()
            openStart = start
        }
        openColumn.add(o, scopeIDs)
    }

    /// Adds counters to one scope's bucket: a bucket merged from other sidecars.
    mutating func merge(_ c: MetricCounters, id: Int, at start: Int64) {
        if openStart != start {
            closeOpen()
            openColumn = buckets.removeValue(forKey: start) ?? Column()
            openStart = start
        }
        openColumn.ensure(id)
        openColumn.counters[id].merge(c)
        openColumn.markDirty(id)
    }

    mutating func restore(_ row: Row, id: Int) {
        closeOpen()
        buckets[row.startMicros, default: Column()].ensure(id)
        buckets[row.startMicros]!.counters[id] = row.counters
    }

    /// The buckets changed since the last call, which it forgets.
    mutating func takeDirty(_ index: ScopeIndex) -> [Row] {
        closeOpen()
        var rows: [Row] = []
        for start in buckets.keys.sorted() where !buckets[start]!.dirty.isEmpty {
            var column = buckets.removeValue(forKey: start)!
            for id in column.dirty {
                column.isDirty[id] = false
                if column.counters[id].requests > 0 {
                    rows.append(Row(bucketMicros: bucketMicros, startMicros: start, scope: index.keys[id], counters: column.counters[id]))
                }
            }
            column.dirty.removeAll(keepingCapacity: true)
            buckets[start] = column
        }
        return rows
    }

    /// Drops buckets that start before `t` from memory.
    mutating func prune(before t: Int64) {
        closeOpen()
        for start in buckets.keys where start < t { buckets[start] = nil }
    }

    /// Buckets before this hold no latency sketches (see ``dropSketches(before:)``).
    private(set) var sketchesBefore: Int64 = .min

    /// Empties the latency sketches of the buckets before `t`, which must be exported and never change again
    /// (older than any record the engine still accepts, and than every coarse bucket such a record can touch):
    /// detection reads no sketch, and sketches were most of the memory the in-memory horizon holds.
    mutating func dropSketches(before t: Int64) {
        guard t > sketchesBefore else { return }
        closeOpen()
        let empty = MetricCounters().latency
        for start in buckets.keys where start >= sketchesBefore && start < t {
            buckets[start]!.dropSketches(empty)
        }
        sketchesBefore = t
    }
}

extension RollupTable.Column {
    mutating func dropSketches(_ empty: DDSketch) {
        for id in counters.indices where !counters[id].latency.isEmpty { counters[id].latency = empty }
    }

    mutating func add(_ o: RecordObservation, _ ids: [Int]) {
        for id in ids {
            ensure(id)
            counters[id].add(o)
            markDirty(id)
        }
    }
}
