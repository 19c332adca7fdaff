#!/usr/bin/env python3
"""Reference values for PooledContingencyChiSquare (tests_contingency.json beside this script).

Inputs: seeded numpy draws of a categorical feature in a reference and a current window — common and
rare values, values present in one window only, small and large windows, equal and shifted mixes.
Expected values: the pooling rule written out with numpy, then scipy.stats.chi2_contingency
(correction=False) on the pooled 2 x k table for the statistic and degrees of freedom, and
scipy.stats.chi2.sf(statistic / dispersion, df) for the p-value. The Swift tests read the JSON only.

    python3 make_contingency_fixtures.py
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261208)
HERE = os.path.dirname(os.path.abspath(__file__))


def pool(ref, cur):
    ref, cur = np.asarray(ref), np.asarray(cur)
    n_ref, n_cur = ref.sum(), cur.sum()
    total = n_ref + n_cur
    smaller = min(n_ref, n_cur)
    columns, rare = [], [0, 0]
    for a, b in zip(ref, cur):
        if a + b == 0:
            continue
        if smaller * (a + b) / total < 5:
            rare[0] += a
            rare[1] += b
        else:
            columns.append([a, b])
    if rare[0] + rare[1] > 0:
        if smaller * (rare[0] + rare[1]) / total < 5 and columns:
            target = min(range(len(columns)), key=lambda i: (columns[i][0] + columns[i][1], i))
            columns[target][0] += rare[0]
            columns[target][1] += rare[1]
        else:
            columns.append(rare)
    return columns


def case(ref, cur, dispersion):
    columns = pool(ref, cur)
    out = {"reference": [int(x) for x in ref], "current": [int(x) for x in cur], "dispersion": dispersion,
           "columns": len(columns)}
    if len(columns) < 2:
        out.update(statistic=0.0, df=0, p=1.0)
        return out
    table = np.array(columns, dtype=float).T  # 2 x k
    statistic, _, df, _ = stats.chi2_contingency(table, correction=False)
    out.update(statistic=float(statistic), df=int(df), p=float(stats.chi2.sf(statistic / max(dispersion, 1.0), df)))
    return out


cases = []
for _ in range(60):
    k = int(rng.integers(2, 12))
    weights = rng.dirichlet(np.full(k, 0.6))
    n_ref = int(rng.choice([40, 300, 4000, 20000]))
    n_cur = int(rng.choice([30, 120, 600, 5000]))
    ref = rng.multinomial(n_ref, weights)
    shifted = weights.copy()
    if rng.random() < 0.5:
        i = int(rng.integers(0, k))
        shifted[i] *= rng.uniform(1.2, 3.0)
        shifted /= shifted.sum()
    cur = rng.multinomial(n_cur, shifted)
    if rng.random() < 0.3:  # a value only the current window has (a tool called once)
        ref = np.append(ref, 0)
        cur = np.append(cur, int(rng.integers(1, 4)))
    if rng.random() < 0.2:  # a value only the reference has
        ref = np.append(ref, int(rng.integers(1, 30)))
        cur = np.append(cur, 0)
    dispersion = float(rng.choice([1.0, 1.0, 1.7, 3.2]))
    cases.append(case(ref, cur, dispersion))
# The quiet run's false drift (seed 4, 20/min, customer_tier=enterprise at hour 66): a tool set called once in
# the current hour, never in the reference.
cases.append(case([1378, 1098, 1007, 838, 0], [59, 30, 46, 60, 1], 1.0))
cases.append(case([10, 0], [0, 10], 1.0))  # everything pools into one column: no test
cases.append(case([500, 3], [40, 0], 1.0))

with open(os.path.join(HERE, "tests_contingency.json"), "w") as f:
    json.dump({"cases": cases, "versions": {"numpy": np.__version__, "scipy": scipy.__version__}}, f, separators=(",", ":"))
    f.write("\n")
print(len(cases), "cases")
