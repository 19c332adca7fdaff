#!/usr/bin/env python3
"""The peer baseline for the ingest benchmark: what a user would write instead of Driftwatch.

Reads a JSON Lines request log with orjson (json if orjson is missing), extracts the same
columns Driftwatch stores, and inserts them into SQLite in WAL mode with executemany, in
batches of 20,000 rows per transaction, into a table with the same columns and indexes.
Prints one JSON object: records, bytes, seconds, records_per_s, mib_per_s, peak_rss_bytes.
"""
import resource
import sqlite3
import sys
import time

try:
    import orjson as json_impl
    parser = "orjson"
except ImportError:  # pragma: no cover
    import json as json_impl
    parser = "json"

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, ts TEXT NOT NULL, service TEXT, task TEXT,
    route TEXT, model_name TEXT, model_version TEXT, model_tuned INTEGER, template_id TEXT,
    template_version TEXT, index_version TEXT, outcome TEXT, latency_ms REAL,
    tokens_in INTEGER, tokens_out INTEGER, cost_usd REAL, feedback REAL, ingested_at REAL NOT NULL,
    raw TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_ts ON records(ts);
CREATE INDEX IF NOT EXISTS records_task_ts ON records(task, ts);
"""

INSERT = ("INSERT OR IGNORE INTO records (request_id, ts, service, task, route, model_name, model_version, "
          "model_tuned, template_id, template_version, index_version, outcome, latency_ms, "
          "tokens_in, tokens_out, cost_usd, feedback, ingested_at, raw) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")


def row(line, now):
    r = json_impl.loads(line)
    model = r.get("model") or {}
    template = r.get("template") or {}
    retrieval = r.get("retrieval") or {}
    latency = r.get("latency_ms") or {}
    tokens = r.get("tokens") or {}
    feedback = r.get("feedback") or {}
    return (
        r["request_id"], r["timestamp"], r.get("service"), r.get("task"), r.get("route"),
        model.get("name"), model.get("version"), int(bool(model.get("tuned"))) if model else None,
        template.get("id"), template.get("version"), retrieval.get("index_version"), r.get("outcome"),
        latency.get("total"), tokens.get("input"), tokens.get("output"), r.get("cost_usd"),
        feedback.get("score"), now, line.decode(),
    )


def main():
    paths, db = sys.argv[1:-1], sys.argv[-1]
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # the same durability settings as Driftwatch
    conn.executescript(SCHEMA)
    start = time.perf_counter()
    records = 0
    nbytes = 0
    batch = []
    for path in paths:
        with open(path, "rb") as f:
            for line in f:
                nbytes += len(line)
                line = line.rstrip(b"\r\n")
                if not line:
                    continue
                try:
                    batch.append(row(line, time.time()))
                except Exception:
                    continue  # a user script would skip bad lines
                if len(batch) >= 20000:
                    conn.execute("BEGIN")
                    conn.executemany(INSERT, batch)
                    conn.execute("COMMIT")
                    records += len(batch)
                    batch.clear()
    if batch:
        conn.execute("BEGIN")
        conn.executemany(INSERT, batch)
        conn.execute("COMMIT")
        records += len(batch)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json_impl.dumps({
        "parser": parser, "records": records, "bytes": nbytes, "seconds": seconds,
        "records_per_s": records / seconds, "mib_per_s": nbytes / seconds / 1048576,
        "peak_rss_bytes": rss}).decode() if parser == "orjson" else json_impl.dumps({
        "parser": parser, "records": records, "bytes": nbytes, "seconds": seconds,
        "records_per_s": records / seconds, "mib_per_s": nbytes / seconds / 1048576, "peak_rss_bytes": rss}))


if __name__ == "__main__":
    main()
