#!/usr/bin/env bash
# Analysis benchmark: does analysis keep up with ingest, and how fast does `analyze` answer?
#   Benchmarks/analysis.sh [RECORDS]   (default 1,000,000; the issue's answer-time target is at 10,000,000)
#
# All on one core (taskset -c 0), release build, the demo's mixed preset (five incidents among benign deploys):
# 1. `ingest` alone into a fresh database, timed: ingest records/s;
# 2. `ingest --analyze` into another fresh database, timed: the analyzer folds each commit's records in the
#    same process as `run` does (handed over after the commit: no read-back, no second decode) and commits its
#    state every 20,000 records: ingest-with-analysis records/s, and the % slower than ingest alone
#    (target < 25%); the two runs alternate (A B A B) so machine load hits both alike;
# 3. `analyze` on the first database: a catch-up from the store (decoding stored lines), timed;
# 4. `analyze` again, caught up, and `analyze --no-update`: the answer times (target < 2 s at 10M).
#
# Figures (2 shared cores loaded by other builds; single runs vary up to 1.5x, so compare within a pair):
#   1M records (after the lead's faster ingest): ingest alone 85k records/s (11.7 s), ingest --analyze
#     47-49k records/s (20.4-21.3 s): 43-45% fewer records/s (target < 25%: not met; the analyzer costs
#     ~9 us/record, ~40% of perf samples); catch-up from the store 57k records/s; analyze caught up 0.02 s.
#   10M records (11.4 GiB of logs, 35 days at 200 req/min, 18 GB database): analyze caught up 0.04-0.05 s
#     (0.36-0.39 s before it skipped loading when nothing is new), --no-update 0.04-0.06 s; catch-up of all
#     10M from the store 2m12s CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
work=$(mktemp -d /tmp/driftwatch-analysis-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --product driftwatch >/dev/null
bin=.build/release/driftwatch
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

"$bin" demo --out "$work/logs" --records "$records" --preset mixed --seed 7 >/dev/null
files=("$work"/logs/*.jsonl)
cat "${files[@]}" >/dev/null

now() { python3 -c 'import time; print(time.monotonic())'; }
run_pair() {  # $1: suffix
    rm -f "$work"/alone.sqlite* "$work"/with.sqlite*
    $pin "$bin" ingest "${files[@]}" --db "$work/alone.sqlite" --format json >"$work/alone$1.json"
    $pin "$bin" ingest "${files[@]}" --db "$work/with.sqlite" --format json --analyze >"$work/with$1.json"
}
run_pair 1
run_pair 2
t0=$(now); $pin "$bin" analyze --db "$work/alone.sqlite" --format json >/dev/null; t1=$(now)
$pin "$bin" analyze --db "$work/alone.sqlite" --format json >"$work/answer.json"; t2=$(now)
$pin "$bin" analyze --db "$work/alone.sqlite" --format json --no-update >/dev/null; t3=$(now)

python3 - "$records" "$work" "$t0" "$t1" "$t2" "$t3" <<'PY'
import json, sys
n = int(sys.argv[1]); work = sys.argv[2]
t0, t1, t2, t3 = map(float, sys.argv[3:7])
load = lambda name: json.load(open(f"{work}/{name}.json"))
alone = [load("alone1")["seconds"], load("alone2")["seconds"]]
with_ = [load("with1"), load("with2")]
ws = [w["seconds"] for w in with_]
print(f"records                      {n:,}")
for i in range(2):
    slower = (1 - alone[i] / ws[i]) * 100  # records/s below ingest alone
    print(f"run {i + 1}: ingest alone       {n / alone[i]:>10,.0f} records/s  ({alone[i]:.2f} s)")
    print(f"run {i + 1}: ingest + analysis  {n / ws[i]:>10,.0f} records/s  ({ws[i]:.2f} s)  {slower:.1f}% fewer records/s than ingest alone")
    a = with_[i].get("analysis", {})
    print(f"       handed over {a.get('streamed_rows', 0):,} rows, read back {a.get('store_rows', 0):,}; {a.get('incidents_opened', 0)} incidents opened")
best = (1 - min(alone) / min(ws)) * 100
print(f"best of each: ingest + analysis records/s is {best:.1f}% below ingest alone (target < 25%)")
print(f"analysis catch-up from the store  {n / (t1 - t0):>10,.0f} records/s  ({t1 - t0:.2f} s)")
print(f"analyze (caught up)     {t2 - t1:>8.2f} s")
print(f"analyze --no-update     {t3 - t2:>8.2f} s")
report = load("answer")
print(f"incidents               {len(report['incidents'])}: " + ", ".join(f"{i['component']}/{i['recommendation']['action']}" for i in report["incidents"][:8]))
PY
