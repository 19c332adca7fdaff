#!/usr/bin/env bash
# The README's test command: installs what the tests need and is missing (on Debian), then runs them.
# CI runs exactly this (.ci/run). Extra arguments go to `swift test` (e.g. --filter CrashRecovery).
set -euo pipefail
cd "$(dirname "$0")/.."

# SQLite and zlib headers for the build; logrotate and gzip for the rotation tests; openssl makes the SMTP
# test's self-signed certificate; chromium opens the dashboards in the browser tests; postgresql is the fleet
# store the fleet tests ship to (a throwaway cluster, started below).
packages=(libsqlite3-dev zlib1g-dev logrotate gzip openssl chromium postgresql)
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        sudo=()
        if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi
        echo "installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        "${sudo[@]}" apt-get update -qq
        rest=()
        for p in "${missing[@]}"; do [ "$p" = chromium ] || rest+=("$p"); done
        if ((${#rest[@]})); then "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${rest[@]}" >/dev/null; fi
        # Chromium with its recommended packages (fonts), as CI has always installed it.
        if [[ " ${missing[*]} " == *" chromium "* ]]; then "${sudo[@]}" apt-get install -y -qq chromium >/dev/null; fi
    fi
else
    echo "not Debian: install ${packages[*]} (or your system's equivalents) yourself" >&2
fi

# Python packages the end-to-end tests drive: the real OpenTelemetry SDK as an OTLP client (its protobuf and
# its JSON exporter), prometheus_client's parser for /metrics, aiosmtpd as the SMTP server; orjson for the
# ingest benchmark.
# The JSON exporter (opentelemetry-exporter-otlp-json-http, for the OTLP logs test) pins the shared exporter
# packages of one SDK release, so the SDK and both exporters are pinned to a release set that resolves together.
if ! python3 -c "import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http, opentelemetry.exporter.otlp.json.http, prometheus_client, aiosmtpd, orjson" 2>/dev/null; then
    pip=(python3 -m pip install -q --disable-pip-version-check
         opentelemetry-sdk==1.45.1 opentelemetry-exporter-otlp-proto-http==1.45.1 opentelemetry-exporter-otlp-json-http==0.66b1
         prometheus-client aiosmtpd orjson)
    # Debian's Python refuses system-wide pip installs (PEP 668) unless told otherwise.
    "${pip[@]}" 2>/dev/null || "${pip[@]}" --break-system-packages
fi

# One test at a time. Swift Testing otherwise starts every test at once on the cooperative pool (two
# threads on a 2-core machine), and a test that awaits a timer, a child process or a socket is resumed
# only once the CPU-bound tests queued ahead of it have run: minutes later, past the deadlines of the
# tests that check real-time behaviour (CI stop 10). ~6 min serial.
# The commit `driftwatch --version` reports (docs/build-info.md).
DRIFTWATCH_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || true)
export DRIFTWATCH_COMMIT

# A throwaway PostgreSQL cluster for the fleet tests (docs/fleet.md): Debian's binaries, a fresh data directory,
# trust auth on 127.0.0.1 only, its socket in that directory, stopped when this script exits. initdb refuses to
# run as root, so as root the cluster runs as the `postgres` user the package creates. A cluster left running by
# an earlier run that was killed is stopped first; when port 55432 is taken anyway, a free port is used.
# DRIFTWATCH_TEST_PG_URL set by the caller means "use this server" and starts nothing.
pg_dir=""
stop_postgres() {
    if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
        pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -n "$pg_dir" ]; then rm -rf "$pg_dir" "$pg_marker"; fi
}
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
pg_marker=${TMPDIR:-/tmp}/driftwatch-test-postgres.dir
if [ -z "${DRIFTWATCH_TEST_PG_URL:-}" ] && [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
    if [ -f "$pg_marker" ]; then
        stale=$(cat "$pg_marker")
        if [ -d "$stale/data" ]; then pg_as "$pg_bin/pg_ctl" -D "$stale/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
        rm -rf "$stale" "$pg_marker"
    fi
    pg_port=55432
    if ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', $pg_port))" 2>/dev/null; then
        pg_port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    fi
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/driftwatch-test-postgres.XXXXXX")
    echo "$pg_dir" >"$pg_marker"
    trap stop_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; fi
    chmod 700 "$pg_dir"
    pg_as "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync -E UTF8 >"$pg_dir/initdb.log" 2>&1 \
        || { cat "$pg_dir/initdb.log" >&2; exit 1; }
    pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
        || { cat "$pg_dir/server.log" >&2; exit 1; }
    export DRIFTWATCH_TEST_PG_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
    echo "PostgreSQL for the fleet tests: $DRIFTWATCH_TEST_PG_URL" >&2
elif [ -z "${DRIFTWATCH_TEST_PG_URL:-}" ]; then
    echo "no PostgreSQL server binaries (Debian: postgresql): the fleet tests will fail" >&2
fi

# Not `exec`: the cluster is stopped after the tests. The exit status is still the tests'.
status=0
swift test --no-parallel "$@" || status=$?
exit "$status"
