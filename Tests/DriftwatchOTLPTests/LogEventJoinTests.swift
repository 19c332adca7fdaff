import DriftwatchCore
import DriftwatchOTLP
import Testing

/// Terse GenAI event construction: trace `t` as in ``makeSpan(trace:id:)``.
func makeEvent(trace: UInt8 = 1, span: UInt8 = 2, atMs: UInt64 = 5, _ name: String, _ attributes: [String: OTLPValue]) -> OTLPLogRecord {
    OTLPLogRecord(
        traceID: [UInt8](repeating: trace, count: 16), spanID: [UInt8](repeating: span, count: 8),
        timeUnixNano: atMs * 1_000_000, eventName: name,
        attributes: attributes.sorted { $0.key < $1.key }.map { OTLPAttribute(key: $0.key, value: $0.value) })
}

/// How GenAI events logged for a trace change its record (docs/otlp-mapping.md, "OTLP logs"), and that
/// they join the trace whichever arrives first.
@Suite struct LogEventJoinTests {
    typealias Assembler = TraceAssembler<ManualClock>
    func at(_ ms: Int64) -> ManualClock.Instant { ManualClock.Instant(offset: .milliseconds(ms)) }

    /// A root and an LLM span that names no model and counts no tokens.
    let spans = [
        makeSpan(id: 1, name: "answer", endMs: 100, ["driftwatch.task": .string("support")]),
        makeSpan(id: 2, parent: 1, name: "llm", startMs: 10, endMs: 90, ["gen_ai.operation.name": .string("chat")]),
    ]

