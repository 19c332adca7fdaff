#!/usr/bin/env python3
"""Fits the analyzer's confidence calibration on the scenario suite's incidents.

Input: the JSON documents of `analysis-suite --json FILE` (every opened incident's attribution basis, the
basis's own score, and whether the component it names first is the true one), reduced to
`calibration_samples.json` beside this script (committed; without arguments the script refits from it).
Output, beside this script: `confidence_calibration.json` — per basis, the fitted model, the samples' counts
and the fitted confidences on a grid of scores — kept for the next attempt (see docs/analysis.md,
"Session 10": this fit did not beat the paths' own scores out of sample, so it is not used); and on stdout the reliability table and Brier score before (the paths'
own scores) and after, leave-one-seed-out (each seed's incidents scored by the fit on the other seeds),
for docs/analysis.md.

Model, per basis (how the component was chosen):
- `ambiguous`: the score, 1/(1 + alternatives), is kept: the logs cannot rank the candidates, and the suite
  agrees (the first-named candidate is a coin flip);
- a basis whose score varies (`stage_signals`, `traffic_mix`) with at least 20 incidents, both outcomes
  present and a fit that converges: logistic regression (statsmodels Logit) of "component right" on the
  logit of the score (clipped to [0.02, 0.98]);
- otherwise the smoothed rate (right + 1) / (n + 2) (Laplace; a basis never seen gets 1/2).
Incidents that were not related to an injected cause (false alarms) count as wrong: a false alarm's
component is never right.

    python3 fit_confidence.py [suite.json ...]
"""
import json
import math
import os
import sys

import numpy as np
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
VARYING = {"stage_signals", "traffic_mix"}


def logit(x):
    x = min(0.98, max(0.02, x))
    return math.log(x / (1 - x))


def samples(paths):
    out = []
    for path in paths:
        doc = json.load(open(path))
        for result in doc["results"]:
            for s in result["confidences"]:
                if s.get("basis") is None:
                    continue
                out.append({"seed": result["seed"], "basis": s["basis"], "score": s["score"],
                            "right": bool(s.get("component_right")), "case": result["group"] + "/" + result["name"]})
    return out


def fit(rows):
    model = {}
    for basis in sorted({r["basis"] for r in rows} | {"ambiguous", "failure_slice", "tool_failure_rate", "traffic_mix", "stage_signals", "no_stage_signal"}):
        rs = [r for r in rows if r["basis"] == basis]
        n, right = len(rs), sum(r["right"] for r in rs)
        entry = {"n": n, "right": right}
        if basis == "ambiguous":
            entry["kind"] = "score"
        elif basis in VARYING and n >= 20 and 0 < right < n:
            x = sm.add_constant(np.array([logit(r["score"]) for r in rs]))
            y = np.array([1.0 if r["right"] else 0.0 for r in rs])
            try:
                res = sm.Logit(y, x).fit(disp=0)
                a, b = float(res.params[0]), float(res.params[1])
                if res.mle_retvals.get("converged", True) and b > 0 and abs(a) < 20:
                    entry.update(kind="logistic", intercept=a, slope=b)
            except Exception:
                pass
        if "kind" not in entry:
            entry.update(kind="rate", rate=(right + 1) / (n + 2))
        model[basis] = entry
    return model


def predict(model, basis, score):
    e = model.get(basis) or {"kind": "rate", "rate": 0.5}
    if e["kind"] == "score":
        return score
    if e["kind"] == "logistic":
        return 1 / (1 + math.exp(-(e["intercept"] + e["slope"] * logit(score))))
    return e["rate"]


def reliability(pairs):
    edges = [0, 0.2, 0.4, 0.6, 0.8, 1.0000001]
    lines = ["| confidence | incidents | mean confidence | accuracy |", "|---|---|---|---|"]
    for lo, hi in zip(edges, edges[1:]):
        inside = [(p, y) for p, y in pairs if lo <= p < hi]
        if not inside:
            lines.append(f"| {lo:.1f}–{min(hi, 1):.1f} | 0 | – | – |")
            continue
        mean = sum(p for p, _ in inside) / len(inside)
        acc = sum(y for _, y in inside) / len(inside)
        lines.append(f"| {lo:.1f}–{min(hi, 1):.1f} | {len(inside)} | {mean:.2f} | {acc:.2f} |")
    brier = sum((p - y) ** 2 for p, y in pairs) / max(1, len(pairs))
    return "\n".join(lines), brier


def main():
    store = os.path.join(HERE, "calibration_samples.json")
    if len(sys.argv) > 1:
        rows = samples(sys.argv[1:])
        with open(store, "w") as f:
            json.dump(rows, f, separators=(",", ":"), sort_keys=True)
            f.write("\n")
    rows = json.load(open(store))
    seeds = sorted({r["seed"] for r in rows})
    # Before: the scores as they were reported (the per-path constants and shares).
    before = [(r["score"], 1 if r["right"] else 0) for r in rows]
    table, brier = reliability(before)
    print(f"Before (the paths' own scores), {len(rows)} incidents:\n\n{table}\n\nBrier {brier:.3f}\n")
    held_out = []
    for seed in seeds:
        model = fit([r for r in rows if r["seed"] != seed])
        held_out += [(predict(model, r["basis"], r["score"]), 1 if r["right"] else 0) for r in rows if r["seed"] == seed]
    table, brier = reliability(held_out)
    print(f"After, leave one seed out (seeds {seeds}), {len(held_out)} incidents:\n\n{table}\n\nBrier {brier:.3f}\n")
    model = fit(rows)
    print("Per basis (fit on every seed):")
    for basis, e in model.items():
        print(f"  {basis}: {e}")
    grid = [0.1, 0.3, 0.5, 0.7, 0.9]
    expected = {b: [predict(model, b, s) for s in grid] for b in model}
    with open(os.path.join(HERE, "confidence_calibration.json"), "w") as f:
        json.dump({"model": model, "grid": grid, "expected": expected, "seeds": seeds, "incidents": len(rows)}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
