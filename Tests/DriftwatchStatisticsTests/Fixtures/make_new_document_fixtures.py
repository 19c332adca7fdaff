#!/usr/bin/env python3
"""Reference values for NewDocumentTest and StudentT (tests_new_documents.json beside this script).

Inputs: seeded numpy draws of document hits per reference bucket and for the current window, from a
long-tailed pool (quiet cases) and with a share of hits moved to unseen ids (drifted cases). Expected
values: the leave-one-out new-document shares with numpy, the prediction-interval t statistic, and its
p-value from scipy.stats.t.sf. The Swift tests read the JSON only.

    python3 make_new_document_fixtures.py
"""
import json
import os

import numpy as np
from scipy import stats

rng = np.random.default_rng(20261207)


def draw(pool, hits, extra_new=0.0):
    u = rng.random(hits)
    docs = 1 + (pool * u ** 3).astype(int)  # id 0 is the vocabulary's overflow bucket
    counts = np.zeros(pool + 40, dtype=np.int64)
    moved = rng.random(hits) < extra_new
    docs[moved] = pool + 1 + rng.integers(0, 39, moved.sum())
    np.add.at(counts, docs, 1)
    counts[0] = rng.integers(0, 3)
    return counts


def reference(parts, current):
    parts = [p for p in parts if p[1:].sum() > 0]
    k = len(parts)
    width = max([len(current)] + [len(p) for p in parts])
    pad = lambda a: np.pad(a, (0, width - len(a)))
    parts = [pad(p) for p in parts]
    current = pad(current)
    seen = np.array([(p > 0) for p in parts])
    seen[:, 0] = False
    seen_in = seen.sum(axis=0)
    shares, new_hits, hits = [], [], []
    for j, p in enumerate(parts):
        only = seen[j] & (seen_in == 1)
        new_hits.append(p[only].sum())
        hits.append(p.sum())
        shares.append(new_hits[-1] / hits[-1])
    cur_known = seen_in > 0
    cur_known[0] = True
    share = current[~cur_known].sum() / current.sum()
    mean = np.mean(shares)
    var = np.var(shares, ddof=1)
    pooled = (sum(new_hits) + 1) / (sum(hits) + 2)
    binomial = pooled * (1 - pooled) / (sum(hits) / k)
    sd = np.sqrt(max(var, binomial))
    t = (share - mean) / (sd * np.sqrt(1 + 1 / k))
    return dict(share=share, mean=mean, sd=sd, buckets=k, t=t, p=stats.t.sf(t, k - 1))


cases = []
for pool, hits, k, extra in [(600, 3000, 12, 0.0), (600, 150, 12, 0.0), (300, 100, 12, 0.0), (600, 3000, 12, 0.05),
                             (400, 300, 5, 0.02), (200, 60, 3, 0.3), (50, 5000, 6, 0.0), (600, 3000, 12, 0.01)]:
    parts = [draw(pool, hits) for _ in range(k)]
    current = draw(pool, hits, extra_new=extra)
    expected = reference(parts, current)
    cases.append(dict(parts=[p.tolist() for p in parts], current=current.tolist(),
                      **{key: float(v) for key, v in expected.items()}))

student = [dict(t=t, df=df, sf=float(stats.t.sf(t, df)))
           for t in [-3.0, -0.5, 0.0, 0.3, 1.0, 2.5, 4.0, 8.0, 20.0] for df in [1, 2, 4, 11, 23, 100]]

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests_new_documents.json")
with open(path, "w") as f:
    json.dump({"newDocuments": cases, "studentT": student}, f, separators=(",", ":"))
