#!/usr/bin/env python3
"""The torture run of issue #18 (driven by Benchmarks/torture.sh): kill -9 + real logrotate loops in both rotation
modes, a fuzz run of malformed lines, and the hostile OTLP set, against a built `driftwatch` binary.

Prints one line per part and a last line `TOTAL lost=N duplicated=N crashed=N failed=N`; exits 1 if any is non-zero.

Counting, per rotation mode:
  written     lines the writer wrote (ids w-0 … w-N-1, in order)
  in_files    ids still present in a log file at the end (rotations are kept, nothing is deleted)
  window      written but in no file: lost by logrotate itself (copytruncate's copy-then-truncate window), not by us
  stored      distinct ids in the store
  lost        ids in a file but not stored: must be 0
  duplicated  records stored beyond the distinct ids: must be 0
  crashed     a `run` that died other than by our kill -9 (or a non-zero exit at the final stop)
"""
import argparse
import gzip
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time


def record_line(request_id, rng):
    return json.dumps({
        "request_id": request_id,
        "timestamp": int(time.time() * 1000),
        "service": "torture",
        "task": "task-%d" % rng.randrange(5),
        "model": {"name": "m", "version": "v%d" % rng.randrange(3)},
        "template": {"id": "t", "version": "1"},
        "outcome": rng.choice(["success", "success", "success", "failure"]),
        "latency_ms": {"total": rng.randrange(50, 5000)},
    }, separators=(",", ":"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_healthy(port, proc, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline and proc.poll() is None:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def store_counts(db):
    """(distinct ids, records stored, ids) read straight from the store's tables."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        ids = {row[0] for row in con.execute("SELECT request_id FROM record_keys")}
        stored = con.execute("SELECT COALESCE(SUM(count), 0) FROM record_blocks").fetchone()[0]
    finally:
        con.close()
    return len(ids), stored, ids


def ids_in_files(directory):
    found = set()
    for name in os.listdir(directory):
        if not name.startswith("app.log"):
            continue
        path = os.path.join(directory, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as f:
            for line in f:
                try:
                    found.add(json.loads(line)["request_id"])
                except (ValueError, KeyError, TypeError):
                    pass
    return found


class Writer(threading.Thread):
    """Appends records at `rate` lines/s, reopening the file when logrotate moved it (as a service's
    WatchedFileHandler does); in copytruncate mode it keeps its descriptor (O_APPEND) across truncations."""

    def __init__(self, path, rate, reopen, seed):
        super().__init__(daemon=True)
        self.path, self.rate, self.reopen = path, rate, reopen
        self.rng = random.Random(seed)
        self.written = 0
        self.stop = threading.Event()

    def run(self):
        f = open(self.path, "a", buffering=1)
        inode = os.fstat(f.fileno()).st_ino
        start = time.time()
        while not self.stop.is_set():
            due = int((time.time() - start) * self.rate)
            while self.written < due:
                f.write(record_line("w-%d" % self.written, self.rng) + "\n")
                self.written += 1
            if self.reopen:
                try:
                    if os.stat(self.path).st_ino != inode:
                        raise FileNotFoundError
                except FileNotFoundError:
                    f.close()
                    f = open(self.path, "a", buffering=1)
                    inode = os.fstat(f.fileno()).st_ino
            time.sleep(0.005)
        f.close()


def rotation(binary, mode, kills, rate, seed, work):
    rng = random.Random(seed)
    directory = os.path.join(work, mode)
    os.makedirs(directory)
    log = os.path.join(directory, "app.log")
    db = os.path.join(directory, "db.sqlite")
    open(log, "w").close()
    conf = os.path.join(directory, "logrotate.conf")
    with open(conf, "w") as f:
        f.write('%s {\n  rotate 100000\n  %s\n  missingok\n  nocompress\n}\n' % (log, mode))
    state = os.path.join(directory, "logrotate.state")
    writer = Writer(log, rate, reopen=(mode == "create"), seed=seed)
    writer.start()
    crashed = 0
    rotations = 0
    args = [binary, "run", "--db", db, "--path", os.path.join(directory, "app.log*"), "--log-level", "error"]
    for _ in range(kills):
        with open(os.path.join(directory, "run.err"), "ab") as err:
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        time.sleep(rng.uniform(0.2, 1.2))
        subprocess.run(["logrotate", "-f", "-s", state, conf], check=True)
        rotations += 1
        time.sleep(rng.uniform(0.05, 0.8))
        if proc.poll() is not None:
            crashed += 1
        else:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
    writer.stop.set()
    writer.join()
    # A last run reads everything that is left, then stops gracefully.
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    files = ids_in_files(directory)
    # Until the store holds at least as many ids as the files and stops growing (the full comparison comes after).
    deadline = time.time() + 600
    last, steady = -1, 0
    while time.time() < deadline:
        time.sleep(1)
        try:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            count = con.execute("SELECT COUNT(*) FROM record_keys").fetchone()[0]
            con.close()
        except sqlite3.Error:
            continue
        steady = steady + 1 if count == last else 0
        last = count
        if count >= len(files) and steady >= 3:
            break
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    if proc.returncode != 0:
        crashed += 1
        sys.stderr.write(stderr.decode(errors="replace")[-2000:])
    distinct, stored, ids = store_counts(db)
    written = {"w-%d" % i for i in range(writer.written)}
    lost = len(files - ids)
    window = len(written - files)
    unknown = len(ids - written)
    duplicated = stored - distinct
    print("rotation %-12s kills=%d rotations=%d written=%d in_files=%d stored=%d lost=%d window=%d duplicated=%d unknown=%d crashed=%d"
          % (mode, kills, rotations, writer.written, len(files), distinct, lost, window, duplicated, unknown, crashed), flush=True)
    return {"lost": lost + unknown, "duplicated": duplicated, "crashed": crashed, "window": window}


def fuzz_lines(count, seed):
    """Valid records mutated every way a broken logger or a hostile one can: byte flips, cuts, control and
    invalid UTF-8 bytes, deep nesting, huge numbers, wrong types, duplicate keys, long lines."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        line = record_line("f-%d" % i, rng).encode()
        kind = rng.randrange(12)
        if kind == 0:
            b = bytearray(line)
            for _ in range(rng.randrange(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            line = bytes(b)
        elif kind == 1:
            line = line[: rng.randrange(len(line))]
        elif kind == 2:
            line = line.replace(b'"t"', b'"\xff\xfe\xc0"')
        elif kind == 3:
            depth = rng.randrange(50, 3000)
            line = line[:-1] + b',"slices":{"x":' + b"[" * depth + b"]" * depth + b"}}"
        elif kind == 4:
            line = line.replace(b'"total":', b'"total":1e999999,"x":')
        elif kind == 5:
            line = line.replace(b'"outcome":', b'"outcome":{"a":[1,2]},"outcome2":')
        elif kind == 6:
            line = line[:-1] + b',"request_id":' + str(rng.randrange(10**6)).encode() + b"}"
        elif kind == 7:
            line = line.replace(b'"task":"', b'"task":"\x1b]0;PWNED\x07\\u202e\\u0000')
        elif kind == 8:
            line = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).replace(b"\n", b" ")
        elif kind == 9:
            line = line[:-1] + b',"slices":{"big":"' + b"A" * rng.randrange(1000, 40000) + b'"}}'
        elif kind == 10:
            line = line.replace(b'"timestamp":', b'"timestamp":"2026-13-45T99:99:99Z","t0":')
        # kind 11: left valid
        out.append(line.replace(b"\n", b" ") + b"\n")
    return out


def fuzz(binary, count, seed, work):
    directory = os.path.join(work, "fuzz")
    os.makedirs(directory)
    path = os.path.join(directory, "fuzz.log")
    written = 0
    with open(path, "wb") as f:
        step = 100_000
        for start in range(0, count, step):
            chunk = fuzz_lines(min(step, count - start), seed + start)
            # Empty lines (CRLF ones too) are skipped by the framer, by design (LineFramer).
            written += sum(1 for line in chunk if line not in (b"\n", b"\r\n"))
            f.writelines(chunk)
    db = os.path.join(directory, "db.sqlite")
    started = time.time()
    proc = subprocess.run([binary, "ingest", "--db", db, path, "--format", "json", "--log-level", "error"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seconds = time.time() - started
    # ingest exits 1 when most of a file is dead-lettered (documented); a crash is a signal or any other status.
    crashed = 0 if proc.returncode in (0, 1) else 1
    report = {}
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        crashed = 1
    # Every line became a record, a duplicate (fuzzed ids may repeat) or a dead letter.
    accounted = report.get("records", 0) + report.get("dead_letters", 0)
    print("fuzz lines=%d records=%d dead_letters=%d accounted=%d exit=%d seconds=%.1f crashed=%d"
          % (written, report.get("records", 0), report.get("dead_letters", 0), accounted, proc.returncode, seconds, crashed), flush=True)
    if crashed:
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    return {"crashed": crashed, "lost": max(0, written - accounted)}


def span_json(trace_id, span_id, name="root", parent=""):
    return {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "torture"}}]},
            "scopeSpans": [{"spans": [{"traceId": trace_id, "spanId": span_id, "parentSpanId": parent, "name": name,
                                        "startTimeUnixNano": str(time.time_ns()), "endTimeUnixNano": str(time.time_ns() + 1000),
                                        "attributes": [{"key": "driftwatch.task", "value": {"stringValue": "t"}}]}]}]}]}


