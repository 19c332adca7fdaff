/// Everything an ``ADWIN`` detector needs to continue where it stopped, as plain numbers and
/// arrays so the store can persist it in any format and restore it after a restart.
public struct ADWINState: Sendable, Equatable {
    public var delta: Double
    public var clock: Int
    public var maxBuckets: Int
    public var minWindowLength: Int
    public var gracePeriod: Int
    /// Sum of the points in the window.
    public var total: Double
    /// Sum of squared deviations from the window mean.
    public var squaredDeviations: Double
    /// Points in the window; must equal the points the summaries stand for.
    public var width: Int
    /// Updates since the last reset; decides when the next cut test runs.
    public var tick: Int
    public var detectionCount: Int
    /// Whether the last update detected drift (the next update then resets the detector).
    public var driftDetected: Bool
    /// Summary sums per level (level `i` summarises `2^i` points each), oldest first.
    public var bucketTotals: [[Double]]
    /// Summary sums of squared deviations, shaped like `bucketTotals`.
    public var bucketVariances: [[Double]]

    public init(
        delta: Double, clock: Int, maxBuckets: Int, minWindowLength: Int, gracePeriod: Int,
        total: Double, squaredDeviations: Double, width: Int, tick: Int, detectionCount: Int,
        driftDetected: Bool, bucketTotals: [[Double]], bucketVariances: [[Double]]
    ) {
        self.delta = delta
        self.clock = clock
        self.maxBuckets = maxBuckets
        self.minWindowLength = minWindowLength
        self.gracePeriod = gracePeriod
        self.total = total
        self.squaredDeviations = squaredDeviations
        self.width = width
        self.tick = tick
        self.detectionCount = detectionCount
        self.driftDetected = driftDetected
        self.bucketTotals = bucketTotals
        self.bucketVariances = bucketVariances
    }
}

extension ADWIN {
    /// A snapshot of the detector; ``init(restoring:)`` continues from it identically.
    public var state: ADWINState {
        var levelTotals: [[Double]] = []
        var levelVariances: [[Double]] = []
        let slots = maxBuckets + 1
        for (level, count) in levelCounts.enumerated() {
            let base = level * slots
            levelTotals.append(Array(totals[base..<(base + count)]))
            levelVariances.append(Array(variances[base..<(base + count)]))
        }
        return ADWINState(
            delta: delta, clock: clock, maxBuckets: maxBuckets,
            minWindowLength: minWindowLength, gracePeriod: gracePeriod,
            total: total, squaredDeviations: squaredDeviations, width: width, tick: tick,
            detectionCount: detections, driftDetected: driftDetected,
            bucketTotals: levelTotals, bucketVariances: levelVariances
        )
    }

    /// Rebuilds a detector from a snapshot, rejecting shapes no detector can reach.
    public init(restoring state: ADWINState) throws(StreamStateError) {
        guard state.delta > 0, state.delta < 1, state.clock >= 1, state.maxBuckets >= 2,
            state.minWindowLength >= 1, state.gracePeriod >= 0
        else {
            throw StreamStateError(.invalidValue, "ADWIN parameters out of range (delta in (0,1), clock >= 1, maxBuckets >= 2)")
        }
        let levels = state.bucketTotals.count
        guard levels >= 1, levels < 63, state.bucketVariances.count == levels else {
            throw StreamStateError(.invalidValue, "ADWIN state needs 1...62 levels with matching totals and variances, got \(levels) and \(state.bucketVariances.count)")
        }
        guard state.width >= 0, state.tick >= 0, state.detectionCount >= 0,
            state.total.isFinite, state.squaredDeviations.isFinite
        else {
            throw StreamStateError(.invalidValue, "ADWIN width, tick and totals must be finite and non-negative")
        }
        var restored = ADWIN(
            delta: state.delta, clock: state.clock, maxBuckets: state.maxBuckets,
            minWindowLength: state.minWindowLength, gracePeriod: state.gracePeriod
        )
        let slots = state.maxBuckets + 1
        restored.levelCounts = Array(repeating: 0, count: levels)
        restored.totals = Array(repeating: 0, count: levels * slots)
        restored.variances = Array(repeating: 0, count: levels * slots)
        var represented = 0
        for level in 0..<levels {
            let levelTotals = state.bucketTotals[level]
            let levelVariances = state.bucketVariances[level]
            guard levelTotals.count <= state.maxBuckets, levelTotals.count == levelVariances.count else {
                throw StreamStateError(.invalidValue, "ADWIN level \(level) holds \(levelTotals.count) totals and \(levelVariances.count) variances; expected equal counts of at most \(state.maxBuckets)")
            }
            for (i, (t, v)) in zip(levelTotals, levelVariances).enumerated() {
                guard t.isFinite, v.isFinite else {
                    throw StreamStateError(.invalidValue, "ADWIN level \(level) summary \(i) is not finite")
                }
                restored.totals[level * slots + i] = t
                restored.variances[level * slots + i] = v
            }
            restored.levelCounts[level] = levelTotals.count
            represented += levelTotals.count << level
        }
        guard represented == state.width else {
            throw StreamStateError(.invalidValue, "ADWIN width \(state.width) differs from the \(represented) points its summaries represent")
        }
        restored.total = state.total
        restored.squaredDeviations = state.squaredDeviations
        restored.widthValue = Double(state.width)
        restored.tick = state.tick
        restored.detections = state.detectionCount
        restored.driftDetected = state.driftDetected
        self = restored
    }
}
