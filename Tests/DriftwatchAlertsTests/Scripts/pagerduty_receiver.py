#!/usr/bin/env python3
"""PagerDuty Events API v2 stand-in for Driftwatch's alert tests.

Validates each POST to /v2/enqueue against the Events API v2 (developer.pagerduty.com/docs/events-api-v2/trigger-events):
a 32-character routing_key, event_action trigger/acknowledge/resolve, dedup_key of at most 255 characters (required
unless triggering), and for a trigger a payload with summary (at most 1024 characters), source, severity
(critical, error, warning, info) and the optional timestamp, component, group, class and custom_details (an
object); links and images as lists. Answers according to a plan (one answer per request, then 202; an invalid
event is always 400 with PagerDuty's error body), and appends one JSON line per request to a log.

usage: pagerduty_receiver.py PORT_FILE LOG_FILE ROUTING_KEY PLAN
PLAN is comma separated: 500, 429, 400, 202; "-" for none.
"""
import json, os, sys, threading, time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file, routing_key, plan = sys.argv[1:5]
plan = [] if plan == "-" else plan.split(",")
lock = threading.Lock()
TOP = {"routing_key", "event_action", "dedup_key", "payload", "images", "links", "client", "client_url"}
PAYLOAD = {"summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"}


def validate(event):
    errors = []
    if not isinstance(event, dict):
        return ["body: expected a JSON object"]
    extra = set(event) - TOP
    if extra:
        errors.append(f"unknown keys {sorted(extra)}")
    key = event.get("routing_key")
    if not isinstance(key, str) or len(key) != 32:
        errors.append("routing_key: expected 32 characters")
    elif key != routing_key:
        errors.append("routing_key: not this service's key")
    action = event.get("event_action")
    if action not in ("trigger", "acknowledge", "resolve"):
        errors.append(f"event_action: expected trigger, acknowledge or resolve, got {action!r}")
    dedup = event.get("dedup_key")
    if dedup is not None and (not isinstance(dedup, str) or not dedup or len(dedup) > 255):
        errors.append("dedup_key: expected a non-empty string of at most 255 characters")
    if action in ("acknowledge", "resolve") and dedup is None:
        errors.append("dedup_key: required to acknowledge or resolve")
    if action == "trigger":
        payload = event.get("payload")
        if not isinstance(payload, dict):
            return errors + ["payload: required for a trigger"]
        extra = set(payload) - PAYLOAD
        if extra:
            errors.append(f"payload: unknown keys {sorted(extra)}")
        for name, limit in (("summary", 1024), ("source", 255)):
            value = payload.get(name)
            if not isinstance(value, str) or not value:
                errors.append(f"payload.{name}: required, a non-empty string")
            elif len(value) > limit:
                errors.append(f"payload.{name}: {len(value)} characters, limit {limit}")
        if payload.get("severity") not in ("critical", "error", "warning", "info"):
            errors.append(f"payload.severity: expected critical, error, warning or info, got {payload.get('severity')!r}")
        for name in ("component", "group", "class"):
            if name in payload and not isinstance(payload[name], str):
                errors.append(f"payload.{name}: expected a string")
        if "custom_details" in payload and not isinstance(payload["custom_details"], dict):
            errors.append("payload.custom_details: expected an object")
        if "timestamp" in payload:
            try:
                datetime.fromisoformat(payload["timestamp"].replace("Z", "+00:00"))
            except Exception:
                errors.append("payload.timestamp: expected ISO 8601")
    for name in ("links", "images"):
        if name in event:
            items = event[name]
            if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("href"), str) for i in items):
                errors.append(f"{name}: expected a list of objects with href")
    return errors


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            event = json.loads(body)
            errors = validate(event)
        except Exception as error:
            event, errors = None, [f"body: not JSON ({error})"]
        if self.path != "/v2/enqueue":
            errors.append(f"path: expected /v2/enqueue, got {self.path}")
        with lock:
            answer = plan.pop(0) if plan else "202"
        if errors:
            answer = "400"
        logged = dict(event) if isinstance(event, dict) else event
        if isinstance(logged, dict) and "routing_key" in logged:
            logged["routing_key"] = "<redacted>"
        entry = {"valid": not errors, "errors": errors, "answer": answer, "at": time.time(), "event": logged}
        with lock, open(log_file, "a") as f:
            f.write(json.dumps(entry) + "\n")
        code = int(answer)
        if code == 202:
            reply = {"status": "success", "message": "Event processed", "dedup_key": (event or {}).get("dedup_key", "")}
        elif code == 400:
            reply = {"status": "invalid event", "message": "Event object is invalid", "errors": errors or ["rejected on purpose"]}
        elif code == 429:
            reply = {"status": "throttled", "message": "Requests for this service are arriving too quickly."}
        else:
            reply = {"status": "error", "message": "internal error"}
        data = json.dumps(reply).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, port_file)
server.serve_forever()
