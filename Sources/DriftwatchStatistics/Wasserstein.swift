/// First Wasserstein (earth mover's) distance and Evidently's normalised form, its default drift
/// measure for numeric features on large references.
public enum Wasserstein {
    /// scipy `stats.wasserstein_distance(u, v)`: ∫|U(x) − V(x)| dx between the empirical CDFs.
    public static func distance(_ u: [Double], _ v: [Double]) -> Double {
        precondition(!u.isEmpty && !v.isEmpty, "Wasserstein distance needs two non-empty samples")
        let a = u.sorted(), b = v.sorted()
        var i = 0, j = 0
        var total = 0.0
        var current = min(a[0], b[0])
        let nu = Double(a.count), nv = Double(b.count)
        while i < a.count || j < b.count {
            while i < a.count && a[i] <= current { i += 1 }
            while j < b.count && b[j] <= current { j += 1 }
            let next: Double
            if i < a.count && j < b.count { next = min(a[i], b[j]) } else if i < a.count { next = a[i] } else if j < b.count { next = b[j] } else { break }
            total += abs(Double(i) / nu - Double(j) / nv) * (next - current)
            current = next
        }
        return total
    }

    /// The distance between two weighted point sets on the same ascending `values` (for example
    /// bin representatives with reference and current counts): scipy
    /// `wasserstein_distance(values, values, weights1, weights2)`.
    public static func distance(values: [Double], weights1: [Double], weights2: [Double]) -> Double {
        precondition(values.count == weights1.count && values.count == weights2.count)
        var total1 = 0.0, total2 = 0.0
        for i in values.indices {
            total1 += weights1[i]
            total2 += weights2[i]
        }
        var cumulative1 = 0.0, cumulative2 = 0.0
        var result = 0.0
        for i in 0..<(values.count - 1) {
            cumulative1 += weights1[i]
            cumulative2 += weights2[i]
            result += abs(cumulative1 / total1 - cumulative2 / total2) * (values[i + 1] - values[i])
        }
        return result
    }

    /// Evidently's `wasserstein` test: the distance divided by max(σ_reference, 0.001), σ the
    /// population standard deviation (numpy `std`, ddof 0). Default drift threshold 0.1.
    public static func normalizedDistance(reference: [Double], current: [Double]) -> Double {
        let sigma = standardDeviation(reference)
        return distance(reference, current) / max(sigma, 0.001)
    }

    /// The normalised distance for histograms: σ is the weighted standard deviation of `values`
    /// under the reference counts.
    public static func normalizedDistance(values: [Double], referenceCounts: [Int], currentCounts: [Int]) -> Double {
        let w1 = referenceCounts.map(Double.init), w2 = currentCounts.map(Double.init)
        var total = 0.0, mean = 0.0
        for i in values.indices {
            total += w1[i]
            mean += w1[i] * values[i]
        }
        mean /= total
        var variance = 0.0
        for i in values.indices {
            let d = values[i] - mean
            variance += w1[i] * d * d
        }
        let sigma = (variance / total).squareRoot()
        return distance(values: values, weights1: w1, weights2: w2) / max(sigma, 0.001)
    }

    /// Population standard deviation (ddof 0) by two passes.
    public static func standardDeviation(_ values: [Double]) -> Double {
        let n = Double(values.count)
        var mean = 0.0
        for v in values { mean += v }
        mean /= n
        var sum = 0.0
        for v in values {
            let d = v - mean
            sum += d * d
        }
        return (sum / n).squareRoot()
    }
}
