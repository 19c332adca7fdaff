"""Emits traces and GenAI events (OTLP log records) of a small fake app with the real OpenTelemetry Python
SDK to an OTLP/HTTP receiver, then prints, as JSON, what the stored records must carry.

Usage: python3 emit_genai_events.py BASE_URL TOKEN ENCODING
  BASE_URL  e.g. http://127.0.0.1:4318 (the script posts to /v1/traces and /v1/logs)
  ENCODING  protobuf (opentelemetry-exporter-otlp-proto-http) or json (opentelemetry-exporter-otlp-json-http)
Needs: pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http opentelemetry-exporter-otlp-json-http

Both exporters send gzip. Nothing is exported on a timer: the script flushes logs before spans for the
first two traces and spans before logs for the other two, so the receiver must join events in both orders.
It also emits an event outside any trace (a dead letter), an event for a trace whose spans are never
sent (an orphan) and a plain log record (ignored).
"""
import json
import sys

from opentelemetry import trace
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

base, token, encoding = sys.argv[1], sys.argv[2], sys.argv[3]
headers = {"Authorization": f"Bearer {token}"}
if encoding == "protobuf":
    from opentelemetry.exporter.otlp.proto.http import Compression
    GZIP = Compression.Gzip
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
else:
    from opentelemetry.exporter.otlp.common.http import Compression
    GZIP = Compression.GZIP
    from opentelemetry.exporter.otlp.json.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter

resource = Resource.create({"service.name": "genai-events-demo"})
HOUR = 3_600_000  # ms: a timer that never fires; the script flushes explicitly
tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(BatchSpanProcessor(
    OTLPSpanExporter(endpoint=f"{base}/v1/traces", headers=headers, compression=GZIP, timeout=10),
    schedule_delay_millis=HOUR, max_export_batch_size=512))
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(BatchLogRecordProcessor(
    OTLPLogExporter(endpoint=f"{base}/v1/logs", headers=headers, compression=GZIP, timeout=10),
    schedule_delay_millis=HOUR, max_export_batch_size=512))
tracer = tracer_provider.get_tracer("genai-demo")
events = logger_provider.get_logger("genai-demo.events")


def emit(name, attributes):
    # The SDK takes the trace and span ids from the current span.
    events.emit(LogRecord(event_name=name, attributes=attributes, severity_number=SeverityNumber.INFO))


CASES = [
    # (evaluation (name, score, label, explanation) or None, guardrail (policy, type, value, reason) or None,
    #  model and tokens on the LLM span?, inference details (model, response model, provider, in, out) or None)
    (("groundedness", 0.92, "pass", "cites the order page"), None, True, None),
    (("relevance", 0.2, "fail", "answers another question"), ("pii-v2", "action", "GUARDRAIL_INTERVENED", "email address in output"), True, None),
    (None, ("jailbreak", "tripwire_triggered", "false", None), False, ("claude-x", "claude-x-2026", "anthropic", 120, 30)),
    (("user_feedback", -1.0, None, None), ("toxicity", "action", "NONE", None), True, None),
]

expected = []
for i, (evaluation, guardrail, span_model, details) in enumerate(CASES):
    with tracer.start_as_current_span("answer") as root:
        root.set_attribute("driftwatch.task", "support_answer")
        with tracer.start_as_current_span("chat") as llm:
            llm.set_attribute("gen_ai.operation.name", "chat")
            if span_model:
                llm.set_attribute("gen_ai.request.model", "gpt-4o-mini")
                llm.set_attribute("gen_ai.usage.input_tokens", 500 + i)
                llm.set_attribute("gen_ai.usage.output_tokens", 40 + i)
            if details:
                model, response_model, provider, tin, tout = details
                emit("gen_ai.client.inference.operation.details", {
                    "gen_ai.operation.name": "chat", "gen_ai.provider.name": provider, "gen_ai.request.model": model,
                    "gen_ai.response.model": response_model, "gen_ai.usage.input_tokens": tin, "gen_ai.usage.output_tokens": tout})
        want = {"request_id": format(root.get_span_context().trace_id, "032x"), "validation": [], "feedback": None}
        if evaluation:
            name, score, label, explanation = evaluation
            attributes = {"gen_ai.evaluation.name": name, "gen_ai.evaluation.score.value": score}
            if label:
                attributes["gen_ai.evaluation.score.label"] = label
            if explanation:
                attributes["gen_ai.evaluation.explanation"] = explanation
            emit("gen_ai.evaluation.result", attributes)
            if name == "user_feedback":
                want["feedback"] = {"score": score, "source": name}
            else:
                want["validation"].append({"check": name, "passed": label == "pass", "reason": explanation or label})
        if guardrail:
            policy, rtype, value, reason = guardrail
            attributes = {"gen_ai.guardrail.policy.id": policy, "gen_ai.guardrail.result.type": rtype, "gen_ai.guardrail.result.value": value}
            if reason:
                attributes["gen_ai.guardrail.result.reason"] = reason
            emit("gen_ai.guardrail.result", attributes)
            passed = value in ("NONE", "false")
            want["validation"].append({"check": f"guardrail:{policy}", "passed": passed, "reason": reason or f"{rtype}={value}"})
        events.emit(LogRecord(body="answered", severity_number=SeverityNumber.INFO))  # a plain log line: ignored
        if span_model:
            want["model"], want["tokens"] = "gpt-4o-mini", {"input": 500 + i, "output": 40 + i}
        else:
            want["model"], want["tokens"] = details[0], {"input": details[3], "output": details[4]}
        expected.append(want)
    if i == 1:  # traces 0 and 1: events first
        assert logger_provider.force_flush(30_000) and tracer_provider.force_flush(30_000)
    elif i == 3:  # traces 2 and 3: spans first
        assert tracer_provider.force_flush(30_000) and logger_provider.force_flush(30_000)

# An event outside any trace, and one for a trace whose spans are never exported.
emit("gen_ai.evaluation.result", {"gen_ai.evaluation.name": "toxicity", "gen_ai.evaluation.score.label": "pass"})
orphan_trace = 0x5EED0000000000000000000000000001
events.emit(LogRecord(event_name="gen_ai.guardrail.result", trace_id=orphan_trace, span_id=0x5EED000000000001,
                      trace_flags=trace.TraceFlags(1), attributes={"gen_ai.guardrail.result.value": "blocked"}))
assert logger_provider.force_flush(30_000)
tracer_provider.shutdown()
logger_provider.shutdown()
print(json.dumps({"records": expected, "orphan_trace": format(orphan_trace, "032x")}))
