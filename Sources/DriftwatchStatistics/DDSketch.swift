#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mergeable quantile sketch with relative-error guarantees (DDSketch, Masson et al. 2019).
///
/// Values map to logarithmic bins of ratio `gamma = (1 + α) / (1 − α)`, so any reported
/// quantile is within `α·|x|` of a value of the requested rank, whatever the distribution.
/// Positive and negative values have their own bins; values too close to zero to bin are
/// counted as zero. Each sign keeps at most `maxBucketCount` bins, folding the lowest ones
/// together beyond that (accuracy then degrades only for the lowest quantiles of that sign).
///
/// Keys, bin values and quantile ranks follow DataDog's Python `ddsketch` package
/// (`LogCollapsingLowestDenseDDSketch` with `LogarithmicMapping`, offset 0) operation by
/// operation, so quantiles match it exactly on the same inputs. Sketches serialize to a few
/// bytes per occupied bin for storage per time bucket; see ``serializedBytes()``.
public struct DDSketch: Sendable, Equatable {
    /// The relative accuracy α of quantiles.
    public let relativeAccuracy: Double
    /// Bins kept per sign before the lowest are folded together.
    public let maxBucketCount: Int

    let gamma: Double
    /// `log(2) / log(gamma)`: multiplies `log2(x)` to give `log_gamma(x)`.
    let multiplier: Double
    /// Smallest magnitude kept out of the zero bin (`DBL_MIN · gamma`, as the Python package).
    let minIndexable: Double
    /// Largest magnitude that can be binned; larger values (and infinities) are clamped to it.
    let maxIndexable: Double
    /// `2 / (1 + gamma)`: places a bin's representative value between its bounds.
    let valueScale: Double

    var positive: DDSketchStore
    var negative: DDSketchStore
    /// Values counted in the zero bin.
    public internal(set) var zeroCount: UInt64 = 0
    /// Sum of the added values (exact floating-point sum, not an estimate).
    public internal(set) var sum: Double = 0
    var minimum = Double.infinity
    var maximum = -Double.infinity

    /// Creates an empty sketch; 1% relative accuracy and 2048 bins per sign by default.
    public init(relativeAccuracy: Double = 0.01, maxBucketCount: Int = 2048) {
        precondition(relativeAccuracy > 0 && relativeAccuracy < 1, "relative accuracy must be in (0, 1)")
        precondition(maxBucketCount >= 1, "a DDSketch needs at least one bin per sign")
        self.relativeAccuracy = relativeAccuracy
        self.maxBucketCount = maxBucketCount
        let gammaMantissa = 2 * relativeAccuracy / (1 - relativeAccuracy)
        gamma = 1 + gammaMantissa
        multiplier = (1 / log1p(gammaMantissa)) * log(2.0)
        minIndexable = Double.leastNormalMagnitude * gamma
        maxIndexable = Double.greatestFiniteMagnitude / gamma
        valueScale = 2.0 / (1 + gamma)
        positive = DDSketchStore(binLimit: maxBucketCount)
        negative = DDSketchStore(binLimit: maxBucketCount)
    }

    /// Number of values added.
    public var count: UInt64 { positive.count + negative.count + zeroCount }

    /// Whether no value has been added.
    public var isEmpty: Bool { count == 0 }

    /// Smallest value added (exact), nil when empty.
    public var min: Double? { isEmpty ? nil : minimum }

    /// Largest value added (exact), nil when empty.
    public var max: Double? { isEmpty ? nil : maximum }

    /// Whether bins were folded for positive or negative values, so the lowest quantiles of
    /// that sign may exceed the relative-error bound.
    public var isCollapsed: Bool { positive.isCollapsed || negative.isCollapsed }

    /// Occupied bins of positive values as (key, count), lowest key first; key `k` covers
    /// magnitudes in `(gamma^(k-1), gamma^k]`.
    public var positiveBins: [(key: Int, count: UInt64)] { Self.occupied(positive) }

    /// Occupied bins of negative values by magnitude, as ``positiveBins``.
    public var negativeBins: [(key: Int, count: UInt64)] { Self.occupied(negative) }

    private static func occupied(_ store: DDSketchStore) -> [(key: Int, count: UInt64)] {
        store.liveCounts.enumerated().compactMap { offset, count in
            count == 0 ? nil : (key: store.minKey + offset, count: count)
        }
    }

    /// Adds one value; NaN is ignored, infinities are binned as the largest finite magnitude.
    public mutating func add(_ value: Double) {
        guard !value.isNaN else { return }
        if value > minIndexable {
            positive.add(key: key(for: value), count: 1)
        } else if value < -minIndexable {
            negative.add(key: key(for: -value), count: 1)
        } else {
            zeroCount += 1
        }
        sum += value
        if value < minimum {
            minimum = value
        }
        if value > maximum {
            maximum = value
        }
    }

    /// The approximate value at quantile `q` in `0...1` (nil when empty or `q` is outside).
    ///
    /// The rank is `q · (count − 1)` rounded down, the "lower" definition (numpy
    /// `method="lower"`); the result is within `relativeAccuracy` of that order statistic
    /// unless the sketch is collapsed. Like the Python package it is not clamped to min/max.
    public func quantile(_ q: Double) -> Double? {
        guard q >= 0, q <= 1, count > 0 else { return nil }
        let rank = q * (Double(count) - 1)
        let negativeCount = Double(negative.count)
        if rank < negativeCount {
            let reversedRank = negativeCount - rank - 1
            return -value(forKey: negative.key(atRank: reversedRank, lower: false))
        } else if rank < Double(zeroCount) + negativeCount {
            return 0
        } else {
            let positiveRank = rank - Double(zeroCount) - negativeCount
            return value(forKey: positive.key(atRank: positiveRank, lower: true))
        }
    }

    /// Adds every value of `other`, as if they had been added here.
    ///
    /// Both sketches must share relative accuracy and bin limit, otherwise bins do not align.
    public mutating func merge(_ other: DDSketch) throws(StreamStateError) {
        guard other.relativeAccuracy == relativeAccuracy, other.maxBucketCount == maxBucketCount else {
            throw StreamStateError(
                .incompatible,
                "cannot merge a DDSketch with accuracy \(other.relativeAccuracy) and \(other.maxBucketCount) bins into one with \(relativeAccuracy) and \(maxBucketCount)"
            )
        }
        guard !other.isEmpty else { return }
        positive.merge(other.positive)
        negative.merge(other.negative)
        zeroCount += other.zeroCount
        sum += other.sum
        if other.minimum < minimum {
            minimum = other.minimum
        }
        if other.maximum > maximum {
            maximum = other.maximum
        }
    }

    /// The bin key of a positive magnitude: `ceil(log_gamma(x))`.
    func key(for magnitude: Double) -> Int {
        let clamped = Swift.min(magnitude, maxIndexable)
        return Int((log(clamped) / log(2.0) * multiplier).rounded(.up))
    }

    /// The representative magnitude of a bin: `gamma^key · 2 / (1 + gamma)`.
    func value(forKey key: Int) -> Double {
        pow(2.0, Double(key) / multiplier) * valueScale
    }

    public static func == (lhs: DDSketch, rhs: DDSketch) -> Bool {
        lhs.relativeAccuracy == rhs.relativeAccuracy && lhs.maxBucketCount == rhs.maxBucketCount
            && lhs.positive == rhs.positive && lhs.negative == rhs.negative
            && lhs.zeroCount == rhs.zeroCount && lhs.sum.bitPattern == rhs.sum.bitPattern
            && lhs.minimum == rhs.minimum && lhs.maximum == rhs.maximum
    }
}
