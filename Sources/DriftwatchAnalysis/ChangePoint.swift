/// When a rate began to change: a profile-likelihood change point over bucket counts, for a step or a linear ramp,
/// with an interval.
///
/// For every candidate bucket boundary τ two models of the per-bucket rate are fitted by weighted least squares
/// (weights = trials, the binomial variance at the pooled rate): a **step** (`a` before τ, `a + b` after) and a
/// **hinge** (`a` before τ, `a + s·(t − τ)` after: a linear ramp starting at τ). Both have two parameters, so their
/// Gaussian log-likelihoods compare directly. The ramp is taken unless the step fits better by more than 1.92 (a
/// step fitted to a ramp lands half-way up it; a ramp fitted to a step starts at the step); its best τ is the
/// estimate, and the interval is every τ of that model whose log-likelihood is within 1.92 (χ²₁ at 95%, half) of
/// its best. CUSUM's change point (the
/// previous method) dates a ramp late: its cumulative excess only turns once the ramp is well under way.
struct ChangePoint: Sendable, Equatable {
    enum Shape: String, Sendable { case step, ramp }

    var estimate: Int64
    var lower: Int64
    var upper: Int64
    var shape: Shape

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
        guard let bestStep = fits.filter({ $0.shape == .step }).max(by: { $0.logLik < $1.logLik }),
              let bestRamp = fits.filter({ $0.shape == .ramp }).max(by: { $0.logLik < $1.logLik }) else {
            guard let only = fits.max(by: { $0.logLik < $1.logLik }) else { return nil }
            let inside = fits.filter { $0.logLik >= only.logLik - 1.92 }.map { points[$0.k].start }
            return ChangePoint(estimate: points[only.k].start, lower: inside.min()!, upper: inside.max()!, shape: only.shape)
        }
        // A ramp the data do not reject against the step (within 1.92) is preferred: a step fitted to a ramp lands
        // half-way up it, while a ramp fitted to a step starts at the step.
        let best = bestRamp.logLik >= bestStep.logLik - 1.92 ? bestRamp : bestStep
        let inside = fits.filter { $0.shape == best.shape && $0.logLik >= best.logLik - 1.92 }.map { points[$0.k].start }
        return ChangePoint(estimate: points[best.k].start, lower: inside.min() ?? points[best.k].start,
                           upper: inside.max() ?? points[best.k].start, shape: best.shape)
    }
}
