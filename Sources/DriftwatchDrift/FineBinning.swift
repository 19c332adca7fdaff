#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The fixed, fine logarithmic bins every numeric feature is counted in.
///
/// Bins are DDSketch-style: a bin's upper bound is γ times its lower bound, γ = (1 + α)/(1 − α), so
/// any value is within a relative α of its bin's representative. Because the bins never move, the
/// counts of any time bucket can be added to any other, and a window's histogram is the sum of its
/// buckets'. The reference-quantile bins PSI uses are unions of these bins (cut at fine-bin
/// boundaries), so re-binning is exact with respect to the fine counts.
///
/// Keys are ordered like the values: 0 holds |x| < 10⁻⁶, keys 1…K positive values from 10⁻⁶ up to
/// 10¹² (larger values are clamped into the last bin), negative keys mirror them.
public struct FineBinning: Sendable, Hashable, Codable {
    /// Relative accuracy α of a bin's representative value.
    public let relativeAccuracy: Double
    let gamma: Double
    let logGamma: Double
    /// Number of keys on each side of zero.
    let keysPerSign: Int32

    static let minMagnitude = 1e-6
    static let maxMagnitude = 1e12

    /// - Parameter relativeAccuracy: α in (0, 0.5); 0.25% by default, about 920 bins per decade.
    public init(relativeAccuracy: Double = 0.0025) {
        precondition(relativeAccuracy > 0 && relativeAccuracy < 0.5, "relative accuracy must be in (0, 0.5)")
        self.relativeAccuracy = relativeAccuracy
        gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
        logGamma = log(gamma)
        keysPerSign = Int32((log(Self.maxMagnitude / Self.minMagnitude) / logGamma).rounded(.up)) + 1
    }

    enum CodingKeys: String, CodingKey { case relativeAccuracy }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(relativeAccuracy: try container.decode(Double.self, forKey: .relativeAccuracy))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(relativeAccuracy, forKey: .relativeAccuracy)
    }

    /// The key of the bin holding `x`; NaN must be filtered out by the caller.
    @inline(__always)
    public func key(_ x: Double) -> Int32 {
        let magnitude = Swift.abs(x)
        guard magnitude >= Self.minMagnitude else { return 0 }
        let clamped = Swift.min(magnitude, Self.maxMagnitude)
        let exact = log(clamped / Self.minMagnitude) / logGamma
        // `exact` is in [0, keysPerSign]: truncation is the floor, so this is `rounded(.up)`
        // without the libm call the baseline x86-64 target makes for it.
        let floor = Int32(exact)
        let raw = Double(floor) < exact ? floor + 1 : floor
        let k = Swift.min(raw, keysPerSign - 1) + 1
        return x > 0 ? k : -k
    }

    /// Upper bound of a positive bin's magnitude: bin k holds (10⁻⁶·γ^(k−2), 10⁻⁶·γ^(k−1)].
    func upperMagnitude(_ k: Int32) -> Double { Self.minMagnitude * exp(Double(k - 1) * logGamma) }

    /// The value that stands for every value in the bin (within α of each).
    public func value(_ key: Int32) -> Double {
        if key == 0 { return 0 }
        let magnitude = 2 * upperMagnitude(Swift.abs(key)) / (1 + gamma)
        return key > 0 ? magnitude : -magnitude
    }

    /// The largest value the bin can hold (its right edge), used to place PSI cut points between bins.
    public func upperEdge(_ key: Int32) -> Double {
        if key == 0 { return Self.minMagnitude }
        if key > 0 { return upperMagnitude(key) }
        // Negative bins hold [−upper, −lower): the right edge is the smaller magnitude.
        return -upperMagnitude(-key) / gamma
    }
}
