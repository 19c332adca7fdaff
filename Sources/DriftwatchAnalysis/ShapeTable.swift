import DriftwatchCore

/// Compact counts per record shape and fine bucket: what failure-slice discovery reads.
///
/// A shape is the set of scopes a record belongs to (its task and every dimension value: versions, route,
/// slices). Counting per shape rather than per conjunction costs one array update per record, and any
/// conjunction of predicates is a sum over the shapes that contain it, made only when a lattice is searched
/// (SliceLine's trick of evaluating slices over a deduplicated matrix). Shapes are interned once and never
/// renumbered, so stored buckets stay valid across restarts.
public struct ShapeTable: Sendable {
    /// Fewest validation checks counted per shape; further check names are left out of slice discovery.
    public static let maxChecks = 8
    /// Int32 counts per shape entry: outcomes, failures, then (trials, failures) per interned check.
    static let stride = 2 + 2 * maxChecks
    /// Shapes beyond this many are not interned (their records are left out of slice discovery and counted),
    /// so a slice key with unbounded values cannot exhaust memory.
    public static let maxShapes = 1 << 16

    /// One interned shape: its task's scope id and its other scope ids, sorted.
    public struct Shape: Sendable, Equatable {
        public var task: Int
        public var predicates: [Int]
    }

    public let bucketMicros: Int64
    public private(set) var shapes: [Shape] = []
    private var idOf: [[Int]: Int32] = [:]
    /// Check names in the order their counts are laid out.
    public private(set) var checkNames: [String] = []
    /// Records whose shape could not be interned (over ``maxShapes``).
    public private(set) var uncounted: Int64 = 0
    /// Buckets before this have been read into running sums (the last evaluation time).
    var sealedBefore: Int64 = .min
    /// Shapes created since the last ``takeNewShapes()``.
    private var newShapes: [Int] = []

    /// Bucket start → its entries.
    private(set) var buckets: [Int64: Bucket] = [:]
    private var dirtyBuckets: Set<Int64> = []
    private var openStart: Int64?
    private var openBucket = Bucket()

    /// The shapes seen in one bucket: a slot per shape id (−1 when absent) and `stride` counts per entry.
    struct Bucket: Sendable {
        var slot: [Int32] = []
        var shapeIDs: [Int32] = []
        var counts: [Int32] = []

        mutating func entry(_ shape: Int32) -> Int {
            let s = Int(shape)
            if s >= slot.count { slot.append(contentsOf: repeatElement(-1, count: s + 1 - slot.count)) }
            if slot[s] >= 0 { return Int(slot[s]) }
            slot[s] = Int32(shapeIDs.count)
            shapeIDs.append(shape)
            counts.append(contentsOf: repeatElement(0, count: ShapeTable.stride))
            return shapeIDs.count - 1
        }
    }

    public init(bucketMicros: Int64) {
        self.bucketMicros = bucketMicros
    }

    /// The shape id of a record's scope ids (task first), interned when new; −1 past ``maxShapes``.
    mutating func intern(_ scopeIDs: [Int]) -> Int32 {
        if let id = idOf[scopeIDs] { return id }
        guard shapes.count < Self.maxShapes, let task = scopeIDs.first else { return -1 }
        let id = Int32(shapes.count)
        shapes.append(Shape(task: task, predicates: scopeIDs.dropFirst().sorted()))
        idOf[scopeIDs] = id
        newShapes.append(Int(id))
        return id
    }

    /// Restores a stored shape under its stored id (ids are dense from 0).
    mutating func restore(id: Int, shape: Shape, scopeIDs: [Int]) {
        while shapes.count <= id { shapes.append(Shape(task: -1, predicates: [])) }
        shapes[id] = shape
        idOf[scopeIDs] = Int32(id)
    }

    func checkIndex(_ name: String) -> Int? {
        var i = 0
        while i < checkNames.count {
            if checkNames[i] == name { return i }
            i += 1
        }
        return nil
    }

    mutating func internCheck(_ name: String) -> Int? {
        if let i = checkIndex(name) { return i }
        guard checkNames.count < Self.maxChecks else { return nil }
        checkNames.append(name)
        return checkNames.count - 1
    }

    /// Adds one record of shape `shape`.
    mutating func add(_ o: RecordObservation, shape: Int32) {
        guard shape >= 0 else {
            uncounted += 1
            return
        }
        let start = RollupTable.floor(o.timestampMicros, bucketMicros)
        if openStart != start {
            closeOpen()
            openBucket = buckets.removeValue(forKey: start) ?? Bucket()
            openStart = start
            dirtyBuckets.insert(start)
        }
        let base = openBucket.entry(shape) * Self.stride
        if let success = o.success {
            openBucket.counts[base] &+= 1
            if !success { openBucket.counts[base + 1] &+= 1 }
        }
        for check in o.checks {
            guard let i = internCheck(check.check) else { continue }
            openBucket.counts[base + 2 + 2 * i] &+= 1
            if !check.passed { openBucket.counts[base + 3 + 2 * i] &+= 1 }
        }
    }

