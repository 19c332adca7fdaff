#!/usr/bin/env python3
"""Reference values for DriftwatchStatistics' tests.

Writes tests_*.json beside this script. Inputs come from a seeded numpy generator; expected values
come from scipy, statsmodels and Evidently (0.7.23, legacy stattests) on those same inputs. The
Swift tests read the JSON only; Python is needed just to regenerate.

    python3 -m venv --system-site-packages /tmp/evenv
    /tmp/evenv/bin/pip install statsmodels evidently "pandas<3"   # evidently 0.7 breaks on pandas 3
    PYTHONHASHSEED=0 /tmp/evenv/bin/python make_test_fixtures.py   # Evidently iterates a set of categories

Evidently installs in about a minute here, so its own functions produce the "evidently*" values.
If it does not import, the chisquare p-value is computed with scipy exactly as Evidently's
_chi_stat_test does, the other Evidently-only keys are left out (the Swift tests check them only
when present), and the fixture records "evidently": false. Evidently's numeric binning is always
reproduced with numpy (sturgesEdges/binned*) so the bins themselves are checked too.
"""
import json
import math
import os

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

try:
    import pandas as pd
    from evidently.legacy.calculations.stattests.chisquare_stattest import _chi_stat_test
    from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon
    from evidently.legacy.calculations.stattests.ks_stattest import _ks_stat_test
    from evidently.legacy.calculations.stattests.psi import _psi
    from evidently.legacy.calculations.stattests.wasserstein_distance_norm import _wasserstein_distance_norm
    from evidently.legacy.calculations.stattests.z_stattest import _z_stat_test
    from evidently.legacy.core import ColumnType
    HAVE_EVIDENTLY = True
except Exception:  # pragma: no cover - fallback documented above
    HAVE_EVIDENTLY = False

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)