    @Test func evaluationGuardrailAndInferenceDetailsLandOnTheRecord() throws {
        let logs = [
            makeEvent(atMs: 95, "gen_ai.evaluation.result", [
                "gen_ai.evaluation.name": .string("relevance"), "gen_ai.evaluation.score.value": .double(0.31),
                "gen_ai.evaluation.score.label": .string("irrelevant"), "gen_ai.evaluation.explanation": .string("answers another question")]),
            makeEvent(atMs: 96, "gen_ai.guardrail.result", [
                "gen_ai.guardrail.policy.id": .string("pii-v2"), "gen_ai.guardrail.result.type": .string("action"),
                "gen_ai.guardrail.result.value": .string("GUARDRAIL_INTERVENED"), "gen_ai.guardrail.result.reason": .string("email in output")]),
            makeEvent(atMs: 97, "gen_ai.guardrail.result", [
                "gen_ai.guardrail.component.name": .string("OpenAI Agents"), "gen_ai.guardrail.result.type": .string("tripwire_triggered"),
                "gen_ai.guardrail.result.value": .string("false")]),
            // A severity alone is no verdict, and an errored guardrail says nothing of the answer: both skipped.
            makeEvent(atMs: 98, "gen_ai.guardrail.result", ["gen_ai.guardrail.result.type": .string("severity"), "gen_ai.guardrail.result.value": .string("6")]),
            makeEvent(atMs: 98, "gen_ai.guardrail.result", ["gen_ai.guardrail.result.value": .string("blocked"), "error.type": .string("timeout")]),
            makeEvent(atMs: 50, "gen_ai.client.inference.operation.details", [
                "gen_ai.operation.name": .string("chat"), "gen_ai.provider.name": .string("anthropic"), "gen_ai.request.model": .string("claude-x"),
                "gen_ai.response.model": .string("claude-x-2026"), "gen_ai.usage.input_tokens": .int(120), "gen_ai.usage.output_tokens": .int(30)]),
            makeEvent(atMs: 99, "gen_ai.evaluation.result", ["gen_ai.evaluation.name": .string("user_feedback"), "gen_ai.evaluation.score.value": .int(-1)]),
        ]
        let record = try #require(OTLPTraceMapper().record(for: spans, logs: logs))
        #expect(record.validation == [
            ValidationCheck(check: "relevance", passed: false, reason: "answers another question"),
            ValidationCheck(check: "guardrail:pii-v2", passed: false, reason: "email in output"),
            ValidationCheck(check: "guardrail:OpenAI Agents", passed: true, reason: "tripwire_triggered=false"),
        ])
        #expect(record.model == ModelInfo(name: "claude-x", version: "claude-x-2026", provider: "anthropic"))
        #expect(record.tokens == TokenUsage(input: 120, output: 30))
        #expect(record.feedback == Feedback(score: -1, source: "user_feedback"))
        // Everything else is the spans' record.
        var plain = try #require(OTLPTraceMapper().record(for: spans))
        plain.validation = record.validation
        plain.model = record.model
        plain.tokens = record.tokens
        plain.feedback = record.feedback
        #expect(plain == record)
    }

    @Test func spansWinOverInferenceDetailsAndSpanEventsComeFirst() throws {
        let spans = [
            makeSpan(id: 1, name: "answer", endMs: 100, events: [OTLPEvent(timeUnixNano: 1, name: "gen_ai.evaluation.result", attributes: [
                OTLPAttribute(key: "gen_ai.evaluation.name", value: .string("format")), OTLPAttribute(key: "gen_ai.evaluation.score.label", value: .string("pass"))])]),
            makeSpan(id: 2, parent: 1, name: "llm", startMs: 10, endMs: 90, [
                "gen_ai.request.model": .string("gpt-4o"), "gen_ai.usage.input_tokens": .int(10), "gen_ai.usage.output_tokens": .int(2)]),
        ]
        let logs = [
            makeEvent("gen_ai.client.inference.operation.details", ["gen_ai.request.model": .string("other"), "gen_ai.usage.input_tokens": .int(999)]),
            makeEvent("gen_ai.evaluation.result", ["gen_ai.evaluation.name": .string("grounded"), "gen_ai.evaluation.score.value": .double(0.9)]),
        ]
        let record = try #require(OTLPTraceMapper().record(for: spans, logs: logs))
        #expect(record.model?.name == "gpt-4o")
        #expect(record.tokens == TokenUsage(input: 10, output: 2))
        #expect(record.validation.map(\.check) == ["format", "grounded"])
        #expect(record.validation.map(\.passed) == [true, true])
        #expect(OTLPTraceMapper().record(for: [], logs: logs) == nil, "events alone are not a request")
    }

    @Test func eventsThatArriveFirstWaitForTheirTrace() {
        var a = Assembler(configuration: .init(wait: .milliseconds(100), maxWait: .seconds(10)))
        let event = makeEvent("gen_ai.evaluation.result", ["gen_ai.evaluation.name": .string("x"), "gen_ai.evaluation.score.value": .int(1)])
        #expect(a.receive(logs: [event], at: at(0)).isEmpty)
        #expect(a.nextDeadline == at(10_000), "an events-only trace has no root: it waits max_wait")
        #expect(a.flushDue(at: at(5_000)).isEmpty)
        #expect(a.receive(spans, at: at(5_000)).isEmpty)
        #expect(a.flushDue(at: at(5_099)).isEmpty)
        let out = a.flushDue(at: at(5_100))
        #expect(out.count == 1 && out.first?.reason == .complete)
        #expect(out.first?.spans.count == 2 && out.first?.logs == [event])
    }

    @Test func eventsThatArriveAfterTheSpansRideAlongUntilTheFlush() {
        var a = Assembler(configuration: .init(wait: .milliseconds(100), maxWait: .seconds(10)))
        let event = makeEvent("gen_ai.guardrail.result", ["gen_ai.guardrail.result.value": .string("NONE")])
        #expect(a.receive(spans, at: at(0)).isEmpty)
        #expect(a.receive(logs: [event], at: at(80)).isEmpty)
        #expect(a.flushDue(at: at(100)).isEmpty, "an event extends the quiet wait like a span")
        let out = a.flushDue(at: at(180))
        #expect(out.count == 1 && out.first?.logs == [event] && out.first?.spans.count == 2)
        // After the flush, a late event forms an events-only trace that leaves at max_wait with no spans.
        #expect(a.receive(logs: [event], at: at(200)).isEmpty)
        let late = a.flushDue(at: at(10_200))
        #expect(late.count == 1 && late.first?.spans.isEmpty == true && late.first?.reason == .maxWait)
    }

    @Test func eventsCountTowardTheLimits() {
        var a = Assembler(configuration: .init(wait: .milliseconds(100), maxWait: .seconds(10), maxPendingTraces: 1, maxSpansPerTrace: 3))
        let e1 = makeEvent(trace: 1, "gen_ai.evaluation.result", [:])
        let e2 = makeEvent(trace: 2, "gen_ai.evaluation.result", [:])
        #expect(a.receive(logs: [e1], at: at(0)).isEmpty)
        let overflow = a.receive(logs: [e2], at: at(1))
        #expect(overflow.count == 1 && overflow.first?.reason == .overflow && overflow.first?.logs == [e1])
        #expect(a.receive(logs: [e2, e2], at: at(2)).first?.reason == .tooManySpans)
        #expect(a.pendingTraceCount == 0 && a.pendingLogCount == 0)
    }
}
