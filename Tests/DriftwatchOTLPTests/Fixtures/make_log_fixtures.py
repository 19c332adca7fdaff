"""Writes the OTLP logs fixtures with the official protobuf classes (opentelemetry-proto).

Run: python3 make_log_fixtures.py  (needs `pip install opentelemetry-proto`). Output is deterministic.
- genai_events.pb:    one ExportLogsServiceRequest, protobuf: GenAI events (evaluation, guardrail,
                      inference details; one named by the pre-1.5 `event.name` attribute, one with
                      its fields in a key-value body), an event without a trace id and a plain log line
- genai_events.json:  the same request as OTLP/JSON (hex ids, lowerCamelCase, int64 as strings)
The trace ids are those of three_conventions.* (make_fixtures.py), so the events join those traces.
"""
import base64
import json

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue, KeyValueList
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, SeverityNumber

T0 = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z in ns
MS = 1_000_000
GENAI = "0af7651916cd43dd8448eb211c80319c"
OI = "1bf7651916cd43dd8448eb211c80319d"
LL = "2cf7651916cd43dd8448eb211c80319e"


def val(v):
    if isinstance(v, bool):
        return AnyValue(bool_value=v)
    if isinstance(v, int):
        return AnyValue(int_value=v)
    if isinstance(v, float):
        return AnyValue(double_value=v)
    if isinstance(v, dict):
        return AnyValue(kvlist_value=KeyValueList(values=[KeyValue(key=k, value=val(x)) for k, x in v.items()]))
    return AnyValue(string_value=v)


def record(trace, span, ms, name, attributes, body=None, name_in_attribute=False):
    r = LogRecord(time_unix_nano=T0 + ms * MS, observed_time_unix_nano=T0 + ms * MS + 1,
                  severity_number=SeverityNumber.SEVERITY_NUMBER_INFO)
    if trace:
        r.trace_id = bytes.fromhex(trace)
        r.span_id = bytes.fromhex(span)
    if name_in_attribute:
        attributes = {"event.name": name, **attributes}
    elif name:
        r.event_name = name
    r.attributes.extend([KeyValue(key=k, value=val(v)) for k, v in attributes.items()])
    if body is not None:
        r.body.CopyFrom(val(body))
    return r


req = ExportLogsServiceRequest()
rl = req.resource_logs.add()
rl.resource.attributes.extend([KeyValue(key="service.name", value=val("support-api"))])
sl = rl.scope_logs.add()
sl.scope.name = "genai-evals"
sl.log_records.extend([
    record(GENAI, "00f067aa0ba902b7", 900, "gen_ai.evaluation.result",
           {"gen_ai.evaluation.name": "relevance", "gen_ai.evaluation.score.value": 0.31,
            "gen_ai.evaluation.score.label": "irrelevant", "gen_ai.evaluation.explanation": "answers another question"}),
    record(GENAI, "00f067aa0ba902b7", 950, "gen_ai.guardrail.result",
           {"gen_ai.guardrail.policy.id": "pii-v2", "gen_ai.guardrail.result.type": "action",
            "gen_ai.guardrail.result.value": "GUARDRAIL_INTERVENED", "gen_ai.guardrail.result.reason": "email address in output"}),
    record(OI, "1111111111111111", 400, "gen_ai.client.inference.operation.details",
           {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-x",
            "gen_ai.usage.input_tokens": 120, "gen_ai.usage.output_tokens": 30}, name_in_attribute=True),
    record(LL, "2222222222222222", 700, "gen_ai.evaluation.result", {},
           body={"gen_ai.evaluation.name": "user_feedback", "gen_ai.evaluation.score.value": -1}),
    record(None, None, 1000, "gen_ai.evaluation.result", {"gen_ai.evaluation.name": "toxicity", "gen_ai.evaluation.score.label": "pass"}),
    record(GENAI, "00f067aa0ba902b7", 1100, "", {"http.route": "/answer"}, body="request served"),
])


def to_otlp_json(req):
    d = json_format.MessageToDict(req)  # lowerCamelCase, int64 as strings, bytes as base64
    for rl in d.get("resourceLogs", []):
        for sl in rl.get("scopeLogs", []):
            for r in sl.get("logRecords", []):
                for k in ("traceId", "spanId"):
                    if k in r:
                        r[k] = base64.b64decode(r[k]).hex()
                if "severityNumber" in r:
                    r["severityNumber"] = SeverityNumber.Value(r["severityNumber"])
    return json.dumps(d, separators=(",", ":"), sort_keys=True)


open("genai_events.pb", "wb").write(req.SerializeToString(deterministic=True))
open("genai_events.json", "w").write(to_otlp_json(req) + "\n")
