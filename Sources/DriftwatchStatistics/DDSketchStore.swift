/// Bin counts for one sign of a ``DDSketch``: a dense run of counters from `minKey` to
/// `maxKey` that folds its lowest keys together once the run would exceed `binLimit`.
///
/// Behaves like the `CollapsingLowestDenseStore` of DataDog's `ddsketch` package: when a new
/// key would make the run wider than `binLimit`, every key below `maxKey - binLimit + 1` is
/// counted at that key, so accuracy is lost only on the lowest quantiles.
struct DDSketchStore: Sendable {
    /// Headroom added when the physical array grows, so growing is rare.
    private static let growthPadding = 64

    let binLimit: Int
    /// Counters; `bins[i]` counts key `base + i`. May extend past `minKey...maxKey`.
    private(set) var bins: [UInt64] = []
    private(set) var base = 0
    private(set) var minKey = 0
    private(set) var maxKey = -1
    private(set) var count: UInt64 = 0
    /// Whether low keys have been folded together (accuracy lost below `minKey`).
    private(set) var isCollapsed = false

    init(binLimit: Int) {
        precondition(binLimit >= 1, "a DDSketch store needs at least one bin")
        self.binLimit = binLimit
    }

    /// Rebuilds a store from its live bins (`counts[i]` counts key `minKey + i`).
    init(binLimit: Int, minKey: Int, counts: [UInt64], isCollapsed: Bool) {
        self.binLimit = binLimit
        self.isCollapsed = isCollapsed
        guard !counts.isEmpty else { return }
        self.bins = counts
        self.base = minKey
        self.minKey = minKey
        self.maxKey = minKey + counts.count - 1
        self.count = counts.reduce(0, &+)
    }

    var isEmpty: Bool { count == 0 }

    /// The count at `key`, 0 outside the live range.
    func count(at key: Int) -> UInt64 {
        guard count > 0, key >= minKey, key <= maxKey else { return 0 }
        return bins[key - base]
    }

    /// The live counters, `minKey` first.
    var liveCounts: ArraySlice<UInt64> {
        count == 0 ? [] : bins[(minKey - base)...(maxKey - base)]
    }

    mutating func add(key: Int, count n: UInt64) {
        if count == 0 {
            bins = Array(repeating: 0, count: 2 * Self.growthPadding)
            base = key - Self.growthPadding
            minKey = key
            maxKey = key
        } else if key < minKey {
            if isCollapsed {
                bins[minKey - base] += n
                count += n
                return
            }
            if maxKey - key + 1 > binLimit {
                collapse(newMin: maxKey - binLimit + 1, newMax: maxKey)
                bins[minKey - base] += n
                count += n
                return
            }
            reserve(low: key, high: maxKey)
            minKey = key
        } else if key > maxKey {
            if key - minKey + 1 > binLimit {
                collapse(newMin: key - binLimit + 1, newMax: key)
            } else {
                reserve(low: minKey, high: key)
                maxKey = key
            }
        }
        bins[key - base] += n
        count += n
    }

    /// The key holding the value of the given rank: `lower` picks the first key whose running
    /// count exceeds `rank`, otherwise the first reaching `rank + 1` (as `key_at_rank`).
    func key(atRank rank: Double, lower: Bool) -> Int {
        guard count > 0 else { return maxKey }
        var running = 0.0
        for key in minKey...maxKey {
            running += Double(bins[key - base])
            if lower ? running > rank : running >= rank + 1 {
                return key
            }
        }
        return maxKey
    }

    /// Adds another store's counts, folding keys below this store's range into its lowest key
    /// when the combined range is wider than `binLimit`.
    mutating func merge(_ other: DDSketchStore) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = DDSketchStore(
                binLimit: binLimit, minKey: other.minKey, counts: Array(other.liveCounts),
                isCollapsed: other.isCollapsed
            )
            return
        }
        if other.minKey < minKey || other.maxKey > maxKey {
            let low = Swift.min(minKey, other.minKey)
            let high = Swift.max(maxKey, other.maxKey)
            if high - low + 1 > binLimit {
                collapse(newMin: high - binLimit + 1, newMax: high)
            } else {
                reserve(low: low, high: high)
                minKey = low
                maxKey = high
            }
        }
        for key in other.minKey...other.maxKey {
            let c = other.bins[key - other.base]
            if c != 0 {
                bins[Swift.max(key, minKey) - base] += c
            }
        }
        count += other.count
    }

    /// Makes the physical array cover `low...high`, keeping live counts in place.
    private mutating func reserve(low: Int, high: Int) {
        if low >= base && high < base + bins.count {
            return
        }
        let newBase = low < base ? low - Self.growthPadding : base
        let newEnd = high >= base + bins.count ? high + 1 + Self.growthPadding : base + bins.count
        var grown = [UInt64](repeating: 0, count: newEnd - newBase)
        for key in minKey...maxKey {
            grown[key - newBase] = bins[key - base]
        }
        bins = grown
        base = newBase
    }

    /// Re-bases the store on `newMin...newMax`, counting every live key below `newMin` at
    /// `newMin`.
    private mutating func collapse(newMin: Int, newMax: Int) {
        var rebuilt = [UInt64](repeating: 0, count: newMax - newMin + 1)
        var folded: UInt64 = 0
        for key in minKey...maxKey {
            let c = bins[key - base]
            if key < newMin {
                folded += c
            } else {
                rebuilt[key - newMin] += c
            }
        }
        rebuilt[0] += folded
        bins = rebuilt
        base = newMin
        minKey = newMin
        maxKey = newMax
        isCollapsed = true
    }
}

extension DDSketchStore: Equatable {
    /// Equal when they hold the same counts per key, regardless of physical layout.
    static func == (lhs: DDSketchStore, rhs: DDSketchStore) -> Bool {
        guard lhs.binLimit == rhs.binLimit, lhs.count == rhs.count, lhs.isCollapsed == rhs.isCollapsed else {
            return false
        }
        if lhs.count == 0 {
            return true
        }
        return lhs.minKey == rhs.minKey && lhs.maxKey == rhs.maxKey && lhs.liveCounts.elementsEqual(rhs.liveCounts)
    }
}
