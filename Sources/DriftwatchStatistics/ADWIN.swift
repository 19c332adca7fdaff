#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ADWIN (adaptive windowing) change detector, a faithful port of River's `river.drift.ADWIN`
/// (River 0.26, whose core is `rust_src/adwin.rs`, itself a line-by-line port of the older
/// `adwin_c.pyx`).
///
/// The window is kept as exponential histograms: level `i` holds up to `maxBuckets + 1`
/// summaries of `2^i` points each (sum and sum of squared deviations); when a level overflows
/// its two oldest summaries merge into the next level. Every `clock` updates, once the window
/// is wider than `gracePeriod`, every boundary between summaries is tried as a cut: if the
/// means of the older and newer parts differ by more than the Hoeffding-style bound
/// `epsilon_cut`, the oldest summary is dropped and drift is reported. The arithmetic follows
/// River's order of operations so detections, widths and estimates match it exactly.
///
/// As in River, a detection is reported by the update that found it; the *next* update
/// starts from an empty window (River's `DriftDetector` resets itself then).
public struct ADWIN: Sendable, Equatable {
    /// Significance of the cut test; smaller means fewer false alarms and slower detection.
    public let delta: Double
    /// Run the cut test every `clock` updates (River's default 32 trades latency for speed).
    public let clock: Int
    /// Summaries per level before two are merged into the next level.
    public let maxBuckets: Int
    /// Neither side of a cut may hold fewer points than this.
    public let minWindowLength: Int
    /// No cut is tried until the window holds more than this many points.
    public let gracePeriod: Int

    var total = 0.0
    var squaredDeviations = 0.0
    var widthValue = 0.0
    var tick = 0
    var detections = 0
    /// Number of summaries used per level (River's `Bucket.current_idx`).
    var levelCounts: [Int] = [0]
    /// Summary sums, `maxBuckets + 1` slots per level, oldest first within a level.
    var totals: [Double]
    /// Summary sums of squared deviations, laid out like `totals`.
    var variances: [Double]

    /// Whether the latest update detected a change.
    public internal(set) var driftDetected = false

    /// Creates a detector with River's defaults unless told otherwise.
    public init(
        delta: Double = 0.002,
        clock: Int = 32,
        maxBuckets: Int = 5,
        minWindowLength: Int = 5,
        gracePeriod: Int = 10
    ) {
        precondition(delta > 0 && delta < 1, "ADWIN delta must be in (0, 1)")
        precondition(clock >= 1 && maxBuckets >= 2 && minWindowLength >= 1 && gracePeriod >= 0)
        self.delta = delta
        self.clock = clock
        self.maxBuckets = maxBuckets
        self.minWindowLength = minWindowLength
        self.gracePeriod = gracePeriod
        self.totals = Array(repeating: 0, count: maxBuckets + 1)
        self.variances = Array(repeating: 0, count: maxBuckets + 1)
    }

    /// Number of points in the current window.
    public var width: Int { Int(widthValue) }

    /// Sum of the points in the current window.
    public var windowTotal: Double { total }

    /// Sum of squared deviations from the window mean; River's `ADWIN.variance` reports this.
    public var windowSquaredDeviations: Double { squaredDeviations }

    /// Mean of the current window (0 when empty), River's `estimation`.
    public var estimation: Double { widthValue == 0 ? 0 : total / widthValue }

    /// Detections since the last reset; River's `n_detections` (0 or 1, because River resets
    /// the detector on the update after a detection).
    public var detectionCount: Int { detections }

    /// Adds one observation and reports whether a change was detected by this update.
    @discardableResult
    public mutating func update(_ x: Double) -> Bool {
        if driftDetected {
            reset()
        }
        insert(x, variance: 0)
        driftDetected = detectChange()
        return driftDetected
    }

    /// Forgets the window, keeping the parameters.
    public mutating func reset() {
        self = ADWIN(
            delta: delta, clock: clock, maxBuckets: maxBuckets,
            minWindowLength: minWindowLength, gracePeriod: gracePeriod
        )
    }

    private var slots: Int { maxBuckets + 1 }

    private mutating func insert(_ value: Double, variance: Double) {
        let slot = levelCounts[0]
        totals[slot] = value
        variances[slot] = variance
        levelCounts[0] = slot + 1

        widthValue += 1.0
        var incremental = 0.0
        if widthValue > 1.0 {
            let deltaV = value - total / (widthValue - 1.0)
            incremental = (widthValue - 1.0) * deltaV * deltaV / widthValue
        }
        squaredDeviations += incremental
        total += value

        compressBuckets()
    }

