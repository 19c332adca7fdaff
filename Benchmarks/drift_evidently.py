#!/usr/bin/env python3
"""Evidently's data drift on the same two JSON Lines files `driftwatch drift --reference/--current` reads.

Extracts the same features Driftwatch monitors (global scope: Evidently has no per-task or
per-slice scopes), builds pandas frames, runs Evidently's DataDriftPreset with its default test
selection, and prints one JSON object: timings (load, report), peak RSS, and each column's
statistic and drift score, for comparison with Driftwatch's `scope == "all"` rows.

Usage: drift_evidently.py REFERENCE.jsonl CURRENT.jsonl > evidently.json
Needs: pip install evidently "pandas<3" orjson   (Evidently 0.7.x)
"""
import json
import resource
import sys
import time

import orjson
import pandas as pd

CATEGORICAL = ["task", "route", "model.name", "model.version", "template.version", "retrieval.index_version",
               "tools.called", "validation.failures", "outcome"]
NUMERICAL = ["retrieval.top_score", "retrieval.mean_score", "retrieval.evidence_count", "retrieval.evidence_age_days",
             "tokens.input", "tokens.output", "latency_ms.total", "latency_ms.retrieval", "latency_ms.tools",
             "latency_ms.generation", "latency_ms.validation", "cost_usd", "retries"]
DAY_MICROS = 86_400_000_000


def micros(text):
    # RFC 3339 with Z or offset; pandas is too slow per value, the demo writes ...Z with milliseconds.
    from datetime import datetime
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1_000_000)


def features(line, slice_keys):
    r = orjson.loads(line)
    row = {}
    row["task"] = r.get("task")
    row["route"] = r.get("route")
    model = r.get("model")
    row["model.name"] = model["name"] if model else None
    row["model.version"] = f'{model["name"]}@{model["version"]}' if model else None
    template = r.get("template")
    row["template.version"] = f'{template["id"]}@{template["version"]}' if template else None
    retrieval = r.get("retrieval")
    row["retrieval.index_version"] = retrieval["index_version"] if retrieval else None
    tools = r.get("tools") or []
    row["tools.called"] = "+".join(sorted({t["name"] for t in tools})) if tools else "(none)"
    validation = r.get("validation") or []
    if validation:
        failed = [f'{v["check"]}: {v["reason"]}' if v.get("reason") else v["check"] for v in validation if not v["passed"]]
        row["validation.failures"] = "(passed)" if not failed else " | ".join(sorted(failed))
    else:
        row["validation.failures"] = None
    row["outcome"] = r.get("outcome")
    for key, value in (r.get("slices") or {}).items():
        slice_keys.add(key)
        row[f"slices.{key}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if retrieval is not None:
        evidence = retrieval.get("evidence") or []
        scores = [e["score"] for e in evidence if e.get("score") is not None]
        row["retrieval.top_score"] = max(scores) if scores else None
        row["retrieval.mean_score"] = sum(scores) / len(scores) if scores else None
        row["retrieval.evidence_count"] = len(evidence)
        ts = micros(r["timestamp"])
        ages = [(ts - micros(e["updated_at"])) / DAY_MICROS for e in evidence if e.get("updated_at")]
        row["retrieval.evidence_age_days"] = sum(ages) / len(ages) if ages else None
    tokens = r.get("tokens")
    if tokens:
        row["tokens.input"] = tokens["input"]
        row["tokens.output"] = tokens["output"]
    latency = r.get("latency_ms")
    if latency:
        for stage in ["total", "retrieval", "tools", "generation", "validation"]:
            row[f"latency_ms.{stage}"] = latency.get(stage)
    row["cost_usd"] = r.get("cost_usd")
    row["retries"] = r.get("retries")
    return row


def load(path, slice_keys):
    with open(path, "rb") as f:
        return pd.DataFrame([features(line, slice_keys) for line in f if line.strip()])


def main():
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    t0 = time.perf_counter()
    slice_keys = set()
    reference = load(sys.argv[1], slice_keys)
    current = load(sys.argv[2], slice_keys)
    categorical = CATEGORICAL + sorted(f"slices.{k}" for k in slice_keys)
    for frame in (reference, current):
        for column in categorical + NUMERICAL:
            if column not in frame:
                frame[column] = None
    t1 = time.perf_counter()
    definition = DataDefinition(numerical_columns=NUMERICAL, categorical_columns=categorical)
    ref_ds = Dataset.from_pandas(reference[categorical + NUMERICAL], data_definition=definition)
    cur_ds = Dataset.from_pandas(current[categorical + NUMERICAL], data_definition=definition)
    snapshot = Report([DataDriftPreset()]).run(current_data=cur_ds, reference_data=ref_ds)
    result = snapshot.dict()
    t2 = time.perf_counter()
    columns = {}
    for metric in result.get("metrics", []):
        config = metric.get("config", {})
        column = config.get("column")
        if column is None or "ValueDrift" not in str(config.get("type", "")):
            continue
        columns[column] = {"metric": metric.get("metric_name"), "value": metric.get("value"),
                           "method": config.get("method"), "threshold": config.get("threshold")}
    print(json.dumps({
        "rows": [len(reference), len(current)],
        "load_seconds": t1 - t0,
        "report_seconds": t2 - t1,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "columns": columns,
    }, indent=1, default=str))


if __name__ == "__main__":
    main()
