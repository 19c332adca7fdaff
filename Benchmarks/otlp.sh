#!/usr/bin/env bash
# OTLP receiver benchmark: wrk on loopback posts OTLP/JSON traces (5 spans each, a new trace id
# per request) to `driftwatch run --otlp-listen`; reports requests/s from wrk and spans/s that
# reached the store. No peer runs here: no OTLP collector is packaged for this machine.
#   Benchmarks/otlp.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-8}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
swift build -c release --product driftwatch >/dev/null 2>&1
bin=$PWD/.build/release/driftwatch
work=$(mktemp -d /tmp/driftwatch-otlp.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/driftwatch.yaml" <<YAML
database: $work/db.sqlite
server:
  listen: 127.0.0.1:$port
  trace_wait: 50ms
retention:
  max_age: off
YAML
"$bin" run --config "$work/driftwatch.yaml" --log-level warning & pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
export OTLP_TEMPLATE=$PWD/Tests/DriftwatchOTLPTests/Fixtures/collector_file.jsonl
wrk -t1 -c"$connections" -d"${seconds}s" -s Benchmarks/otlp_post.lua "http://127.0.0.1:$port/v1/traces" | tee "$work/wrk.txt"
sleep 1
kill -TERM "$pid"; wait "$pid" || true
records=$("$bin" status --db "$work/db.sqlite" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
python3 - "$records" "$seconds" <<'PY'
import sys
records, seconds = int(sys.argv[1]), float(sys.argv[2])
print(f"stored {records:,} records = {records*5:,} spans in {seconds:.0f} s: {records*5/seconds:,.0f} spans/s, {records/seconds:,.0f} traces/s")
PY
