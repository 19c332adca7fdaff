"""Reference values for the analyzer's statistics, from scipy and statsmodels.

Run from this directory: `python3 make_analysis_fixtures.py` (scipy, statsmodels, numpy). It writes
analysis_reference.json, which the Swift tests read; they never need Python.

- one_sided: the p-value that the current success rate is below the reference's, as the analyzer computes it:
  Fisher's exact test (alternative="less") when a cell's expected count is below 10, else the pooled
  two-proportion z-test (alternative="smaller"); plus the 95% Wilson interval of the current rate.
- decomposition: the mix/rate decomposition of a change in success rate over one slice key.
"""
import json

import numpy as np
from scipy.stats import fisher_exact
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

CASES = [
    # current successes, current trials, reference successes, reference trials
    (3, 12, 180, 200),
    (40, 60, 900, 1000),
    (8, 10, 95, 100),
    (850, 1000, 9200, 10000),
    (2700, 3000, 27200, 30000),
    (90, 100, 880, 1000),
    (0, 5, 190, 200),
    (120, 140, 45, 50),
]


def one_sided(a, n1, c, n2):
    b, d = n1 - a, n2 - c
    n = n1 + n2
    rows, cols = (n1, n2), (a + c, b + d)
    min_expected = min(r * k / n for r in rows for k in cols)
    if min_expected < 10:
        p = fisher_exact([[a, b], [c, d]], alternative="less").pvalue
        method = "fisher"
    else:
        p = proportions_ztest([a, c], [n1, n2], alternative="smaller")[1]
        method = "z"
    lo, hi = proportion_confint(a, n1, alpha=0.05, method="wilson")
    return {"current_successes": a, "current_trials": n1, "reference_successes": c, "reference_trials": n2,
            "method": method, "p_value": float(p), "wilson_lower": float(lo), "wilson_upper": float(hi)}


def decomposition(baseline, current):
    """baseline/current: {value: (successes, trials)}"""
    values = sorted(set(baseline) | set(current))
    n0 = sum(t for _, t in baseline.values())
    n1 = sum(t for _, t in current.values())
    mix = rate = 0.0
    for v in values:
        s0, t0 = baseline.get(v, (0, 0))
        s1, t1 = current.get(v, (0, 0))
        w0, w1 = t0 / n0, t1 / n1
        p1 = s1 / t1 if t1 else (s0 / t0 if t0 else 0.0)
        p0 = s0 / t0 if t0 else p1
        mix += (w1 - w0) * p0
        rate += w1 * (p1 - p0)
    total0 = sum(s for s, _ in baseline.values()) / n0
    total1 = sum(s for s, _ in current.values()) / n1
    return {"baseline": {k: list(v) for k, v in baseline.items()}, "current": {k: list(v) for k, v in current.items()},
            "mix": mix, "rate": rate, "delta": total1 - total0}


DECOMPOSITIONS = [
    # traffic moves toward a weaker slice, per-slice rates held
    ({"en": (8_500, 9_000), "de": (1_350, 1_600)}, {"en": (4_720, 5_000), "de": (4_200, 5_000)}),
    # a slice's rate drops, mix held
    ({"en": (8_500, 9_000), "de": (1_350, 1_600)}, {"en": (8_490, 9_000), "de": (1_100, 1_600)}),
    # a new value appears
    ({"en": (900, 1_000)}, {"en": (880, 1_000), "fr": (70, 100)}),
]

if __name__ == "__main__":
    out = {"one_sided": [one_sided(*c) for c in CASES],
           "decompositions": [decomposition(b, c) for b, c in DECOMPOSITIONS]}
    with open("analysis_reference.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
