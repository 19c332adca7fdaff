/// Everything a ``PageHinkley`` detector needs to continue where it stopped, as plain numbers.
public struct PageHinkleyState: Sendable, Equatable {
    public var minInstances: Int
    public var delta: Double
    public var threshold: Double
    public var alpha: Double
    public var mode: PageHinkley.Mode
    public var count: Double
    public var mean: Double
    public var sumIncrease: Double
    public var sumDecrease: Double
    /// `+infinity` before the first point.
    public var minIncrease: Double
    public var maxDecrease: Double
    public var driftDetected: Bool

    public init(
        minInstances: Int, delta: Double, threshold: Double, alpha: Double, mode: PageHinkley.Mode,
        count: Double, mean: Double, sumIncrease: Double, sumDecrease: Double,
        minIncrease: Double, maxDecrease: Double, driftDetected: Bool
    ) {
        self.minInstances = minInstances
        self.delta = delta
        self.threshold = threshold
        self.alpha = alpha
        self.mode = mode
        self.count = count
        self.mean = mean
        self.sumIncrease = sumIncrease
        self.sumDecrease = sumDecrease
        self.minIncrease = minIncrease
        self.maxDecrease = maxDecrease
        self.driftDetected = driftDetected
    }
}

extension PageHinkley {
    /// A snapshot of the detector; ``init(restoring:)`` continues from it identically.
    public var state: PageHinkleyState {
        PageHinkleyState(
            minInstances: minInstances, delta: delta, threshold: threshold, alpha: alpha, mode: mode,
            count: count, mean: mean, sumIncrease: sumIncrease, sumDecrease: sumDecrease,
            minIncrease: minIncrease, maxDecrease: maxDecrease, driftDetected: driftDetected
        )
    }

    /// Rebuilds a detector from a snapshot, rejecting values no detector can reach.
    public init(restoring state: PageHinkleyState) throws(StreamStateError) {
        guard state.count >= 0, state.count.isFinite, state.mean.isFinite,
            state.sumIncrease.isFinite, state.sumDecrease.isFinite,
            !state.minIncrease.isNaN, !state.maxDecrease.isNaN,
            !state.threshold.isNaN, !state.alpha.isNaN, !state.delta.isNaN
        else {
            throw StreamStateError(.invalidValue, "Page-Hinkley state needs a non-negative count and finite sums")
        }
        self.init(
            minInstances: state.minInstances, delta: state.delta, threshold: state.threshold,
            alpha: state.alpha, mode: state.mode
        )
        count = state.count
        mean = state.mean
        sumIncrease = state.sumIncrease
        sumDecrease = state.sumDecrease
        minIncrease = state.minIncrease
        maxDecrease = state.maxDecrease
        driftDetected = state.driftDetected
    }
}
