#!/usr/bin/env bash
# SQLite's own cost per record for the old row-per-record layout and the current block layout, on the
# same generated records, pinned to one core (see store_layout.c). Needs a C compiler and libsqlite3-dev.
#   Benchmarks/store_layout.sh [RECORDS]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
work=$(mktemp -d /tmp/driftwatch-layout.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/store_layout" Benchmarks/store_layout.c -lsqlite3
swift build -c release --product driftwatch >/dev/null
.build/release/driftwatch demo --out "$work/logs" --records "$records" --preset mixed --seed 7 >/dev/null
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
for layout in rows blocks; do $pin "$work/store_layout" $layout "$work"/logs/*.jsonl "$work/t.sqlite" "$records"; done
$pin "$work/store_layout" blocks "$work"/logs/*.jsonl "$work/t.sqlite" "$records" --nudge
# Lines packed as the store keeps them (keys as codes: 59% of their bytes on the demo workload).
$pin "$work/store_layout" blocks "$work"/logs/*.jsonl "$work/t.sqlite" "$records" --nudge --lines-fraction 0.59
