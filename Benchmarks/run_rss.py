#!/usr/bin/env python3
"""Resident memory of `driftwatch run` under a steady log rate (issue 18: goal < 150 MB at 20,000 lines/s).

A writer appends current-time records (tools, a slice, retrieval evidence) at RATE lines/s for SECONDS to one
log file while `run` tails it with analysis, drift and the OTLP listener on; RSS is sampled every second from
/proc. Prints peak (VmHWM), the RSS over the last quarter, the lines written and stored, and the ingest lag.

usage: Benchmarks/run_rss.py --binary .build/release/driftwatch [--rate 20000] [--seconds 60]
"""
import argparse, json, os, random, subprocess, sys, tempfile, threading, time


def line(i, rng, now_ms):
    return json.dumps({
        "request_id": "q-%d" % i, "timestamp": now_ms, "service": "bench", "task": "task-%d" % rng.randrange(8),
        "model": {"name": "m", "version": "v%d" % rng.randrange(3)}, "template": {"id": "t", "version": "1"},
        "tools": [{"name": "search", "version": "2", "status": "ok", "latency_ms": rng.randrange(5, 200)}],
        "retrieval": {"index_version": "idx-1", "top_k": 3, "evidence": [{"id": "doc-%d" % rng.randrange(500), "score": 0.8}]},
        "validation": [{"check": "grounded", "passed": rng.random() < 0.95}],
        "outcome": "success" if rng.random() < 0.9 else "failure",
        "latency_ms": {"total": rng.randrange(50, 5000)}, "tokens": {"input": 500, "output": 120}, "cost_usd": 0.002,
        "slices": {"language": rng.choice(["en", "de", "fr", "es"]), "tier": rng.choice(["free", "pro"])},
    }, separators=(",", ":"))


def status_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return {k: int(v.split()[0]) for k, v in (l.split(":", 1) for l in f if ":" in l) if v.strip().endswith("kB")}


def rss_kib(pid):
    fields = status_kib(pid)
    return fields["VmRSS"], fields["VmHWM"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--rate", type=int, default=20000)
    p.add_argument("--seconds", type=int, default=60)
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="dw-rss-")
    log, db = os.path.join(work, "app.log"), os.path.join(work, "dw.sqlite")
    open(log, "w").close()
    proc = subprocess.Popen([a.binary, "run", "--path", log, "--db", db, "--otlp-listen", "127.0.0.1:0", "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "stderr"), "w"))
    time.sleep(2)
    written = [0]
    stop = threading.Event()

    def writer():
        rng = random.Random(7)
        with open(log, "a") as f:
            start = time.time()
            while not stop.is_set():
                due = int((time.time() - start) * a.rate)
                now_ms = int(time.time() * 1000)
                chunk = []
                while written[0] < due:
                    chunk.append(line(written[0], rng, now_ms))
                    written[0] += 1
                if chunk:
                    f.write("\n".join(chunk) + "\n")
                    f.flush()
                time.sleep(0.01)

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    samples = []
    for _ in range(a.seconds):
        time.sleep(1)
        samples.append(rss_kib(proc.pid)[0])
    stop.set()
    t.join()
    time.sleep(3)
    rss, hwm = rss_kib(proc.pid)
    parts = status_kib(proc.pid)
    proc.terminate()
    proc.wait(timeout=60)
    status = json.loads(subprocess.run([a.binary, "status", "--db", db, "--format", "json"], capture_output=True, text=True).stdout)
    tail = samples[len(samples) * 3 // 4:]
    achieved = written[0] / a.seconds
    print("rate %d lines/s (achieved %.0f) for %d s: peak RSS %.0f MiB, last quarter %.0f-%.0f MiB, after %.0f MiB; written %d, stored %d"
          % (a.rate, achieved, a.seconds, hwm / 1024, min(tail) / 1024, max(tail) / 1024, rss / 1024, written[0], status["records"]))
    analysis = status.get("analysis") or {}
    print("analysis checkpoint at row %s of %d stored" % (analysis.get("last_row_id"), status["records"]))
    print("at the end: anonymous %.0f MiB, file-backed %.0f MiB, shared memory %.0f MiB; RSS by second (MiB): %s"
          % (parts.get("RssAnon", 0) / 1024, parts.get("RssFile", 0) / 1024, parts.get("RssShmem", 0) / 1024,
             " ".join("%.0f" % (x / 1024) for x in samples[::5])))


if __name__ == "__main__":
    main()
