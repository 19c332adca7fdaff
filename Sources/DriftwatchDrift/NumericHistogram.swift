/// Counts of one numeric feature over ``FineBinning`` keys, stored densely from the lowest key seen
/// to the highest. Typical features span a few hundred to a few thousand keys; the whole key space
/// is bounded (≈ 2·10⁴ keys at the default accuracy), so memory is too.
public struct NumericHistogram: Sendable, Equatable, Codable {
    /// Key of `counts[0]`.
    public internal(set) var lowKey: Int32 = 0
    public internal(set) var counts: [UInt32] = []
    /// Number of values added.
    public internal(set) var total: Int = 0
    /// Exact sum of the values added (for the mean in summaries).
    public internal(set) var sum: Double = 0

    public init() {}

    /// Keys of the first and last bins held (empty when nothing was added).
    public var keyRange: ClosedRange<Int32>? {
        counts.isEmpty ? nil : lowKey...(lowKey + Int32(counts.count - 1))
    }

    @inline(__always)
    public mutating func add(key: Int32, value: Double) {
        total += 1
        sum += value
        if counts.isEmpty {
            lowKey = key
            counts = [1]
            return
        }
        let offset = Int(key) - Int(lowKey)
        if offset >= 0 && offset < counts.count {
            counts[offset] &+= 1
        } else {
            grow(toInclude: key)
            counts[Int(key) - Int(lowKey)] &+= 1
        }
    }

    public func count(key: Int32) -> Int {
        let offset = Int(key) - Int(lowKey)
        return offset >= 0 && offset < counts.count ? Int(counts[offset]) : 0
    }

    /// Adds another histogram's counts (windows are sums of buckets).
    public mutating func merge(_ other: NumericHistogram) {
        guard let range = other.keyRange else { return }
        if counts.isEmpty {
            self = other
            return
        }
        grow(toInclude: range.lowerBound)
        grow(toInclude: range.upperBound)
        let shift = Int(other.lowKey) - Int(lowKey)
        for i in other.counts.indices where other.counts[i] != 0 { counts[shift + i] &+= other.counts[i] }
        total += other.total
        sum += other.sum
    }

    private mutating func grow(toInclude key: Int32) {
        if counts.isEmpty {
            lowKey = key
            counts = [0]
            return
        }
        if key < lowKey {
            let extra = Int(lowKey) - Int(key)
            counts.insert(contentsOf: repeatElement(0, count: extra), at: 0)
            lowKey = key
        } else {
            let high = Int(lowKey) + counts.count - 1
            if Int(key) > high { counts.append(contentsOf: repeatElement(0, count: Int(key) - high)) }
        }
    }

    /// Mean of the added values, nil when empty.
    public var mean: Double? { total == 0 ? nil : sum / Double(total) }

    /// The q-quantile as a bin representative (lower quantile: the first bin whose cumulative
    /// count reaches q·n), nil when empty.
    public func quantile(_ q: Double, binning: FineBinning) -> Double? {
        guard total > 0 else { return nil }
        let rank = Swift.max(1, Int((q * Double(total)).rounded(.up)))
        var cumulative = 0
        for i in counts.indices {
            cumulative += Int(counts[i])
            if cumulative >= rank { return binning.value(lowKey + Int32(i)) }
        }
        return binning.value(lowKey + Int32(counts.count - 1))
    }
}

/// Reference and current counts over the bins occupied in either histogram, lowest first: the
/// aligned form the drift statistics take.
public struct AlignedBins: Sendable, Equatable {
    public var keys: [Int32]
    public var reference: [Int]
    public var current: [Int]

    public init(reference: NumericHistogram, current: NumericHistogram) {
        keys = []
        self.reference = []
        self.current = []
        let ranges = [reference.keyRange, current.keyRange].compactMap { $0 }
        guard let low = ranges.map(\.lowerBound).min(), let high = ranges.map(\.upperBound).max() else { return }
        var key = low
        while key <= high {
            let r = reference.count(key: key), c = current.count(key: key)
            if r > 0 || c > 0 {
                keys.append(key)
                self.reference.append(r)
                self.current.append(c)
            }
            key += 1
        }
    }

    /// Counts over open-ended bins cut at the reference's quantiles i/k (i = 1…k−1), each cut placed
    /// on the right edge of the fine bin where the quantile falls, duplicates dropped; current
    /// values outside the reference range land in the outer bins. Returns the cut values as well.
    public func quantileBins(_ binCount: Int, binning: FineBinning) -> (cuts: [Double], reference: [Int], current: [Int]) {
        let n = reference.reduce(0, +)
        guard n > 0, binCount > 1 else { return ([], [reference.reduce(0, +)], [current.reduce(0, +)]) }
        // Fine-bin indexes after which a cut falls.
        var cutIndexes: [Int] = []
        var cumulative = 0
        var next = 1
        for i in keys.indices {
            cumulative += reference[i]
            while next < binCount && Double(cumulative) >= Double(next) * Double(n) / Double(binCount) {
                if cutIndexes.last != i && i < keys.count - 1 { cutIndexes.append(i) }
                next += 1
            }
        }
        var ref = [Int](repeating: 0, count: cutIndexes.count + 1)
        var cur = ref
        var bin = 0
        for i in keys.indices {
            while bin < cutIndexes.count && i > cutIndexes[bin] { bin += 1 }
            ref[bin] += reference[i]
            cur[bin] += current[i]
        }
        return (cutIndexes.map { binning.upperEdge(keys[$0]) }, ref, cur)
    }
}