def post(port, body, headers, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("POST", "/v1/traces", body=body, headers=headers)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def hostile_otlp(binary, connections, stalled, work, rss_bound_mib):
    directory = os.path.join(work, "otlp")
    os.makedirs(directory)
    port = free_port()
    with open(os.path.join(directory, "driftwatch.yaml"), "w") as f:
        f.write("database: %s/db.sqlite\nserver:\n  listen: 127.0.0.1:%d\n  idle_timeout: 5s\n  max_connections: 256\n" % (directory, port))
    proc = subprocess.Popen([binary, "run", "--config", os.path.join(directory, "driftwatch.yaml"), "--log-level", "error"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    failed = 0
    try:
        if not wait_healthy(port, proc):
            print("otlp receiver did not start", flush=True)
            return {"crashed": 1, "failed": 1}
        js = {"Content-Type": "application/json"}
        good = json.dumps(span_json("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")).encode()
        two_members = gzip.compress(good[: len(good) // 2]) + gzip.compress(good[len(good) // 2:])
        cases = [
            ("valid json", good, js, 200),
            ("empty trace id", json.dumps(span_json("", "b7ad6b7169203331")).encode(), js, 400),
            ("short trace id", json.dumps(span_json("0af7651916cd43dd", "b7ad6b7169203331")).encode(), js, 400),
            ("all-zero trace id", json.dumps(span_json("0" * 32, "b7ad6b7169203331")).encode(), js, 400),
            ("short span id", json.dumps(span_json("1af7651916cd43dd8448eb211c80319c", "b7ad")).encode(), js, 400),
            ("invalid utf-8 json", good.replace(b'"torture"', b'"tor\xff\xfeture"'), js, 400),
            ("truncated json", good[:-7], js, 400),
            ("deeply nested json", b'{"resourceSpans":' + b"[" * 100000 + b"]" * 100000 + b"}", js, 400),
            ("garbage protobuf", os.urandom(4096), {"Content-Type": "application/x-protobuf"}, 400),
            ("multi-member gzip", two_members, dict(js, **{"Content-Encoding": "gzip"}), 200),
            ("corrupt gzip", b"\x1f\x8b\x08\x00" + os.urandom(500), dict(js, **{"Content-Encoding": "gzip"}), 400),
            ("gzip bomb", gzip.compress(b" " * (64 << 20)), dict(js, **{"Content-Encoding": "gzip"}), 413),
            ("oversized body", b" " * (5 << 20), js, 413),
            ("wrong content type", good, {"Content-Type": "text/plain"}, 415),
            ("unknown content encoding", good, dict(js, **{"Content-Encoding": "br"}), 415),
        ]
        for name, body, headers, expected in cases:
            try:
                got = post(port, body, headers)
            except OSError as e:
                got = "error %s" % e
            ok = got == expected
            failed += 0 if ok else 1
            print("otlp %-26s expected=%s got=%s %s" % (name, expected, got, "ok" if ok else "FAILED"), flush=True)
        # Idle connections beyond the cap, and stalled uploads declaring big bodies: the receiver keeps answering,
        # memory stays bounded, and the idle ones are closed after idle_timeout.
        socks = []
        for _ in range(connections):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                socks.append(s)
            except OSError:
                break
        stalls = []
        chunk = b" " * (1 << 20)
        for _ in range(stalled):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4194000\r\n\r\n")
                for _ in range(3):
                    s.sendall(chunk)
                stalls.append(s)
            except OSError:
                break
        time.sleep(1)
        rss, hwm = rss_kib(proc.pid)
        healthy = wait_healthy(port, proc, seconds=60)
        after = post(port, good, js) if healthy else "no answer"
        # A request beyond the in-flight budget is answered 503 + Retry-After (retried by exporters) or, once the
        # stalled uploads are cut by idle_timeout, 200: either is the documented answer.
        ok = healthy and after in (200, 503)
        failed += 0 if ok else 1
        print("otlp %d idle + %d stalled 3MiB uploads: healthz=%s post=%s rss=%.0fMiB peak=%.0fMiB bound=%dMiB %s"
              % (len(socks), len(stalls), "ok" if healthy else "no", after, rss / 1024, hwm / 1024, rss_bound_mib,
                 "ok" if ok and hwm / 1024 < rss_bound_mib else "FAILED"), flush=True)
        if hwm / 1024 >= rss_bound_mib:
            failed += 1
        time.sleep(7)  # idle_timeout 5 s
        closed = 0
        for s in socks + stalls:
            try:
                s.settimeout(0.2)
                if s.recv(1) == b"":
                    closed += 1
            except socket.timeout:
                pass
            except OSError:
                closed += 1
            s.close()
        print("otlp connections closed by idle_timeout: %d of %d" % (closed, len(socks) + len(stalls)), flush=True)
    finally:
        crashed = 0 if proc.poll() is None else 1
        proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            stderr = b""
            crashed = 1
        if proc.returncode != 0:
            crashed = 1
            sys.stderr.write(stderr.decode(errors="replace")[-2000:])
    return {"crashed": crashed, "failed": failed}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--kills", type=int, default=50, help="kill -9 per rotation mode")
    p.add_argument("--rate", type=int, default=2000, help="lines/s the writer logs")
    p.add_argument("--fuzz-lines", type=int, default=1_000_000)
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--stalled", type=int, default=200)
    p.add_argument("--rss-bound-mib", type=int, default=400)
    p.add_argument("--seed", type=int, default=18)
    p.add_argument("--parts", default="rotation,fuzz,otlp")
    a = p.parse_args()
    parts = a.parts.split(",")
    totals = {"lost": 0, "duplicated": 0, "crashed": 0, "failed": 0}
    with tempfile.TemporaryDirectory(prefix="driftwatch-torture-") as work:
        results = []
        if "rotation" in parts:
            for i, mode in enumerate(["create", "copytruncate"]):
                results.append(rotation(a.binary, mode, a.kills, a.rate, a.seed + i, work))
        if "fuzz" in parts:
            results.append(fuzz(a.binary, a.fuzz_lines, a.seed, work))
        if "otlp" in parts:
            results.append(hostile_otlp(a.binary, a.connections, a.stalled, work, a.rss_bound_mib))
        for r in results:
            for k in totals:
                totals[k] += r.get(k, 0)
    print("TOTAL lost=%d duplicated=%d crashed=%d failed=%d" % (totals["lost"], totals["duplicated"], totals["crashed"], totals["failed"]), flush=True)
    sys.exit(1 if any(totals.values()) else 0)


if __name__ == "__main__":
    main()
