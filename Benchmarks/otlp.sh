#!/usr/bin/env bash
# OTLP receiver benchmark: wrk on loopback posts OTLP/JSON traces (5 spans each, a new trace id
# per request) to `driftwatch run --otlp-listen`; reports requests/s from wrk and spans/s that
# reached the store, with the span journal on (the default: every 200 is durable) and off (a 200
# means "held in memory"), in the same invocation, so the journal's cost is a ratio.
# No peer runs here: no OTLP collector is packaged for this machine.
#   Benchmarks/otlp.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-8}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
swift build -c release --product driftwatch >/dev/null 2>&1
bin=$PWD/.build/release/driftwatch
work=$(mktemp -d /tmp/driftwatch-otlp.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export OTLP_TEMPLATE=$PWD/Tests/DriftwatchOTLPTests/Fixtures/collector_file.jsonl

run() {  # run NAME JOURNAL: prints "NAME requests/s spans/s acknowledged stored"
    local name=$1 journal=$2
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$work/$name"
    cat > "$work/$name/driftwatch.yaml" <<YAML
database: $work/$name/db.sqlite
server:
  listen: 127.0.0.1:$port
  trace_wait: 50ms
  journal: $journal
retention:
  max_age: off
YAML
    "$bin" run --config "$work/$name/driftwatch.yaml" --log-level warning & pid=$!
    for _ in $(seq 100); do python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz')" 2>/dev/null && break; sleep 0.1; done
    wrk -t1 -c"$connections" -d"${seconds}s" -s Benchmarks/otlp_post.lua "http://127.0.0.1:$port/v1/traces" > "$work/$name/wrk.txt"
    sleep 1
    kill -TERM "$pid"; wait "$pid" || true; pid=""
    local records requests non2xx
    records=$("$bin" status --db "$work/$name/db.sqlite" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
    requests=$(awk '/requests in/ {print $1}' "$work/$name/wrk.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$name/wrk.txt"); non2xx=${non2xx:-0}
    echo "$name $requests $non2xx $records"
}

on=$(run journal_on on)
off=$(run journal_off off)
python3 - "$seconds" "$on" "$off" <<'PY'
import sys
seconds = float(sys.argv[1])
print(f"{'':14}{'requests/s':>12}{'spans/s stored':>16}{'acknowledged':>14}{'stored':>9}")
rates = {}
for line in sys.argv[2:]:
    name, requests, non2xx, records = line.split()
    acked = int(requests) - int(non2xx)
    rates[name] = int(records) * 5 / seconds
    print(f"{name:14}{int(requests)/seconds:>12,.0f}{rates[name]:>16,.0f}{acked:>14,}{int(records):>9,}")
print(f"journal on / off: {rates['journal_on'] / rates['journal_off']:.2f}x spans/s")
PY
