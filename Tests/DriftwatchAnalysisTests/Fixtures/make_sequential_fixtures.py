"""Reference values for the analyzer's sequential statistics (issue 12), from scipy, statsmodels and numpy.

Run from this directory: `python3 make_sequential_fixtures.py` (scipy, statsmodels, numpy). It writes
sequential_reference.json, which the Swift tests read; they never need Python.

- mixture_sprt: ln of the one-sided mixture SPRT e-value for x failures in n trials against p0, with a uniform
  prior on (p0, 1): ln( ∫_{p0}^1 p^x (1-p)^(n-x) dp / (1-p0) / (p0^x (1-p0)^(n-x)) ). Computed by numerical
  integration (scipy.integrate.quad of the likelihood ratio, rescaled at its maximum) — not by the closed form
  the Swift code uses — and, as a cross-check here, by scipy.special.betainc/betaln.
- betainc: the regularized incomplete beta function I_x(a, b) (scipy.special.betainc).
- wilson_upper: the upper end of the one-sided 97.5% Wilson interval of a failure rate
  (statsmodels proportion_confint(method="wilson", alpha=0.05), upper end).
- change_points: the profile-likelihood change point of a failure series for a step and a linear ramp, fitted by
  weighted least squares with numpy.linalg.lstsq (weights = trials); the ramp unless the step fits better by more
  than 1.92, its best τ, and the 95% interval (every τ of that model within 1.92 of its best Gaussian
  log-likelihood at the pooled variance, divided by the overdispersion: the best fit's Pearson χ² per degree of
  freedom, at least 1); also the profile (best log-likelihood per τ over both shapes) and its maximum, from which
  the Swift side decides whether a deploy marker at τ is supported (within max(3.32, ln m) of the best). One series
  is beta-binomial (overdispersed), so the scaling matters.
"""
import json
import math

import numpy as np
from scipy import integrate, special
from statsmodels.stats.proportion import proportion_confint


def log_e_quad(x, n, p0):
    # The log likelihood ratio at p, rescaled by its maximum over (p0, 1) so the integrand stays finite.
    def llr(p):
        return x * math.log(p / p0) + (n - x) * math.log((1 - p) / (1 - p0))
    phat = min(max(x / n, p0), 1 - 1e-12) if n > 0 else p0
    m = llr(phat) if phat > p0 else 0.0
    points = [phat] if p0 < phat < 1 else None
    val, _ = integrate.quad(lambda p: math.exp(llr(p) - m), p0, 1, points=points, epsabs=0, epsrel=1e-12, limit=400)
    return m + math.log(val) - math.log(1 - p0)


def log_e_closed(x, n, p0):
    a, b = x + 1, n - x + 1
    upper = special.betaincc(a, b, p0)
    return special.betaln(a, b) + math.log(upper) - math.log(1 - p0) - (x * math.log(p0) + (n - x) * math.log1p(-p0))


