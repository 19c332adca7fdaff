#!/usr/bin/env bash
# Drift benchmark: `driftwatch drift` against Evidently's DataDriftPreset on the same two windows of
# RECORDS records each (a generated workload whose second half has a language shift, a reindex with
# lower scores and stale evidence), in the same invocation. Reports wall time, CPU time, peak RSS and
# the load average around each run, Evidently's load and report times separately, and how close the
# global-scope scores are.
#   Benchmarks/drift.sh [RECORDS]        (default 1,000,000 per window)
# Evidently 0.7.x is installed into a throwaway venv (pip install evidently "pandas<3" orjson) unless
# EVIDENTLY_PYTHON points at a Python that already has it.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
work=$(mktemp -d /tmp/driftwatch-drift-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --product driftwatch >/dev/null
bin=.build/release/driftwatch

py=${EVIDENTLY_PYTHON:-}
if [ -z "$py" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q evidently "pandas<3" orjson
    py="$work/venv/bin/python"
fi
"$py" -c "import evidently, orjson; print('evidently', evidently.__version__)"

# 6,000 requests/minute puts 2 x RECORDS records in a few hours; the changes start at the midpoint.
minutes=$(( records * 2 / 6000 ))
mid="$(( minutes / 2 ))m"
"$bin" demo --out "$work/logs" --records $(( records * 2 )) --rate 6000 --preset baseline --seed 7 \
    --inject "language_shift@$mid:language=de,share=0.45" --inject "reindex_lower_scores@$mid" \
    --inject "stale_evidence@$mid:days=180" >/dev/null
cat "$work"/logs/*.jsonl > "$work/all.jsonl"
head -n "$records" "$work/all.jsonl" > "$work/reference.jsonl"
tail -n +"$(( records + 1 ))" "$work/all.jsonl" > "$work/current.jsonl"
rm -rf "$work/logs" "$work/all.jsonl"
echo "windows: $records records each, $(( $(wc -c < "$work/reference.jsonl") / 1048576 )) MiB + $(( $(wc -c < "$work/current.jsonl") / 1048576 )) MiB"

# Global scope only, as Evidently computes; and with the default per-task and per-slice scopes.
cat > "$work/global.yaml" <<YAML
drift:
  task_scopes: false
  slice_scopes: false
YAML
cat "$work/reference.jsonl" "$work/current.jsonl" > /dev/null   # warm the page cache

measure() {  # measure NAME OUT -- command...: wall seconds, peak RSS, CPU seconds and load into $work/NAME.time
    local name=$1 out=$2; shift 3
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %M %U %S" -o "$work/$name.time" "$@" > "$out"
    echo "$load $(cut -d' ' -f1 /proc/loadavg)" >> "$work/$name.time"
}
measure dw_global "$work/dw_global.json" -- "$bin" drift --config "$work/global.yaml" --reference "$work/reference.jsonl" --current "$work/current.jsonl" --format json
measure dw_scoped "$work/dw_scoped.json" -- "$bin" drift --reference "$work/reference.jsonl" --current "$work/current.jsonl" --format json
measure evidently "$work/evidently.json" -- "$py" Benchmarks/drift_evidently.py "$work/reference.jsonl" "$work/current.jsonl"

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def timing(name):
    seconds, kib, user, system, load_before, load_after = open(f"{work}/{name}.time").read().split()
    return float(seconds), int(kib) / 1024, float(user) + float(system), f"{load_before}-{load_after}"
ev = json.load(open(f"{work}/evidently.json"))
dwg = json.load(open(f"{work}/dw_global.json"))
rows = [("driftwatch, global scope", *timing("dw_global"), len(dwg["features"])),
        ("driftwatch, + task/slice scopes", *timing("dw_scoped"), len(json.load(open(f"{work}/dw_scoped.json"))["features"])),
        ("evidently (load + report)", *timing("evidently"), len(ev["columns"]))]
# Nothing is pinned: driftwatch decodes on every core, Evidently (pandas) runs on one. CPU seconds
# (user + system) say how much work each did; the load average (1 min, before-after) how busy
# the machine was, which on a shared machine moves the wall times more than the ratio.
print(f"{'':34}{'seconds':>9}{'CPU s':>9}{'peak RSS MiB':>14}{'rows':>7}  load")
for name, seconds, mib, cpu, load, n in rows:
    print(f"{name:34}{seconds:>9.2f}{cpu:>9.2f}{mib:>14.1f}{n:>7}  {load}")
print(f"evidently: load {ev['load_seconds']:.2f} s (JSON -> pandas), report {ev['report_seconds']:.2f} s")
g = rows[0][1]
print(f"speed-up, global scope: {rows[2][1] / g:.1f}x end to end, {ev['report_seconds'] / g:.1f}x against Evidently's report step alone, "
      f"{rows[2][3] / rows[0][3]:.1f}x in CPU time; with task/slice scopes {rows[2][1] / rows[1][1]:.1f}x end to end")
print()
print(f"{'feature':32}{'driftwatch':>22}{'evidently':>22}  drift dw/ev")
mine = {r["feature"]: r for r in dwg["features"] if r["scope"] == "all"}
for column, e in sorted(ev["columns"].items()):
    d = mine.get(column)
    ev_value = e["value"] if not isinstance(e["value"], dict) else e["value"].get("value")
    method = (e.get("method") or "").lower()
    name = "wasserstein" if "wasserstein" in method else "jensenshannon" if "jensen" in method else "ks" if "k-s" in method or "kolmogorov" in method else "chisquare" if "chi" in method else "z" if "z-test" in method else "psi" if "psi" in method else method
    ours = f"{d['statistic']} {d['value']:.4g}" if d else "-"
    theirs = f"{name} {float(ev_value):.4g}" if ev_value is not None else "-"
    threshold = e.get("threshold")
    ev_drift = "?"
    if ev_value is not None and threshold is not None:
        ev_drift = str(float(ev_value) >= threshold if name in ("wasserstein", "jensenshannon", "psi") else float(ev_value) < threshold)
    print(f"{column:32}{ours:>22}{theirs:>22}  {d['drifted'] if d else '-'}/{ev_drift}")
PY