    private mutating func compressBuckets() {
        var level = 0
        while levelCounts[level] == maxBuckets + 1 {
            let base = level * slots
            let n1 = Double(UInt64(1) << UInt64(level))
            let t0 = totals[base], t1 = totals[base + 1]
            let v0 = variances[base], v1 = variances[base + 1]
            let mu1 = t0 / n1
            let mu2 = t1 / n1
            let total12 = t0 + t1
            let temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2)
            let v12 = v0 + v1 + temp

            if level + 1 >= levelCounts.count {
                levelCounts.append(0)
                totals.append(contentsOf: repeatElement(0, count: slots))
                variances.append(contentsOf: repeatElement(0, count: slots))
            }
            let next = (level + 1) * slots + levelCounts[level + 1]
            totals[next] = total12
            variances[next] = v12
            levelCounts[level + 1] += 1
            dropOldest(2, atLevel: level)

            if levelCounts[level + 1] <= maxBuckets {
                break
            }
            level += 1
        }
    }

    /// Shifts a level's summaries left by `n`, zeroing the freed slots (River's `compress`).
    private mutating func dropOldest(_ n: Int, atLevel level: Int) {
        let base = level * slots
        let count = levelCounts[level]
        for i in 0..<(count - n) {
            totals[base + i] = totals[base + i + n]
            variances[base + i] = variances[base + i + n]
        }
        for i in (count - n)..<count {
            totals[base + i] = 0
            variances[base + i] = 0
        }
        levelCounts[level] = count - n
    }

    /// Removes the oldest summary (from the highest level) and updates the window statistics.
    private mutating func deleteElement() {
        let last = levelCounts.count - 1
        let n = Double(UInt64(1) << UInt64(last))
        let u = totals[last * slots]
        let v = variances[last * slots]
        let mu = u / n

        widthValue -= n
        total -= u
        let muWindow = total / widthValue
        let inc = v + n * widthValue * (mu - muWindow) * (mu - muWindow) / (n + widthValue)
        squaredDeviations -= inc

        dropOldest(1, atLevel: last)
        // River pops the emptied top level; keep level 0 so the next insert has a home.
        if levelCounts[last] == 0 && last > 0 {
            levelCounts.removeLast()
            totals.removeLast(slots)
            variances.removeLast(slots)
        }
    }

    private mutating func detectChange() -> Bool {
        var changeDetected = false
        tick += 1
        let minLength = Double(minWindowLength)

        if tick % clock == 0 && widthValue > Double(gracePeriod) {
            var reduceWidth = true
            while reduceWidth {
                reduceWidth = false
                var exitFlag = false
                var n0 = 0.0
                var n1 = widthValue
                var u0 = 0.0
                var u1 = total
                let deltaPrime = log(2.0 * log(widthValue) / delta)
                let meanVariance = squaredDeviations / widthValue

                outer: for level in stride(from: levelCounts.count - 1, through: 0, by: -1) {
                    if exitFlag {
                        break
                    }
                    let bucketSize = Double(UInt64(1) << UInt64(level))
                    let count = levelCounts[level]
                    let base = level * slots
                    for k in 0..<count {
                        n0 += bucketSize
                        n1 -= bucketSize
                        let t = totals[base + k]
                        u0 += t
                        u1 -= t

                        if level == 0 && k == count - 1 {
                            exitFlag = true
                            break
                        }

                        let deltaMean = (u0 / n0) - (u1 / n1)
                        if n1 >= minLength && n0 >= minLength && evaluateCut(
                            n0: n0, n1: n1, deltaMean: deltaMean, deltaPrime: deltaPrime, meanVariance: meanVariance
                        ) {
                            reduceWidth = true
                            changeDetected = true
                            if widthValue > 0 {
                                deleteElement()
                                break outer
                            }
                        }
                    }
                }
            }
        }

        if changeDetected {
            detections += 1
        }
        return changeDetected
    }

    /// River's `evaluate_cut`, with the terms that depend only on the window (`delta'` and the
    /// per-point variance) computed once per scan by the caller; the values are bit-identical.
    private func evaluateCut(n0: Double, n1: Double, deltaMean: Double, deltaPrime: Double, meanVariance: Double) -> Bool {
        let minLength = Double(minWindowLength)
        let mRecip = 1.0 / (n0 - minLength + 1.0) + 1.0 / (n1 - minLength + 1.0)
        let epsilon = (2.0 * mRecip * meanVariance * deltaPrime).squareRoot()
            + 2.0 / 3.0 * deltaPrime * mRecip
        return abs(deltaMean) > epsilon
    }
}