def change_point(points, bucket):
    xs = np.array([p[1] for p in points], float)
    ns = np.array([p[2] for p in points], float)
    starts = [p[0] for p in points]
    pooled = min(max(xs.sum() / ns.sum(), 1e-4), 1 - 1e-4)
    var = pooled * (1 - pooled)
    y = xs / ns
    w = np.sqrt(ns)
    fits = []
    for k in range(1, len(points)):
        tau = starts[k]
        for shape in ("step", "ramp"):
            if shape == "step":
                z = np.array([1.0 if s >= tau else 0.0 for s in starts])
            else:
                z = np.array([(s - tau) / bucket + 1 if s >= tau else 0.0 for s in starts])
            design = np.column_stack([np.ones_like(z), z])
            coef, *_ = np.linalg.lstsq(design * w[:, None], y * w, rcond=None)
            if coef[1] <= 0:
                continue
            sse = float(np.sum(ns * (y - design @ coef) ** 2))
            fits.append((shape, k, -sse / (2 * var)))
    top = max(f[2] for f in fits)
    dispersion = max(1.0, -2 * top / (len(points) - 3))
    fits = [(f[0], f[1], f[2] / dispersion) for f in fits]
    profile = {}
    for f in fits:
        profile[starts[f[1]]] = max(profile.get(starts[f[1]], -math.inf), f[2])
    best_step = max((f for f in fits if f[0] == "step"), key=lambda f: f[2])
    best_ramp = max((f for f in fits if f[0] == "ramp"), key=lambda f: f[2])
    # The ramp unless the step fits better by more than 1.92 (the analyzer's rule).
    best = best_ramp if best_ramp[2] >= best_step[2] - 1.92 else best_step
    inside = [starts[f[1]] for f in fits if f[0] == best[0] and f[2] >= best[2] - 1.92]
    return {"shape": best[0], "estimate": starts[best[1]], "lower": min(inside), "upper": max(inside),
            "dispersion": dispersion, "best_log_likelihood": max(profile.values()),
            "profile": [[t, v] for t, v in sorted(profile.items())]}


def main():
    rng = np.random.default_rng(12)
    sprt = []
    for x, n, p0 in [(0, 10, 0.05), (3, 10, 0.05), (9, 30, 0.08), (30, 100, 0.08), (27, 270, 0.08), (50, 1000, 0.046),
                     (300, 1000, 0.046), (5, 20, 0.2), (120, 400, 0.1), (2, 400, 0.01), (15, 60, 0.1), (70, 250, 0.15)]:
        q, c = log_e_quad(x, n, p0), log_e_closed(x, n, p0)
        assert abs(q - c) < 1e-7 * max(1, abs(q)), (x, n, p0, q, c)
        sprt.append({"failures": x, "trials": n, "p0": p0, "log_e": q})
    betainc = []
    for x, a, b in [(0.05, 1, 1), (0.05, 4, 8), (0.3, 10, 20), (0.08, 31, 71), (0.5, 100, 100), (0.9, 2.5, 0.5),
                    (0.046, 301, 701), (0.2, 6, 16), (0.99, 50, 3), (0.001, 0.5, 5)]:
        betainc.append({"x": x, "a": a, "b": b, "value": float(special.betainc(a, b, x))})
    wilson = []
    for f, n in [(0, 20), (1, 20), (11, 240), (46, 1000), (300, 1000), (5, 5), (12, 300)]:
        wilson.append({"failures": f, "trials": n, "upper": float(proportion_confint(f, n, alpha=0.05, method="wilson")[1])})
    bucket = 300_000_000
    series = []
    for shape, n_per, p0, p1, change, count in [("step", 40, 0.1, 0.3, 30, 72), ("ramp", 40, 0.1, 0.4, 24, 72),
                                                 ("step", 8, 0.05, 0.25, 50, 96), ("ramp", 200, 0.08, 0.2, 60, 120),
                                                 ("overdispersed", 150, 0.1, 0.2, 40, 96)]:
        points = []
        for i in range(count):
            if shape == "step":
                p = p1 if i >= change else p0
            elif shape == "overdispersed":
                # A step whose per-bucket rate also wanders (beta with concentration 40): beta-binomial counts.
                base = p1 if i >= change else p0
                p = float(rng.beta(base * 40, (1 - base) * 40))
            else:
                p = p0 + (p1 - p0) * min(1.0, max(0.0, (i - change + 1) / 72))
            n = int(rng.poisson(n_per))
            points.append((1_700_000_000_000_000 + i * bucket, int(rng.binomial(n, p)) if n else 0, n))
        points = [p for p in points if p[2] > 0]
        series.append({"points": [list(p) for p in points], "bucket": bucket, **change_point(points, bucket)})
    out = {"mixture_sprt": sprt, "betainc": betainc, "wilson_upper": wilson, "change_points": series}
    with open("sequential_reference.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
