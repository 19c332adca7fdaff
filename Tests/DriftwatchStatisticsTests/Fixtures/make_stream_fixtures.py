#!/usr/bin/env python3
"""Reference values for the streaming statistics (ADWIN, Page-Hinkley, DDSketch).

Writes Fixtures/stream_*.json next to this script. The Swift tests replay the same
streams through DriftwatchStatistics and compare against what River and the
`ddsketch` package report here, so the tests never need Python.

    pip install river==0.26.1 ddsketch==3.0.1 numpy
    python3 Tests/DriftwatchStatisticsTests/Fixtures/make_stream_fixtures.py

Streams are produced by seeded numpy generators and rounded to 9 decimals so the
JSON text round-trips to the exact doubles River consumed.
"""
from __future__ import annotations

import json
import random
from importlib.metadata import version
from pathlib import Path

import numpy as np
from ddsketch import LogCollapsingLowestDenseDDSketch
from river import drift

HERE = Path(__file__).resolve().parent
QUANTILES = [0.0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0]


def versions() -> dict:
    return {name: version(name) for name in ("river", "ddsketch", "numpy")}


def write(name: str, payload: dict) -> None:
    payload = {"generator": "make_stream_fixtures.py", "versions": versions(), **payload}
    path = HERE / name
    path.write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {path.name} ({path.stat().st_size // 1024} KiB)")


def as_list(values: np.ndarray) -> list:
    """Round to 9 decimals (or keep 0/1 integers) so JSON text is exact."""
    if np.all(np.isin(values, (0.0, 1.0))):
        return [int(v) for v in values]
    return [float(v) for v in np.round(values, 9)]


def streams() -> dict[str, list]:
    out: dict[str, list] = {}

    rng = np.random.default_rng(20240601)
    out["step_mean"] = as_list(np.concatenate([
        rng.normal(0.0, 1.0, 1500), rng.normal(1.0, 1.0, 1500), rng.normal(-0.5, 1.0, 1500),
    ]))

    rng = np.random.default_rng(20240602)
    n = 4000
    out["gradual"] = as_list(np.linspace(0.0, 3.0, n) + rng.normal(0.0, 0.5, n))

    rng = np.random.default_rng(20240603)
    out["bernoulli_jump"] = as_list(np.concatenate([
        rng.random(3000) < 0.05, rng.random(2000) < 0.25, rng.random(2500) < 0.08,
    ]).astype(float))

    rng = np.random.default_rng(20240604)
    out["noise_only"] = as_list(rng.normal(5.0, 2.0, 5000))

    rng = np.random.default_rng(20240605)
    out["latency_step"] = as_list(np.concatenate([
        rng.lognormal(np.log(200.0), 0.4, 3000), rng.lognormal(np.log(260.0), 0.4, 3000),
    ]))

    # The example from River's own docstrings (ADWIN: 1023, Page-Hinkley: 1006).
    r = random.Random(12345)
    out["river_docstring"] = [float(v) for v in r.choices([0, 1], k=1000) + r.choices(range(4, 8), k=1000)]
    return out


ADWIN_CONFIGS = {
    "default": {},
    "eager": {"delta": 0.01, "clock": 1, "max_buckets": 3, "min_window_length": 10, "grace_period": 30},
}

PH_CONFIGS = {
    "default": {},
    "up": {"min_instances": 20, "delta": 0.01, "threshold": 20.0, "alpha": 0.999, "mode": "up"},
    "down": {"min_instances": 20, "delta": 0.01, "threshold": 20.0, "alpha": 0.999, "mode": "down"},
}

TRACE_EVERY = 10


def adwin_fixture(data: dict[str, list]) -> dict:
    cases = []
    for stream_name, values in data.items():
        for config_name, config in ADWIN_CONFIGS.items():
            if config_name != "default" and stream_name not in ("step_mean", "bernoulli_jump", "latency_step"):
                continue
            detector = drift.ADWIN(**config)
            detections, widths, estimations, variances = [], [], [], []
            for i, x in enumerate(values):
                detector.update(x)
                if detector.drift_detected:
                    detections.append(i)
                widths.append(int(detector.width))
                estimations.append(detector.estimation)
                # River's `variance` is the window's sum of squared deviations.
                variances.append(detector.variance if i % TRACE_EVERY == 0 else None)
            cases.append({
                "stream": stream_name,
                "config": config_name,
                "params": {**{"delta": 0.002, "clock": 32, "max_buckets": 5, "min_window_length": 5,
                              "grace_period": 10}, **config},
                "detections": detections,
                "width": widths,
                "estimation": estimations,
                "variance_every": TRACE_EVERY,
                "variance": [v for v in variances if v is not None],
            })
    return {"cases": cases}


def page_hinkley_fixture(data: dict[str, list]) -> dict:
    cases = []
    for stream_name, values in data.items():
        for config_name, config in PH_CONFIGS.items():
            if config_name != "default" and stream_name not in ("step_mean", "gradual", "bernoulli_jump"):
                continue
            detector = drift.PageHinkley(**config)
            detections, trace = [], []
            for i, x in enumerate(values):
                detector.update(x)
                if detector.drift_detected:
                    detections.append(i)
                if i % TRACE_EVERY == 0:
                    trace.append([
                        detector._x_mean.n, detector._x_mean.get(), detector._sum_increase,
                        detector._sum_decrease, detector._min_increase, detector._max_decrease,
                    ])
            cases.append({
                "stream": stream_name,
                "config": config_name,
                "params": {**{"min_instances": 30, "delta": 0.005, "threshold": 50.0, "alpha": 1 - 0.0001,
                              "mode": "both"}, **config},
                "detections": detections,
                "trace_every": TRACE_EVERY,
                "trace_fields": ["n", "mean", "sum_increase", "sum_decrease", "min_increase", "max_decrease"],
                "trace": trace,
            })
    return {"cases": cases}


def sketch_summary(sketch: LogCollapsingLowestDenseDDSketch) -> dict:
    def bins(store) -> list:
        return [[i + store.offset, int(c)] for i, c in enumerate(store.bins) if c != 0]

    return {
        "count": sketch.count,
        "sum": sketch.sum,
        "min": sketch._min,
        "max": sketch._max,
        "zero_count": sketch._zero_count,
        "quantiles": [float(sketch.get_quantile_value(q)) for q in QUANTILES],
        "positive_bins": bins(sketch._store),
        "negative_bins": bins(sketch._negative_store),
        "positive_collapsed": sketch._store.is_collapsed,
        "negative_collapsed": sketch._negative_store.is_collapsed,
    }


def ddsketch_fixture() -> dict:
    rng = np.random.default_rng(20240610)
    signed = np.concatenate([rng.normal(0.0, 10.0, 5000), np.zeros(500), np.full(20, 1e-320), rng.normal(-3.0, 0.5, 300)])
    rng.shuffle(signed)
    datasets = {
        "latency_ms": (np.round(rng.lognormal(np.log(250.0), 0.6, 20000), 9), 0.01, 2048),
        "latency_ms_coarse": (np.round(rng.lognormal(np.log(250.0), 0.6, 5000), 9), 0.02, 2048),
        "signed_mixed": (np.where(np.abs(signed) < 1e-300, signed, np.round(signed, 9)), 0.01, 2048),
        "wide_range_collapse": (10.0 ** np.round(rng.uniform(-6.0, 6.0, 8000), 9), 0.01, 256),
        "negative_wide_collapse": (-(10.0 ** np.round(rng.uniform(-3.0, 4.0, 3000), 9)), 0.01, 128),
        "ints_small": (rng.integers(1, 40, 3000).astype(float), 0.01, 2048),
    }
    cases = []
    for name, (values, alpha, bin_limit) in datasets.items():
        values = [float(v) for v in values]
        whole = LogCollapsingLowestDenseDDSketch(relative_accuracy=alpha, bin_limit=bin_limit)
        for v in values:
            whole.add(v)
        split = len(values) * 2 // 5
        left = LogCollapsingLowestDenseDDSketch(relative_accuracy=alpha, bin_limit=bin_limit)
        right = LogCollapsingLowestDenseDDSketch(relative_accuracy=alpha, bin_limit=bin_limit)
        for v in values[:split]:
            left.add(v)
        for v in values[split:]:
            right.add(v)
        left.merge(right)
        ordered = np.sort(np.asarray(values))
        exact = [float(np.quantile(ordered, q, method="lower")) for q in QUANTILES]
        cases.append({
            "name": name,
            "relative_accuracy": alpha,
            "bin_limit": bin_limit,
            "values": values,
            "merge_split": split,
            "whole": sketch_summary(whole),
            "merged": sketch_summary(left),
            "exact_lower_quantiles": exact,
        })
    return {"quantiles": QUANTILES, "cases": cases}


def main() -> None:
    data = streams()
    write("stream_inputs.json", {"streams": data})
    write("stream_adwin.json", adwin_fixture(data))
    write("stream_page_hinkley.json", page_hinkley_fixture(data))
    write("stream_ddsketch.json", ddsketch_fixture())


if __name__ == "__main__":
    main()
