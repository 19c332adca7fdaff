#!/usr/bin/env bash
# Ingest benchmark: Driftwatch against the Python baseline (orjson + sqlite3 executemany, WAL),
# on the same generated file, in the same invocation, each pinned to one core.
#   Benchmarks/ingest.sh [RECORDS]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
work=$(mktemp -d /tmp/driftwatch-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 -c "import orjson" 2>/dev/null || python3 -m pip install -q orjson
swift build -c release --product driftwatch >/dev/null
bin=.build/release/driftwatch

"$bin" demo --out "$work/logs" --records "$records" --preset mixed --seed 7 >/dev/null
files=("$work"/logs/*.jsonl)
bytes=$(cat "${files[@]}" | wc -c)
echo "input: $records records, $((bytes / 1048576)) MiB in ${#files[@]} file(s)"

pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

# Warm the page cache so both read from memory.
cat "${files[@]}" >/dev/null

dw=$($pin "$bin" ingest "${files[@]}" --db "$work/dw.sqlite" --format json)
py=$($pin python3 Benchmarks/baseline_ingest.py "${files[@]}" "$work/py.sqlite")

python3 - "$dw" "$py" <<'PY'
import json, sys
dw, py = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{'':22}{'records/s':>12}{'MiB/s':>9}{'peak RSS MiB':>14}{'seconds':>9}")
for name, r in (("driftwatch", dw), (f"python ({py.get('parser','')})", py)):
    print(f"{name:22}{r['records_per_s']:>12,.0f}{r['mib_per_s']:>9.1f}{r['peak_rss_bytes']/1048576:>14.1f}{r['seconds']:>9.2f}")
print(f"ratio driftwatch/python: {dw['records_per_s']/py['records_per_s']:.2f}x")
PY
