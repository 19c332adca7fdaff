"""Emits traces of a small fake RAG-plus-tools app with the real OpenTelemetry Python SDK to an
OTLP/HTTP endpoint, then prints, as JSON, the Driftwatch records those traces must become.

Usage: python3 emit_traces.py ENDPOINT [TOKEN]
Needs: pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http
The exporter sends protobuf, gzip-compressed, in batches of 2 spans, so the spans of one trace
arrive in several requests and the receiver must join them.
"""
import json
import sys
import time

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

endpoint = sys.argv[1]
token = sys.argv[2] if len(sys.argv) > 2 else None

provider = TracerProvider(resource=Resource.create({"service.name": "rag-demo", "service.version": "1.4.2"}))
exporter = OTLPSpanExporter(endpoint=endpoint, headers={"Authorization": f"Bearer {token}"} if token else None,
                            compression=Compression.Gzip, timeout=10)
provider.add_span_processor(BatchSpanProcessor(exporter, max_export_batch_size=2, schedule_delay_millis=50))
memory = InMemorySpanExporter()
provider.add_span_processor(SimpleSpanProcessor(memory))
tracer = provider.get_tracer("fake-rag-app")

CASES = [
    {"question": "where is my order", "locale": "de", "docs": [("kb-12", 0.91), ("kb-7", 0.42)],
     "refund_error": "payment gateway timeout", "tokens": (812, 95), "grounded": ("pass", 0.93), "feedback": 1.0},
    {"question": "cancel my plan", "locale": "en", "docs": [("kb-3", 0.77)],
     "refund_error": "card declined", "tokens": (640, 50), "grounded": ("fail", 0.21), "feedback": -1.0},
    {"question": "opening hours", "locale": "fr", "docs": [("kb-1", 0.99), ("kb-2", 0.88), ("kb-9", 0.5)],
     "refund_error": None, "tokens": (300, 20), "grounded": ("pass", 0.8), "feedback": None},
]

expected = []
for i, case in enumerate(CASES):
    with tracer.start_as_current_span("rag_request") as root:
        root.set_attribute("driftwatch.task", "support_answer")
        root.set_attribute("driftwatch.route", "primary" if i != 1 else "fallback")
        root.set_attribute("driftwatch.slice.locale", case["locale"])
        root.set_attribute("driftwatch.slice.attempt", i + 1)
        root.set_attribute("driftwatch.retrieval.index_version", "idx-2026-01")
        with tracer.start_as_current_span("retrieve") as ret:
            ret.set_attribute("openinference.span.kind", "RETRIEVER")
            for n, (doc_id, score) in enumerate(case["docs"]):
                ret.set_attribute(f"retrieval.documents.{n}.document.id", doc_id)
                ret.set_attribute(f"retrieval.documents.{n}.document.score", score)
            time.sleep(0.005)
        with tracer.start_as_current_span("chat gpt-4o-mini") as llm:
            llm.set_attribute("gen_ai.operation.name", "chat")
            llm.set_attribute("gen_ai.request.model", "gpt-4o-mini")
            llm.set_attribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
            llm.set_attribute("gen_ai.system", "openai")  # the older name
            llm.set_attribute("gen_ai.usage.input_tokens", case["tokens"][0])
            llm.set_attribute("gen_ai.usage.output_tokens", case["tokens"][1])
            llm.set_attribute("gen_ai.prompt.name", "support")
            llm.set_attribute("gen_ai.prompt.version", "v3")
            label, score = case["grounded"]
            llm.add_event("gen_ai.evaluation.result", {"gen_ai.evaluation.name": "groundedness",
                                                       "gen_ai.evaluation.score.value": score,
                                                       "gen_ai.evaluation.score.label": label})
            if case["feedback"] is not None:
                llm.add_event("gen_ai.evaluation.result", {"gen_ai.evaluation.name": "user_feedback",
                                                           "gen_ai.evaluation.score.value": case["feedback"]})
            time.sleep(0.01)
        with tracer.start_as_current_span("execute_tool lookup_order") as tool:
            tool.set_attribute("gen_ai.operation.name", "execute_tool")
            tool.set_attribute("gen_ai.tool.name", "lookup_order")
            time.sleep(0.002)
        with tracer.start_as_current_span("refund") as tool:
            tool.set_attribute("openinference.span.kind", "TOOL")
            tool.set_attribute("tool.name", "refund")
            if case["refund_error"]:
                tool.set_status(Status(StatusCode.ERROR, case["refund_error"]))
            time.sleep(0.002)

provider.force_flush()
finished = memory.get_finished_spans()
provider.shutdown()


def ms(span):
    return (span.end_time - span.start_time) / 1e6


by_trace = {}
for s in finished:
    by_trace.setdefault(s.context.trace_id, []).append(s)
for i, case in enumerate(CASES):
    trace_id = sorted(by_trace, key=lambda t: min(s.start_time for s in by_trace[t]))[i]
    spans = {s.name: s for s in by_trace[trace_id]}
    root = spans["rag_request"]
    label, score = case["grounded"]
    record = {
        "request_id": format(trace_id, "032x"),
        "timestamp_micros": root.start_time // 1000,
        "service": "rag-demo",
        "task": "support_answer",
        "route": "primary" if i != 1 else "fallback",
        "model": {"name": "gpt-4o-mini", "version": "gpt-4o-mini-2024-07-18", "provider": "openai", "tuned": False},
        "template": {"id": "support", "version": "v3"},
        "retrieval": {"index_version": "idx-2026-01", "evidence": [{"id": d, "score": s} for d, s in case["docs"]]},
        "tools": [
            {"name": "lookup_order", "status": "ok", "latency_ms": ms(spans["execute_tool lookup_order"])},
            {"name": "refund", "status": ("timeout" if case["refund_error"] and "timeout" in case["refund_error"] else "error") if case["refund_error"] else "ok",
             "latency_ms": ms(spans["refund"])},
        ],
        "validation": [{"check": "groundedness", "passed": label == "pass", "reason": label}],
        "latency_ms": {"total": ms(root), "retrieval": ms(spans["retrieve"]),
                       "tools": ms(spans["execute_tool lookup_order"]) + ms(spans["refund"]),
                       "generation": ms(spans["chat gpt-4o-mini"])},
        "tokens": {"input": case["tokens"][0], "output": case["tokens"][1]},
        "slices": {"locale": case["locale"], "attempt": i + 1},
    }
    if case["feedback"] is not None:
        record["feedback"] = {"score": case["feedback"], "source": "user_feedback"}
    expected.append(record)

print(json.dumps({"spans": len(finished), "records": expected}))