def num(x):
    """JSON has no inf/nan: encode them as strings the Swift side decodes."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def write(name, payload):
    payload["versions"] = {"numpy": np.__version__, "scipy": scipy.__version__, "evidently": HAVE_EVIDENTLY}
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


# ---------------------------------------------------------------- special functions
def special_fixtures():
    normal = [{"x": x, "cdf": num(stats.norm.cdf(x)), "sf": num(stats.norm.sf(x))}
              for x in [-38.0, -20.0, -8.5, -3.0, -1.0, -1e-3, 0.0, 0.5, 0.7, 1.959963984540054, 5.0, 8.0, 20.0, 37.5]]
    quantile = [{"p": p, "x": num(stats.norm.ppf(p))}
                for p in [1e-300, 1e-20, 1e-10, 0.001, 0.02, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999999]]
    log_gamma = [{"x": x, "value": num(special.gammaln(x))}
                 for x in [0.001, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.7, 10.2, 14.99, 15.01, 100.5, 10000.3, 1000000.7]]
    log_factorial = [{"n": n, "value": num(special.gammaln(n + 1))} for n in [0, 1, 5, 20, 100, 170, 256, 257, 1000, 1000000]]
    gamma = []
    for a in [0.5, 1.0, 2.5, 10.0, 50.0, 500.0, 5000.0]:
        for f in [0.01, 0.5, 0.9, 1.0, 1.1, 2.0, 5.0]:
            x = a * f
            gamma.append({"a": a, "x": x, "p": num(special.gammainc(a, x)), "q": num(special.gammaincc(a, x))})
    chi2 = [{"x": x, "df": df, "sf": num(stats.chi2.sf(x, df))}
            for df in [1, 2, 3, 7, 30, 200]
            for x in [0.0, 0.01, 0.5, 1.0, 3.84, 10.0, 50.0, 400.0, 1500.0]]
    hyper = []
    for (M, n, N) in [(20, 7, 12), (100, 40, 30), (1000, 10, 500), (5000, 2500, 2500)]:
        for k in sorted(set([max(0, N - (M - n)), min(n, N), (n * N) // M, (n * N) // M // 2 + 1])):
            hyper.append({"k": k, "population": M, "successes": n, "draws": N, "pmf": num(stats.hypergeom.pmf(k, M, n, N))})
    write("tests_special.json", {"normal": normal, "quantile": quantile, "logGamma": log_gamma,
                                 "logFactorial": log_factorial, "gamma": gamma, "chi2": chi2, "hypergeometric": hyper})


# ---------------------------------------------------------------- proportions (issue 3)
def proportion_fixtures():
    wilson = []
    for (k, n) in [(0, 1), (1, 1), (0, 10), (1, 10), (5, 10), (10, 10), (3, 1000), (999, 1000), (5000, 10000),
                   (0, 100000), (17, 23)]:
        for alpha in [0.05, 0.01, 0.1]:
            lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
            wilson.append({"successes": k, "trials": n, "alpha": alpha, "lower": num(lo), "upper": num(hi)})
    ztest = []
    pairs = [(5, 83, 12, 99), (50, 100, 51, 100), (5000, 10000, 3000, 10000), (0, 40, 3, 40), (40, 40, 37, 40),
             (1, 2, 0, 3), (300, 1000, 300, 1000), (7, 1000, 30, 1200)]
    for _ in range(8):
        n1, n2 = int(rng.integers(5, 5000)), int(rng.integers(5, 5000))
        pairs.append((int(rng.integers(0, n1 + 1)), n1, int(rng.integers(0, n2 + 1)), n2))
    for (s1, n1, s2, n2) in pairs:
        for alt, name in [("two-sided", "two-sided"), ("smaller", "less"), ("larger", "greater")]:
            z, p = proportions_ztest([s1, s2], [n1, n2], alternative=alt)
            ztest.append({"s1": s1, "n1": n1, "s2": s2, "n2": n2, "alternative": name, "z": num(z), "p": num(p)})
    fisher = []
    tables = [[[8, 2], [1, 5]], [[0, 5], [5, 0]], [[3, 0], [0, 3]], [[1, 9], [11, 3]], [[0, 0], [3, 4]],
              [[0, 10], [0, 12]], [[10, 10], [10, 10]], [[100, 900], [150, 850]], [[2, 998], [20, 980]],
              [[500, 500], [380, 620]], [[0, 1000], [30, 970]], [[7, 3], [3, 7]]]
    for _ in range(10):
        tables.append(rng.integers(0, 60, size=(2, 2)).tolist())
    for t in tables:
        for alt in ["two-sided", "less", "greater"]:
            res = stats.fisher_exact(t, alternative=alt)
            fisher.append({"table": t, "alternative": alt, "oddsRatio": num(res.statistic), "p": num(res.pvalue)})
    bh = []
    vectors = [[0.01], [0.04, 0.001, 0.03, 0.5, 0.02], [0.05] * 6, [0.2, 0.2, 0.01, 0.01, 0.9, 0.049, 1.0]]
    for size in [10, 50, 200]:
        v = rng.uniform(0, 1, size)
        v[: size // 5] = rng.uniform(0, 0.01, size // 5)
        vectors.append(np.round(v, 4).tolist())  # rounding gives ties
    for v in vectors:
        for alpha in [0.05, 0.1]:
            reject, adjusted, _, _ = multipletests(v, alpha=alpha, method="fdr_bh")
            bh.append({"p": v, "alpha": alpha, "adjusted": [num(x) for x in adjusted], "rejected": [bool(r) for r in reject]})
    write("tests_proportions.json", {"wilson": wilson, "ztest": ztest, "fisher": fisher, "bh": bh})


# ---------------------------------------------------------------- Kolmogorov–Smirnov
def ks_fixtures():
    samples = []

    def add(name, a, b):
        res = stats.ks_2samp(a, b, method="auto")
        entry = {"name": name, "a": a.tolist(), "b": b.tolist(), "statistic": num(res.statistic), "p": num(res.pvalue),
                 "exact": bool(max(len(a), len(b)) <= 10000)}
        if HAVE_EVIDENTLY:
            entry["evidentlyP"] = num(_ks_stat_test(pd.Series(a), pd.Series(b), ColumnType.Numerical, 0.05)[0])
        samples.append(entry)

    r3 = lambda x: np.round(x, 3)
    add("tiny", r3(rng.normal(size=3)), r3(rng.normal(size=5)))
    add("one each", np.array([0.5]), np.array([1.5]))
    add("equal sizes", r3(rng.normal(size=20)), r3(rng.normal(0.3, 1, size=20)))
    add("equal sizes far apart", r3(rng.normal(size=30)), r3(rng.normal(5, 1, size=30)))
    add("ties", rng.integers(0, 6, size=50).astype(float), rng.integers(0, 7, size=80).astype(float))
    add("identical", np.arange(10.0), np.arange(10.0))
    add("unequal medium", r3(rng.normal(size=300)), r3(rng.normal(0.1, 1.1, size=450)))
    add("multiple sizes", r3(rng.exponential(size=120)), r3(rng.exponential(size=360)))
    add("exact large", rng.integers(0, 2000, size=2000).astype(float), rng.integers(0, 2100, size=3000).astype(float))
    add("exact max equal", rng.integers(0, 5000, size=10000).astype(float), rng.integers(0, 5000, size=10000).astype(float))
    add("asymptotic", rng.integers(0, 3000, size=20000).astype(float), rng.integers(0, 3000, size=15000).astype(float))
    add("asymptotic shifted", rng.integers(0, 3000, size=12000).astype(float), rng.integers(60, 3060, size=11000).astype(float))
    add("asymptotic small current", rng.integers(0, 1000, size=12000).astype(float), rng.integers(0, 1000, size=40).astype(float))
    add("asymptotic small current shifted", rng.integers(0, 1000, size=15000).astype(float), rng.integers(300, 1000, size=25).astype(float))
    add("asymptotic p near 0", rng.integers(0, 1000, size=11000).astype(float), rng.integers(200, 1200, size=11000).astype(float))

    histograms = []
    for (k, n1, n2, shift) in [(5, 40, 60, 0), (12, 500, 300, 1), (30, 3000, 8000, 0), (20, 20000, 5000, 2), (8, 10, 12, 0)]:
        p = rng.dirichlet(np.ones(k))
        q = np.roll(p, shift)
        c1 = rng.multinomial(n1, p)
        c2 = rng.multinomial(n2, q)
        c1[k // 2] = 0  # an empty bin in the reference
        c2[k // 2] = 0  # and in both
        a = np.repeat(np.arange(k, dtype=float), c1)
        b = np.repeat(np.arange(k, dtype=float), c2)
        res = stats.ks_2samp(a, b, method="auto")
        histograms.append({"counts1": c1.tolist(), "counts2": c2.tolist(), "statistic": num(res.statistic), "p": num(res.pvalue)})

    kstwo = []
    for n in [1, 2, 5, 20, 50, 140, 141, 500, 1000, 5000, 100000, 200000, 2000000]:
        for d in [0.001, 0.004, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.49, 0.5, 0.7, 0.95, 0.999]:
            kstwo.append({"n": n, "d": d, "sf": num(stats.kstwo.sf(d, n))})
    write("tests_ks.json", {"samples": samples, "histograms": histograms, "kstwo": kstwo})


# ---------------------------------------------------------------- drift statistics (issue 4)
def evidently_chisquare(ref_counts, cur_counts):
    if HAVE_EVIDENTLY:
        ref = pd.Series(np.repeat(np.arange(len(ref_counts)), ref_counts))
        cur = pd.Series(np.repeat(np.arange(len(cur_counts)), cur_counts))
        return _chi_stat_test(ref, cur, ColumnType.Categorical, 0.05)[0]
    keys = [i for i in range(len(ref_counts)) if ref_counts[i] or cur_counts[i]]
    k_norm = sum(cur_counts) / sum(ref_counts)
    return stats.chisquare([cur_counts[k] for k in keys], [ref_counts[k] * k_norm for k in keys])[1]


def drift_fixtures():
    categorical = []
    cases = [([50, 30, 20], [45, 35, 20]), ([500, 300, 200], [200, 300, 500]), ([10, 0, 5, 5], [4, 3, 6, 7]),
             ([100, 50, 25, 0], [100, 50, 25, 0]), ([60, 40], [55, 45]), ([1000, 1], [990, 11]),
             ([30, 20, 10], [0, 35, 25]), ([5], [7]), ([2000, 1000, 700, 300, 0, 0], [1500, 1200, 700, 300, 250, 50])]
    for _ in range(6):
        k = int(rng.integers(2, 12))
        p = rng.dirichlet(np.ones(k))
        q = rng.dirichlet(np.ones(k)) if rng.uniform() < 0.5 else p
        cases.append((rng.multinomial(int(rng.integers(20, 20000)), p).tolist(),
                      rng.multinomial(int(rng.integers(20, 20000)), q).tolist()))
    for ref, cur in cases:
        ref_p = np.array(ref) / sum(ref)
        cur_p = np.array(cur) / sum(cur)
        keys = [i for i in range(len(ref)) if ref[i] or cur[i]]
        with np.errstate(divide="ignore"):
            chi_stat = stats.chisquare([cur[i] for i in keys], [ref[i] * (sum(cur) / sum(ref)) for i in keys])[0]
        entry = {"reference": ref, "current": cur,
                 "chiSquareP": num(evidently_chisquare(ref, cur)), "chiSquareStatistic": num(chi_stat),
                 "jensenShannon": num(distance.jensenshannon(ref_p, cur_p)),
                 "jensenShannonBase2": num(distance.jensenshannon(ref_p, cur_p, 2.0))}
        if len(ref) == 2 and HAVE_EVIDENTLY:
            entry["zP"] = num(_z_stat_test(pd.Series(np.repeat([0, 1], ref)), pd.Series(np.repeat([0, 1], cur)),
                                           ColumnType.Categorical, 0.05)[0])
        if HAVE_EVIDENTLY:
            rs = pd.Series(np.repeat(np.arange(len(ref)), ref).astype(str))
            cs = pd.Series(np.repeat(np.arange(len(cur)), cur).astype(str))
            entry["evidentlyJensenShannon"] = num(_jensenshannon(rs, cs, ColumnType.Categorical, 0.1)[0])
            entry["evidentlyPSI"] = num(_psi(rs, cs, ColumnType.Categorical, 0.1)[0])
        categorical.append(entry)

    numeric = []
    r4 = lambda x: np.round(x, 4)
    numeric_cases = [
        ("normal small", r4(rng.normal(size=200)), r4(rng.normal(0.2, 1, size=150))),
        ("normal large", r4(rng.normal(size=3000)), r4(rng.normal(0.05, 1.05, size=2500))),
        ("same distribution", r4(rng.gamma(2.0, size=1500)), r4(rng.gamma(2.0, size=1500))),
        ("shifted scores", r4(rng.beta(5, 2, size=2000)), r4(rng.beta(3, 2, size=1800))),
        ("few distinct", rng.integers(0, 8, size=1200).astype(float), rng.integers(0, 10, size=900).astype(float)),
        ("heavy tail", r4(rng.lognormal(0, 1.5, size=800)), r4(rng.lognormal(0.3, 1.5, size=700))),
        ("constant reference", np.full(50, 3.0), r4(rng.normal(3, 0.5, size=60))),
        ("power of two total", r4(rng.normal(size=300)), r4(rng.normal(size=212))),
    ]
    for name, ref, cur in numeric_cases:
        entry = {"name": name, "reference": ref.tolist(), "current": cur.tolist(),
                 "wasserstein": num(stats.wasserstein_distance(ref, cur)),
                 "wassersteinNorm": num(stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001))}
        # Evidently's binning, reproduced (and cross-checked against Evidently below).
        if pd.Series(ref).nunique() > 20:
            edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
            rc = np.histogram(ref, edges)[0]
            cc = np.histogram(cur, edges)[0]
            entry["sturgesEdges"] = edges.tolist()
        else:
            keys = sorted(set(ref) | set(cur))
            rc = np.array([int((ref == k).sum()) for k in keys])
            cc = np.array([int((cur == k).sum()) for k in keys])
        entry["binnedReference"] = rc.tolist()
        entry["binnedCurrent"] = cc.tolist()
        if HAVE_EVIDENTLY:
            rs, cs = pd.Series(ref), pd.Series(cur)
            entry["evidentlyJensenShannon"] = num(_jensenshannon(rs, cs, ColumnType.Numerical, 0.1)[0])
            entry["evidentlyPSI"] = num(_psi(rs, cs, ColumnType.Numerical, 0.1)[0])
            entry["evidentlyWasserstein"] = num(_wasserstein_distance_norm(rs, cs, ColumnType.Numerical, 0.1)[0])
        # Fixed reference-quantile bins (10) with ε = 1e-4 for empty bins; open-ended outer bins.
        cut = np.unique(np.quantile(ref, np.arange(1, 10) / 10))
        rq = np.bincount(np.searchsorted(cut, ref, side="right"), minlength=len(cut) + 1)
        cq = np.bincount(np.searchsorted(cut, cur, side="right"), minlength=len(cut) + 1)
        rp = np.where(rq == 0, 1e-4, rq / rq.sum())
        cp = np.where(cq == 0, 1e-4, cq / cq.sum())
        entry["quantileCuts"] = cut.tolist()
        entry["quantileReference"] = rq.tolist()
        entry["quantileCurrent"] = cq.tolist()
        entry["quantilePSI"] = num(np.sum((rp - cp) * np.log(rp / cp)))
        numeric.append(entry)

    weighted = []
    for _ in range(5):
        k = int(rng.integers(2, 25))
        values = np.sort(np.round(rng.uniform(-5, 50, size=k), 3))
        values = np.unique(values)
        w1 = rng.integers(0, 500, size=len(values))
        w2 = rng.integers(0, 500, size=len(values))
        w1[0] += 1
        w2[-1] += 1
        mean = np.average(values, weights=w1)
        sigma = math.sqrt(np.average((values - mean) ** 2, weights=w1))
        wd = stats.wasserstein_distance(values, values, w1, w2)
        weighted.append({"values": values.tolist(), "counts1": w1.tolist(), "counts2": w2.tolist(),
                         "distance": num(wd), "normalized": num(wd / max(sigma, 0.001))})

    defaults = []
    for kind in ["categorical", "numerical"]:
        for n_ref in [10, 1000, 1001, 50000]:
            for k in [1, 2, 3, 5, 6, 40]:
                defaults.append({"kind": kind, "referenceCount": n_ref, "distinct": k})
    if HAVE_EVIDENTLY:
        from evidently.legacy.calculations.stattests.registry import _get_default_stattest
        for d in defaults:
            vals = np.arange(d["distinct"]) if d["kind"] == "numerical" else np.array([f"c{i}" for i in range(d["distinct"])])
            ref = pd.Series(np.resize(vals, d["referenceCount"]))
            t = _get_default_stattest(ref, pd.Series(vals[:1]), ColumnType.Categorical if d["kind"] == "categorical" else ColumnType.Numerical)
            d["test"] = t.name
            d["threshold"] = t.default_threshold

    write("tests_drift.json", {"categorical": categorical, "numeric": numeric, "weighted": weighted, "defaults": defaults})


if __name__ == "__main__":
    special_fixtures()
    proportion_fixtures()
    ks_fixtures()
    drift_fixtures()
    print("evidently:", HAVE_EVIDENTLY)
