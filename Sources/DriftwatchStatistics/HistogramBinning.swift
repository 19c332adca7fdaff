/// Bin edges and bin counts with numpy's semantics, so histograms built here (and stored by the
/// drift detector) bin values exactly as the Python reference does.
public enum HistogramBinning {
    /// Edges numpy `histogram_bin_edges(data, bins="sturges")` returns for data with this minimum,
    /// maximum and count: ⌈range / (range / (log₂ count + 1))⌉ equal-width bins. Evidently bins
    /// numeric features this way (over reference and current combined) for Jensen–Shannon and PSI.
    public static func sturgesEdges(min lower: Double, max upper: Double, count: Int) -> [Double] {
        precondition(count > 0 && lower <= upper, "sturgesEdges needs data")
        var first = lower, last = upper
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let width = (upper - lower) / (cLog2(Double(count)) + 1)
        let binCount = width != 0 ? Int(((last - first) / width).rounded(.up)) : 1
        return linspace(first, last, binCount + 1)
    }

    /// numpy `linspace(start, stop, count)` bit for bit: i·step + start, with the last point set to
    /// `stop`.
    public static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        precondition(count >= 2)
        let step = (stop - start) / Double(count - 1)
        var edges = (0..<count).map { Double($0) * step + start }
        edges[count - 1] = stop
        return edges
    }

    /// numpy `histogram(values, bins=edges)[0]`: bins are [e_i, e_{i+1}), the last one closed;
    /// values outside [e_0, e_last] are not counted.
    public static func histogram(_ values: [Double], edges: [Double]) -> [Int] {
        precondition(edges.count >= 2, "a histogram needs at least one bin")
        var counts = [Int](repeating: 0, count: edges.count - 1)
        let last = edges[edges.count - 1]
        for value in values where value >= edges[0] && value <= last {
            if value == last {
                // The last bin is closed on the right.
                counts[counts.count - 1] += 1
            } else {
                counts[upperBound(edges, value) - 1] += 1
            }
        }
        return counts
    }

    /// Reference-quantile cut points for PSI: numpy `quantile(reference, [1/k, …, (k−1)/k])`
    /// (linear interpolation), with duplicates removed so every bin has positive width. Use them
    /// with `openBinCounts`, whose first and last bins are open-ended.
    public static func quantileEdges(reference: [Double], binCount: Int) -> [Double] {
        precondition(!reference.isEmpty && binCount >= 1)
        let sorted = reference.sorted()
        let n = sorted.count
        var edges: [Double] = []
        edges.reserveCapacity(binCount - 1)
        for i in 1..<max(binCount, 1) {
            let q = Double(i) / Double(binCount)
            let virtualIndex = Double(n - 1) * q
            var previous = Int(virtualIndex.rounded(.down))
            var next = previous + 1
            if virtualIndex >= Double(n - 1) {
                previous = n - 1
                next = n - 1
            }
            let gamma = virtualIndex - virtualIndex.rounded(.down)
            let a = sorted[previous], b = sorted[next]
            let diff = b - a
            let value = gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
            if edges.last.map({ value > $0 }) ?? true { edges.append(value) }
        }
        return edges
    }

    /// Counts over the open-ended bins (−∞, c₀), [c₀, c₁), …, [c_last, ∞) defined by sorted cut
    /// points, so current values outside the reference range are still counted.
    public static func openBinCounts(_ values: [Double], cutPoints: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: cutPoints.count + 1)
        for value in values { counts[upperBound(cutPoints, value)] += 1 }
        return counts
    }

    /// Number of elements ≤ value (numpy `searchsorted(side="right")`).
    static func upperBound(_ sorted: [Double], _ value: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