    /// Adds counts to one shape's entry of the bucket at `start`: a bucket merged from other sidecars.
    mutating func add(shape: Int32, outcomes: Int64, failures: Int64, checks: [(index: Int, trials: Int64, failures: Int64)], at start: Int64) {
        guard shape >= 0 else { return }
        if openStart != start {
            closeOpen()
            openBucket = buckets.removeValue(forKey: start) ?? Bucket()
            openStart = start
            dirtyBuckets.insert(start)
        }
        let base = openBucket.entry(shape) * Self.stride
        openBucket.counts[base] &+= Int32(truncatingIfNeeded: outcomes)
        openBucket.counts[base + 1] &+= Int32(truncatingIfNeeded: failures)
        for c in checks {
            openBucket.counts[base + 2 + 2 * c.index] &+= Int32(truncatingIfNeeded: c.trials)
            openBucket.counts[base + 3 + 2 * c.index] &+= Int32(truncatingIfNeeded: c.failures)
        }
    }

    mutating func closeOpen() {
        if let start = openStart {
            buckets[start] = openBucket
            openStart = nil
            openBucket = Bucket()
        }
    }

    /// Adds every entry of the buckets in `range` (minus `skip`) into `sums`, `stride` Int64 per shape id.
    func accumulate(into sums: inout [Int64], range: Range<Int64>, skip: (Int64) -> Bool = { _ in false },
                    only shapeFilter: ((Int) -> Bool)? = nil) {
        if sums.count < shapes.count * Self.stride {
            sums.append(contentsOf: repeatElement(0, count: shapes.count * Self.stride - sums.count))
        }
        var start = RollupTable.floor(range.lowerBound, bucketMicros)
        while start < range.upperBound {
            defer { start += bucketMicros }
            guard start >= range.lowerBound, !skip(start) else { continue }
            let bucket = openStart == start ? openBucket : buckets[start]
            guard let bucket else { continue }
            for (e, shape) in bucket.shapeIDs.enumerated() {
                if let shapeFilter, !shapeFilter(Int(shape)) { continue }
                let from = e * Self.stride, to = Int(shape) * Self.stride
                for k in 0..<Self.stride { sums[to + k] += Int64(bucket.counts[from + k]) }
            }
        }
    }

    /// Drops buckets that start before `t` from memory.
    mutating func prune(before t: Int64) {
        closeOpen()
        for start in buckets.keys where start < t { buckets[start] = nil }
    }

    // MARK: - Persistence

    /// One stored bucket: (shape id, counts…) runs, little-endian.
    public struct BucketRow: Sendable, Equatable {
        public var startMicros: Int64
        public var bytes: [UInt8]

        public init(startMicros: Int64, bytes: [UInt8]) {
            self.startMicros = startMicros
            self.bytes = bytes
        }
    }

    mutating func takeNewShapes() -> [Int] {
        defer { newShapes.removeAll() }
        return newShapes
    }

    mutating func takeDirtyBuckets() -> [BucketRow] {
        closeOpen()
        defer { dirtyBuckets.removeAll() }
        return dirtyBuckets.sorted().compactMap { start in
            guard let bucket = buckets[start] else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(bucket.shapeIDs.count * (Self.stride + 1) * 4 + 8)
            appendUInt32(&bytes, UInt32(checkNames.count))
            for (e, shape) in bucket.shapeIDs.enumerated() {
                appendUInt32(&bytes, UInt32(bitPattern: shape))
                for k in 0..<Self.stride { appendUInt32(&bytes, UInt32(bitPattern: bucket.counts[e * Self.stride + k])) }
            }
            return BucketRow(startMicros: start, bytes: bytes)
        }
    }

    mutating func restore(_ row: BucketRow) throws(AnalysisError) {
        closeOpen()
        var bucket = Bucket()
        var offset = 4
        let entry = (Self.stride + 1) * 4
        guard row.bytes.count >= 4, (row.bytes.count - 4) % entry == 0 else {
            throw AnalysisError(.corruptState, "shape bucket at \(row.startMicros) has \(row.bytes.count) bytes, not 4 + n × \(entry)")
        }
        while offset < row.bytes.count {
            let shape = Int32(bitPattern: readUInt32(row.bytes, offset))
            guard shape >= 0, Int(shape) < shapes.count else {
                throw AnalysisError(.corruptState, "shape bucket at \(row.startMicros) names unknown shape \(shape)")
            }
            let e = bucket.entry(shape) * Self.stride
            for k in 0..<Self.stride { bucket.counts[e + k] = Int32(bitPattern: readUInt32(row.bytes, offset + 4 * (k + 1))) }
            offset += entry
        }
        buckets[row.startMicros] = bucket
    }

    /// Check names are restored in their stored order (their count positions).
    mutating func restoreChecks(_ names: [String]) {
        checkNames = Array(names.prefix(Self.maxChecks))
    }
}

private func appendUInt32(_ bytes: inout [UInt8], _ v: UInt32) {
    bytes.append(UInt8(truncatingIfNeeded: v))
    bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    bytes.append(UInt8(truncatingIfNeeded: v >> 16))
    bytes.append(UInt8(truncatingIfNeeded: v >> 24))
}

private func readUInt32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
    UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
}

extension RollupTable {
    /// Floor of `t` to a multiple of `bucket` (times before 1970 too).
    static func floor(_ t: Int64, _ bucket: Int64) -> Int64 {
        let q = t / bucket
        return (t % bucket < 0 ? q - 1 : q) * bucket
    }
}
