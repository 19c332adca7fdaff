#!/usr/bin/env python3
"""Webhook receiver for Driftwatch's alert tests.

Verifies Standard Webhooks signatures, answers according to a plan of responses (one per request, then 200),
and appends one JSON line per request to a log: id, whether the signature was valid, what it answered, the
body's status and the incident ids of its alerts.

usage: webhook_receiver.py PORT_FILE LOG_FILE SECRET PLAN [PORT]
PLAN is comma separated: 500, 429 (Retry-After: 1), 400, timeout (no answer for 5 s), hang (no answer for an hour),
200; "-" for none.
"""
import base64, hashlib, hmac, json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file, secret, plan = sys.argv[1:5]
port = int(sys.argv[5]) if len(sys.argv) > 5 else 0
plan = [] if plan == "-" else plan.split(",")
lock = threading.Lock()
key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        wid = self.headers.get("webhook-id", "")
        ts = self.headers.get("webhook-timestamp", "")
        expected = "v1," + base64.b64encode(hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        given = self.headers.get("webhook-signature", "").split(" ")
        valid = expected in given and abs(time.time() - int(ts or 0)) < 300
        with lock:
            answer = plan.pop(0) if plan else "200"
        entry = {"id": wid, "valid": valid, "answer": answer, "at": time.time()}
        try:
            parsed = json.loads(body)
            entry["status"] = parsed.get("status")
            entry["incidents"] = sorted({a.get("labels", {}).get("incident_id", "") for a in parsed.get("alerts", [])} - {""})
        except Exception:
            entry["status"] = None
        with lock, open(log_file, "a") as f:
            f.write(json.dumps(entry) + "\n")
        if answer == "timeout":
            time.sleep(5)
            return
        if answer == "hang":
            time.sleep(3600)
            return
        code = int(answer) if valid else 401
        self.send_response(code)
        if code == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Length", "0")
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, port_file)
server.serve_forever()
