#!/usr/bin/env python3
"""Slack incoming-webhook stand-in for Driftwatch's alert tests.

Validates each POST as a Block Kit message (api.slack.com/reference/block-kit: block types, text objects, the
limits of header, section, fields, context, actions and buttons, at most 50 blocks, a `text` fallback), answers
according to a plan (one answer per request, then 200 "ok"; an invalid message is always 400 "invalid_blocks"),
and appends one JSON line per request to a log: valid, errors, answer, at, the message.

usage: slack_receiver.py PORT_FILE LOG_FILE PLAN
PLAN is comma separated: 500, 429 (Retry-After: 1), 400, 200; "-" for none.
"""
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file, plan = sys.argv[1:4]
plan = [] if plan == "-" else plan.split(",")
lock = threading.Lock()


def text_object(obj, where, errors, limit, plain_only=False):
    if not isinstance(obj, dict):
        errors.append(f"{where}: expected a text object")
        return
    kinds = ["plain_text"] if plain_only else ["plain_text", "mrkdwn"]
    if obj.get("type") not in kinds:
        errors.append(f"{where}.type: expected one of {kinds}, got {obj.get('type')!r}")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        errors.append(f"{where}.text: expected a non-empty string")
    elif len(text) > limit:
        errors.append(f"{where}.text: {len(text)} characters, limit {limit}")
    extra = set(obj) - {"type", "text", "emoji", "verbatim"}
    if extra:
        errors.append(f"{where}: unknown keys {sorted(extra)}")


def validate(message):
    errors = []
    if not isinstance(message, dict):
        return ["body: expected a JSON object"]
    if not isinstance(message.get("text"), str) or not message["text"]:
        errors.append("text: expected a non-empty fallback string")
    blocks = message.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return errors + ["blocks: expected a non-empty list"]
    if len(blocks) > 50:
        errors.append(f"blocks: {len(blocks)} blocks, limit 50")
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "header":
            text_object(block.get("text"), where + ".text", errors, 150, plain_only=True)
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                errors.append(f"{where}: a section needs text or fields")
            if "text" in block:
                text_object(block["text"], where + ".text", errors, 3000)
            if "fields" in block:
                fields = block["fields"]
                if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
                    errors.append(f"{where}.fields: expected 1 to 10 text objects")
                else:
                    for j, field in enumerate(fields):
                        text_object(field, f"{where}.fields[{j}]", errors, 2000)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                errors.append(f"{where}.elements: expected 1 to 10 elements")
            else:
                for j, element in enumerate(elements):
                    text_object(element, f"{where}.elements[{j}]", errors, 3000)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                errors.append(f"{where}.elements: expected 1 to 25 elements")
            else:
                for j, element in enumerate(elements):
                    if element.get("type") != "button":
                        errors.append(f"{where}.elements[{j}]: expected a button")
                        continue
                    text_object(element.get("text"), f"{where}.elements[{j}].text", errors, 75, plain_only=True)
                    url = element.get("url")
                    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > 3000:
                        errors.append(f"{where}.elements[{j}].url: expected an http(s) URL of at most 3000 characters")
        elif kind == "divider":
            pass
        else:
            errors.append(f"{where}.type: unknown block type {kind!r}")
    return errors


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            message = json.loads(body)
            errors = validate(message)
        except Exception as error:
            message, errors = None, [f"body: not JSON ({error})"]
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            errors.append("Content-Type: expected application/json")
        with lock:
            answer = plan.pop(0) if plan else "200"
        if errors:
            answer = "400"
        entry = {"valid": not errors, "errors": errors, "answer": answer, "at": time.time(), "path": self.path, "message": message}
        with lock, open(log_file, "a") as f:
            f.write(json.dumps(entry) + "\n")
        code = int(answer)
        reply = {200: b"ok", 400: b"invalid_blocks" if errors else b"invalid_payload", 429: b"rate_limited", 500: b"internal_error"}.get(code, b"error")
        self.send_response(code)
        if code == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, port_file)
server.serve_forever()
