/// Page–Hinkley change detector, a faithful port of River's `river.drift.PageHinkley`.
///
/// Tracks the running mean and two fading cumulative sums of deviations from it (one biased
/// down by `delta` to catch increases, one biased up to catch decreases). Drift is reported
/// when a sum moves more than `threshold` away from its extreme, once `minInstances` points
/// have been seen. As in River, the update after a detection starts afresh.
public struct PageHinkley: Sendable, Equatable {
    /// Which direction of change in the mean counts as drift.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        case up, down, both
    }

    /// Points to see before any detection is possible.
    public let minInstances: Int
    /// Magnitude of change tolerated per point (River's `delta`).
    public let delta: Double
    /// Detection threshold (lambda).
    public let threshold: Double
    /// Forgetting factor applied to the cumulative sums.
    public let alpha: Double
    public let mode: Mode

    /// Points seen since the last reset (River keeps this as a float weight sum).
    public internal(set) var count = 0.0
    /// Running mean since the last reset.
    public internal(set) var mean = 0.0
    public internal(set) var sumIncrease = 0.0
    public internal(set) var sumDecrease = 0.0
    public internal(set) var minIncrease = Double.infinity
    public internal(set) var maxDecrease = -1.0
    /// Whether the latest update detected a change.
    public internal(set) var driftDetected = false

    /// Creates a detector with River's defaults unless told otherwise.
    public init(
        minInstances: Int = 30,
        delta: Double = 0.005,
        threshold: Double = 50,
        alpha: Double = 1 - 0.0001,
        mode: Mode = .both
    ) {
        self.minInstances = minInstances
        self.delta = delta
        self.threshold = threshold
        self.alpha = alpha
        self.mode = mode
    }

    /// Adds one observation and reports whether a change was detected by this update.
    @discardableResult
    public mutating func update(_ x: Double) -> Bool {
        if driftDetected {
            reset()
        }
        count += 1.0
        mean += (1.0 / count) * (x - mean)
        let deviation = x - mean

        sumIncrease = alpha * sumIncrease + deviation - delta
        sumDecrease = alpha * sumDecrease + deviation + delta
        if sumIncrease < minIncrease {
            minIncrease = sumIncrease
        }
        if sumDecrease > maxDecrease {
            maxDecrease = sumDecrease
        }

        if count >= Double(minInstances) {
            let testIncrease = sumIncrease - minIncrease
            let testDecrease = maxDecrease - sumDecrease
            switch mode {
            case .up: driftDetected = testIncrease > threshold
            case .down: driftDetected = testDecrease > threshold
            case .both: driftDetected = testIncrease > threshold || testDecrease > threshold
            }
        }
        return driftDetected
    }

    /// Forgets everything seen, keeping the parameters.
    public mutating func reset() {
        self = PageHinkley(minInstances: minInstances, delta: delta, threshold: threshold, alpha: alpha, mode: mode)
    }
}
