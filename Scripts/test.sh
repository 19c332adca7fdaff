#!/usr/bin/env bash
# The README's test command: installs what the tests need and is missing (on Debian), then runs them.
# CI runs exactly this (.ci/run). Extra arguments go to `swift test` (e.g. --filter CrashRecovery).
set -euo pipefail
cd "$(dirname "$0")/.."

# SQLite and zlib headers for the build; logrotate and gzip for the rotation tests; openssl makes the SMTP
# test's self-signed certificate; chromium opens the dashboards in the browser tests.
packages=(libsqlite3-dev zlib1g-dev logrotate gzip openssl chromium)
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

# Python packages the end-to-end tests drive: the real OpenTelemetry SDK as an OTLP client,
# prometheus_client's parser for /metrics, aiosmtpd as the SMTP server; orjson for the ingest benchmark.
if ! python3 -c "import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http, prometheus_client, aiosmtpd, orjson" 2>/dev/null; then
    pip=(python3 -m pip install -q --disable-pip-version-check
         opentelemetry-sdk opentelemetry-exporter-otlp-proto-http prometheus-client aiosmtpd orjson)
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
exec swift test --no-parallel "$@"
