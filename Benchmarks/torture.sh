#!/usr/bin/env bash
# Torture run of issue #18 against the release build: per rotation mode (logrotate `create` and `copytruncate`)
# repeated `kill -9` of `driftwatch run` while a writer logs and logrotate rotates; a fuzz run of malformed lines
# through `ingest`; the hostile OTLP set (bad ids, invalid UTF-8, gzip members and bombs, oversized bodies, idle and
# stalled connections) with the receiver's peak RSS. Prints lost / duplicated / crashed counts (see torture.py).
#   Benchmarks/torture.sh            full size: 50 kills per mode, 10^6 fuzzed lines, 1,000 idle + 200 stalled connections
#   Benchmarks/torture.sh --quick    the reduced form CI runs (TortureTests): 4 kills per mode, 20,000 lines, 100 + 10
# DRIFTWATCH_BIN=path uses that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v logrotate >/dev/null || { echo "logrotate is needed (apt-get install logrotate)" >&2; exit 2; }
if [ -n "${DRIFTWATCH_BIN:-}" ]; then
    bin=$DRIFTWATCH_BIN
else
    swift build -c release --product driftwatch >/dev/null
    bin=$PWD/.build/release/driftwatch
fi
if [ "${1:-}" = "--quick" ]; then
    shift
    exec python3 Benchmarks/torture.py --binary "$bin" --kills 4 --rate 500 --fuzz-lines 20000 --connections 100 --stalled 10 "$@"
fi
exec python3 Benchmarks/torture.py --binary "$bin" "$@"
