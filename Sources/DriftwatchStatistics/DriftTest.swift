/// The drift statistics Driftwatch reports, with Evidently's names, default thresholds, drift
/// decisions and default choice, so a Driftwatch report reads like an Evidently one.
///
/// Evidently's default choice (`_get_default_stattest`, evidently 0.7.23), with n_ref the reference
/// size and k the number of distinct values in reference and current together:
/// - n_ref ≤ 1000: categorical → `chisquare` if k > 2 else `z`; numeric → `ks` if k > 5, else
///   `chisquare` if k > 2, else `z`;
/// - n_ref > 1000: categorical → `jensenshannon`; numeric → `wasserstein` if k > 5, else
///   `jensenshannon`.
/// P-value tests use threshold 0.05, distances 0.1. Drift is p < 0.05 for `chisquare` and `z`,
/// p ≤ 0.05 for `ks`, and distance ≥ 0.1 for `jensenshannon`, `wasserstein` and `psi`.
public enum DriftTest: String, Sendable, Hashable, CaseIterable {
    case chiSquare = "chisquare"
    case zTest = "z"
    case kolmogorovSmirnov = "ks"
    case jensenShannon = "jensenshannon"
    case wasserstein = "wasserstein"
    case psi = "psi"

    /// Whether a feature is a category or a number.
    public enum FeatureKind: String, Sendable, Hashable {
        case categorical
        case numerical
    }

    /// Whether the score is a p-value (small means drift) rather than a distance (large means drift).
    public var scoreIsPValue: Bool {
        switch self {
        case .chiSquare, .zTest, .kolmogorovSmirnov: true
        case .jensenShannon, .wasserstein, .psi: false
        }
    }

    /// Evidently's default threshold: 0.05 for p-values, 0.1 for distances.
    public var defaultThreshold: Double { scoreIsPValue ? 0.05 : 0.1 }

    /// Evidently's decision for a score against a threshold (defaults to `defaultThreshold`).
    /// A NaN score never signals drift.
    public func isDrift(score: Double, threshold: Double? = nil) -> Bool {
        let t = threshold ?? defaultThreshold
        switch self {
        case .chiSquare, .zTest: return score < t
        case .kolmogorovSmirnov: return score <= t
        case .jensenShannon, .wasserstein, .psi: return score >= t
        }
    }

    /// The test Evidently picks when none is configured.
    public static func evidentlyDefault(kind: FeatureKind, referenceCount: Int, distinctValues: Int) -> DriftTest {
        if referenceCount <= 1000 {
            switch kind {
            case .categorical: return distinctValues > 2 ? .chiSquare : .zTest
            case .numerical:
                if distinctValues > 5 { return .kolmogorovSmirnov }
                return distinctValues > 2 ? .chiSquare : .zTest
            }
        }
        switch kind {
        case .categorical: return .jensenShannon
        case .numerical: return distinctValues > 5 ? .wasserstein : .jensenShannon
        }
    }
}
