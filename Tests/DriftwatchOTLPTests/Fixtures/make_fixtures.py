"""Writes the OTLP fixtures with the official protobuf classes (opentelemetry-proto).

Run: python3 make_fixtures.py  (needs `pip install opentelemetry-proto`). Output is deterministic.
- three_conventions.pb:    one ExportTraceServiceRequest, protobuf, with a GenAI, an OpenInference
                           and an OpenLLMetry trace
- three_conventions.json:  the same request as OTLP/JSON (hex ids, lowerCamelCase, int64 as strings)
- collector_file.jsonl:    the same three traces as the Collector file exporter writes them, one
                           request per line
"""
import json
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue, ArrayValue, KeyValueList
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

T0 = 1_767_225_600_000_000_000  # 2026-01-01T00:00:00Z in ns
MS = 1_000_000


def val(v):
    if isinstance(v, bool):
        return AnyValue(bool_value=v)
    if isinstance(v, int):
        return AnyValue(int_value=v)
    if isinstance(v, float):
        return AnyValue(double_value=v)
    if isinstance(v, list):
        return AnyValue(array_value=ArrayValue(values=[val(x) for x in v]))
    if isinstance(v, dict):
        return AnyValue(kvlist_value=KeyValueList(values=[KeyValue(key=k, value=val(x)) for k, x in v.items()]))
    return AnyValue(string_value=v)


def attrs(d):
    return [KeyValue(key=k, value=val(v)) for k, v in d.items()]


def span(trace, sid, parent, name, start_ms, end_ms, a, status=None, events=()):
    s = Span(trace_id=bytes.fromhex(trace), span_id=bytes.fromhex(sid), name=name, kind=Span.SPAN_KIND_INTERNAL,
             start_time_unix_nano=T0 + start_ms * MS, end_time_unix_nano=T0 + end_ms * MS, attributes=attrs(a))
    if parent:
        s.parent_span_id = bytes.fromhex(parent)
    if status:
        s.status.CopyFrom(Status(code=status[0], message=status[1]))
    for (ename, ems, ea) in events:
        e = s.events.add()
        e.name = ename
        e.time_unix_nano = T0 + ems * MS
        e.attributes.extend(attrs(ea))
    return s


GENAI = "0af7651916cd43dd8448eb211c80319c"
OPENINF = "1bf7651916cd43dd8448eb211c80319d"
TRACELOOP = "2cf7651916cd43dd8448eb211c80319e"


