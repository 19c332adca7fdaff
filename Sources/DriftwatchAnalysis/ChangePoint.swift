#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When a rate began to change: a profile-likelihood change point over bucket counts, for a step or a linear ramp,
/// with an interval.
///
/// For every candidate bucket boundary τ two models of the per-bucket rate are fitted by weighted least squares
/// (weights = trials, the binomial variance at the pooled rate): a **step** (`a` before τ, `a + b` after) and a
/// **hinge** (`a` before τ, `a + s·(t − τ)` after: a linear ramp starting at τ). Both have two parameters, so their
/// Gaussian log-likelihoods compare directly. The ramp is taken unless the step fits better by more than 1.92 (a
/// step fitted to a ramp lands half-way up it; a ramp fitted to a step starts at the step); its best τ is the
/// estimate, and the interval is every τ of that model whose log-likelihood is within 1.92 (χ²₁ at 95%, half) of
/// its best. Log-likelihoods are divided by the overdispersion (Pearson χ² of the best fit per degree of freedom,
/// at least 1), as a quasi-binomial model would. CUSUM's change point (the
/// previous method) dates a ramp late: its cumulative excess only turns once the ramp is well under way.
struct ChangePoint: Sendable, Equatable {
    enum Shape: String, Sendable { case step, ramp }

    var estimate: Int64
    var lower: Int64
    var upper: Int64
    var shape: Shape
    /// The profile: for every candidate change bucket, the better log-likelihood of its step and ramp fits, and the
    /// best of all (what a deploy marker is tested against: see ``supports(changeAt:bucketMicros:)``).
    var profile: [Int64: Double] = [:]
    var bestLogLikelihood = 0.0

    /// Whether a change starting at `t` (a deploy marker) is at least as probable as the best change point once the
    /// marker is given its due: a prior that puts half its mass on the marker and spreads the other half over the m
    /// candidate buckets makes the marker's prior odds against any one bucket m, so the marker is taken unless the
    /// best bucket's likelihood beats it by more than that (log-likelihood within ln m, at least 3.32 — the 99%
    /// likelihood-ratio bound). The marker is a fact about the system, the change point an estimate from noisy
    /// counts (one unlucky bucket can carry a step): the marker wins unless the data clearly date the change
    /// elsewhere. The bucket holding `t` or the next, whichever fits better, stands for it.
    func supports(changeAt t: Int64, bucketMicros: Int64) -> Bool {
        // The candidate bucket holding `t` (buckets need not be epoch-aligned), or the first one starting within a
        // bucket after it when `t`'s own bucket is no candidate (the series' first, or one without trials).
        let fit: Double
        if let holding = profile.keys.filter({ $0 <= t && t < $0 + bucketMicros }).max() {
            fit = max(profile[holding] ?? -.infinity, profile[holding + bucketMicros] ?? -.infinity)
        } else if let next = profile.keys.filter({ $0 > t && $0 <= t + bucketMicros }).min() {
            fit = profile[next] ?? -.infinity
        } else {
            return false
        }
        return fit >= bestLogLikelihood - max(3.32, log(Double(max(profile.count, 1))))
    }

    struct Point {
        var start: Int64
        /// Events (failures, or requests in the slice) and trials in the bucket.
        var x: Double
        var n: Double
    }

    /// nil with fewer than four buckets holding trials or when no model has the rate rising.
    static func estimate(_ series: [Point], bucketMicros: Int64) -> ChangePoint? {
        let points = series.filter { $0.n > 0 }
        guard points.count >= 4 else { return nil }
        let totalX = points.reduce(0) { $0 + $1.x }, totalN = points.reduce(0) { $0 + $1.n }
        let pooled = min(max(totalX / totalN, 1e-4), 1 - 1e-4)
        let variance = pooled * (1 - pooled)
        var fits: [(shape: Shape, k: Int, logLik: Double)] = []
        for k in 1..<points.count {
            let tau = points[k].start
            for shape in [Shape.step, .ramp] {
                var sw = 0.0, swz = 0.0, swzz = 0.0, swy = 0.0, swzy = 0.0, swyy = 0.0
                for p in points {
                    let y = p.x / p.n, w = p.n
                    let z: Double
                    switch shape {
                    case .step: z = p.start >= tau ? 1 : 0
                    case .ramp: z = p.start >= tau ? Double(p.start - tau) / Double(bucketMicros) + 1 : 0
                    }
                    sw += w; swz += w * z; swzz += w * z * z; swy += w * y; swzy += w * z * y; swyy += w * y * y
                }
                let det = sw * swzz - swz * swz
                guard det > 0 else { continue }
                let b = (sw * swzy - swz * swy) / det
                guard b > 0 else { continue }
                let a = (swy - b * swz) / sw
                let sse = swyy - a * swy - b * swzy
                fits.append((shape, k, -max(sse, 0) / (2 * variance)))
            }
        }
        // Quasi-likelihood: counts noisier than binomial (bursts, a mix of slices inside the scope) would make the
        // profile too sharp and the interval too narrow; the best fit's Pearson χ² per degree of freedom (at least 1)
        // scales the log-likelihoods down.
        if let top = fits.map(\.logLik).max(), points.count > 3 {
            let dispersion = max(1, -2 * top / Double(points.count - 3))
            for i in fits.indices { fits[i].logLik /= dispersion }
        }
        var profile: [Int64: Double] = [:]
        for fit in fits { profile[points[fit.k].start] = max(profile[points[fit.k].start] ?? -.infinity, fit.logLik) }
        let overall = fits.map(\.logLik).max() ?? 0
        guard let bestStep = fits.filter({ $0.shape == .step }).max(by: { $0.logLik < $1.logLik }),
              let bestRamp = fits.filter({ $0.shape == .ramp }).max(by: { $0.logLik < $1.logLik }) else {
            guard let only = fits.max(by: { $0.logLik < $1.logLik }) else { return nil }
            let inside = fits.filter { $0.logLik >= only.logLik - 1.92 }.map { points[$0.k].start }
            return ChangePoint(estimate: points[only.k].start, lower: inside.min()!, upper: inside.max()!, shape: only.shape,
                               profile: profile, bestLogLikelihood: overall)
        }
        // A ramp the data do not reject against the step (within 1.92) is preferred: a step fitted to a ramp lands
        // half-way up it, while a ramp fitted to a step starts at the step.
        let best = bestRamp.logLik >= bestStep.logLik - 1.92 ? bestRamp : bestStep
        let inside = fits.filter { $0.shape == best.shape && $0.logLik >= best.logLik - 1.92 }.map { points[$0.k].start }
        return ChangePoint(estimate: points[best.k].start, lower: inside.min() ?? points[best.k].start,
                           upper: inside.max() ?? points[best.k].start, shape: best.shape, profile: profile,
                           bestLogLikelihood: overall)
    }
}
