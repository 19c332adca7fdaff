/// Whether the current window's evidence goes to documents the reference never returned more
/// often than chance allows, calibrated on the reference itself.
///
/// A distance over raw document ids is large between two samples of the same long-tailed pool (most
/// ids are hit once or not at all in a window), so it fires on quiet data. This test asks a
/// question with a known null instead: the share of the current window's hits on documents absent
/// from the whole reference, against the same share measured in each reference bucket with the
/// other buckets as its reference (leave one out). The k bucket shares give the null's mean and
/// spread, hit-to-hit correlation included; the current share is judged with the one-sided
/// prediction-interval t statistic t = (share − mean) / (sd · √(1 + 1/k)) on k − 1 degrees of
/// freedom. A bucket is compared with slightly less reference than the current window, which makes
/// the test conservative; so does a current window longer than a bucket. The spread is floored at
/// the binomial spread of a bucket's share so that a reference with no new documents at all does
/// not turn one new hit into a certainty. Id 0 (past the vocabulary's cap) counts as known.
public enum NewDocumentTest {
    public struct Result: Sendable, Equatable {
        /// Share of the current window's hits on documents absent from the reference.
        public var share: Double
        /// Mean and standard deviation of the leave-one-out shares of the reference buckets.
        public var referenceMean: Double
        public var referenceSD: Double
        public var buckets: Int
        public var statistic: Double
        public var pValue: Double
    }

    /// `parts`: hits per document id in each reference bucket; `current`: hits per id in the current
    /// window. nil with fewer than three reference buckets holding hits, or no current hits.
    public static func test(parts: [[UInt32]], current: [UInt32]) -> Result? {
        let used = parts.filter { $0.dropFirst().contains { $0 > 0 } }
        let k = used.count
        guard k >= 3 else { return nil }
        let width = max(current.count, used.map(\.count).max() ?? 0)
        // Per document: in how many buckets it appears, and the last one (the only one when seen once).
        var seenIn = [Int32](repeating: 0, count: width)
        var lastPart = [Int32](repeating: -1, count: width)
        for (j, part) in used.enumerated() {
            for d in part.indices.dropFirst() where part[d] > 0 {
                seenIn[d] += 1
                lastPart[d] = Int32(j)
            }
        }
        var newHits = [Double](repeating: 0, count: k), hits = [Double](repeating: 0, count: k)
        for (j, part) in used.enumerated() {
            for d in part.indices where part[d] > 0 {
                hits[j] += Double(part[d])
                if d > 0 && seenIn[d] == 1 && lastPart[d] == Int32(j) { newHits[j] += Double(part[d]) }
            }
        }
        var currentNew = 0.0, currentHits = 0.0
        for d in current.indices where current[d] > 0 {
            currentHits += Double(current[d])
            if d > 0 && seenIn[d] == 0 { currentNew += Double(current[d]) }
        }
        guard currentHits > 0 else { return nil }
        let shares = (0..<k).map { newHits[$0] / hits[$0] }
        let mean = shares.reduce(0, +) / Double(k)
        let variance = shares.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(k - 1)
        // Add-one pooled rate, so the floor is positive when no bucket had a new document.
        let pooled = (newHits.reduce(0, +) + 1) / (hits.reduce(0, +) + 2)
        let binomial = pooled * (1 - pooled) / (hits.reduce(0, +) / Double(k))
        let sd = max(variance, binomial).squareRoot()
        let share = currentNew / currentHits
        let t = (share - mean) / (sd * (1 + 1 / Double(k)).squareRoot())
        return Result(share: share, referenceMean: mean, referenceSD: sd, buckets: k, statistic: t,
                      pValue: StudentT.sf(t, degreesOfFreedom: Double(k - 1)))
    }
}