def genai_spans():
    t = GENAI
    return [
        span(t, "b7ad6b7169203331", None, "rag_answer", 0, 1500, {
            "driftwatch.task": "support_answer", "driftwatch.route": "primary",
            "driftwatch.slice.locale": "de", "driftwatch.slice.tier": 2, "driftwatch.slice.beta": True,
            "driftwatch.release.dataset": "kb-2026-01", "driftwatch.retrieval.index_version": "idx-42",
            "driftwatch.tools_expected": ["search_orders", "refund"],
        }, status=(Status.STATUS_CODE_OK, "")),
        span(t, "00f067aa0ba902b7", "b7ad6b7169203331", "retrieve", 10, 210, {
            "gen_ai.operation.name": "retrieval",
            "gen_ai.retrieval.documents": [{"id": "doc-1", "score": 0.91}, {"id": "doc-2", "score": 0.55, "updated_at": "2025-12-01T10:00:00Z"}],
        }),
        span(t, "00f067aa0ba902b8", "b7ad6b7169203331", "chat gpt-4o", 220, 1220, {
            "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06",
            "gen_ai.provider.name": "openai", "gen_ai.usage.input_tokens": 812, "gen_ai.usage.output_tokens": 120,
            "gen_ai.prompt.name": "support", "gen_ai.prompt.version": "v7",
        }, events=[
            ("gen_ai.evaluation.result", 1230, {"gen_ai.evaluation.name": "groundedness", "gen_ai.evaluation.score.value": 0.92, "gen_ai.evaluation.score.label": "pass"}),
            ("gen_ai.evaluation.result", 1240, {"gen_ai.evaluation.name": "relevance", "gen_ai.evaluation.score.value": 0.2, "gen_ai.evaluation.explanation": "off topic"}),
            ("gen_ai.evaluation.result", 1250, {"gen_ai.evaluation.name": "user_feedback", "gen_ai.evaluation.score.value": -1}),
        ]),
        span(t, "00f067aa0ba902b9", "b7ad6b7169203331", "execute_tool search_orders", 1230, 1300, {
            "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search_orders"}),
        span(t, "00f067aa0ba902ba", "b7ad6b7169203331", "execute_tool refund", 1300, 1450, {
            "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "refund"},
            status=(Status.STATUS_CODE_ERROR, "upstream timeout after 150ms")),
    ]


def openinference_spans():
    t = OPENINF
    return [
        span(t, "c7ad6b7169203331", None, "query", 0, 900, {"openinference.span.kind": "CHAIN", "driftwatch.request_id": "req-oi-1"}),
        span(t, "10f067aa0ba902b7", "c7ad6b7169203331", "retriever", 5, 105, {
            "openinference.span.kind": "RETRIEVER",
            "retrieval.documents.0.document.id": "kb-17", "retrieval.documents.0.document.score": 0.8,
            "retrieval.documents.0.document.metadata": json.dumps({"updated_at": "2025-11-30T08:00:00Z"}),
            "retrieval.documents.1.document.id": "kb-3", "retrieval.documents.1.document.score": 0.4,
        }),
        span(t, "10f067aa0ba902b8", "c7ad6b7169203331", "ChatCompletion", 110, 810, {
            "openinference.span.kind": "LLM", "llm.model_name": "claude-3-5-sonnet", "llm.provider": "anthropic",
            "llm.token_count.prompt": 500, "llm.token_count.completion": 80,
            "llm.prompt_template.version": "3", "llm.cost.total": 0.0123,
        }),
        span(t, "10f067aa0ba902b9", "c7ad6b7169203331", "lookup", 820, 880, {
            "openinference.span.kind": "TOOL", "tool.name": "lookup_account"},
            status=(Status.STATUS_CODE_ERROR, "account service returned 500")),
    ]


def traceloop_spans():
    t = TRACELOOP
    return [
        span(t, "d7ad6b7169203331", None, "answer.workflow", 0, 700, {
            "traceloop.span.kind": "workflow", "traceloop.workflow.name": "answer_question",
            "traceloop.association.properties.customer_tier": "gold"}),
        span(t, "20f067aa0ba902b8", "d7ad6b7169203331", "anthropic.chat", 10, 600, {
            "llm.request.type": "chat", "gen_ai.system": "anthropic", "gen_ai.request.model": "claude-3-haiku",
            "gen_ai.usage.prompt_tokens": 300, "gen_ai.usage.completion_tokens": 40,
            "traceloop.prompt.key": "faq", "traceloop.prompt.version": 4}),
        span(t, "20f067aa0ba902b9", "d7ad6b7169203331", "get_weather.tool", 610, 690, {
            "traceloop.span.kind": "tool", "traceloop.entity.name": "get_weather"}),
    ]


def request(groups):
    req = ExportTraceServiceRequest()
    for service, spans in groups:
        rs = req.resource_spans.add()
        rs.resource.attributes.extend(attrs({"service.name": service, "deployment.environment": "prod"}))
        ss = rs.scope_spans.add()
        ss.scope.name = "fixture"
        ss.spans.extend(spans)
    return req


def to_otlp_json(req):
    d = json_format.MessageToDict(req)  # lowerCamelCase, int64 as strings, bytes as base64
    import base64
    for rs in d.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for s in ss.get("spans", []):
                for k in ("traceId", "spanId", "parentSpanId"):
                    if k in s:
                        s[k] = base64.b64decode(s[k]).hex()
                if "kind" in s:
                    s["kind"] = Span.SpanKind.Value(s["kind"])
                if "status" in s and "code" in s["status"]:
                    s["status"]["code"] = Status.StatusCode.Value(s["status"]["code"])
    return json.dumps(d, separators=(",", ":"), sort_keys=True)


groups = [("support-api", genai_spans()), ("oi-app", openinference_spans()), ("ll-app", traceloop_spans())]
req = request(groups)
open("three_conventions.pb", "wb").write(req.SerializeToString(deterministic=True))
open("three_conventions.json", "w").write(to_otlp_json(req) + "\n")
with open("collector_file.jsonl", "w") as f:
    for g in groups:
        f.write(to_otlp_json(request([g])) + "\n")
