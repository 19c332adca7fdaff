import DriftwatchCore
import DriftwatchOTLP
import Testing

@Suite struct MappingConventionTests {
    let mapper = OTLPTraceMapper()

    @Test("old and new GenAI names give the same record", arguments: [
        ["gen_ai.system": OTLPValue.string("openai"), "gen_ai.usage.prompt_tokens": .int(10), "gen_ai.usage.completion_tokens": .int(3)],
        ["gen_ai.provider.name": .string("openai"), "gen_ai.usage.input_tokens": .int(10), "gen_ai.usage.output_tokens": .int(3)],
        ["llm.provider": .string("openai"), "llm.token_count.prompt": .string("10"), "llm.token_count.completion": .double(3)],
    ])
    func providerAndTokenNames(_ attributes: [String: OTLPValue]) throws {
        var a = attributes
        a["gen_ai.request.model"] = .string("m")
        let r = try #require(mapper.record(for: [makeSpan(id: 1, a)]))
        #expect(r.model == ModelInfo(name: "m", version: "m", provider: "openai"))
        #expect(r.tokens == TokenUsage(input: 10, output: 3))
        #expect(r.latency?.generation == 10)
    }

    @Test func newerProviderNameWinsOverTheOlderOne() throws {
        let r = try #require(mapper.record(for: [makeSpan(id: 1, ["gen_ai.request.model": .string("m"), "gen_ai.system": .string("old"), "gen_ai.provider.name": .string("new")])]))
        #expect(r.model?.provider == "new")
    }

    @Test("tool status from span status, message, error.type and explicit attribute", arguments: [
        (OTLPStatus(), [String: OTLPValue](), ToolStatus.ok),
        (OTLPStatus(code: OTLPStatus.error, message: "boom"), [:], .error),
        (OTLPStatus(code: OTLPStatus.error, message: "Request Timeout"), [:], .timeout),
        (OTLPStatus(code: OTLPStatus.error, message: "x"), ["error.type": .string("TimeoutError")], .timeout),
        (OTLPStatus(), ["error.type": .string("ValueError")], .error),
        (OTLPStatus(code: OTLPStatus.error), ["driftwatch.tool.status": .string("timeout")], .timeout),
    ])
    func toolStatus(_ status: OTLPStatus, _ extra: [String: OTLPValue], _ expected: ToolStatus) throws {
        var a = extra
        a["openinference.span.kind"] = .string("TOOL")
        a["tool.name"] = .string("t")
        let root = makeSpan(id: 1, startMs: 0, endMs: 100)
        let tool = makeSpan(id: 2, parent: 1, startMs: 10, endMs: 35, a, status: status)
        let r = try #require(mapper.record(for: [tool, root]))
        #expect(r.tools == [ToolCall(name: "t", status: expected, latencyMs: 25)])
        #expect(r.latency == StageLatency(total: 100, tools: 25))
    }

    @Test func requestIDTaskRouteSlicesAndReleaseFromConfiguredAttributes() throws {
        let config = OTLPMappingConfiguration(
            requestIDAttributes: ["app.request_id"], taskAttributes: ["app.task"], routeAttributes: ["app.route"],
            datasetAttributes: ["app.dataset"], slicePrefixes: ["tag."], sliceAttributes: ["user.plan"]
        )
        let root = makeSpan(id: 1, name: "POST /answer", ["app.request_id": .string("r-9"), "app.task": .string("qa"), "tag.lang": .string("fr"), "driftwatch.slice.ignored": .string("x")])
        let child = makeSpan(id: 2, parent: 1, ["app.route": .string("fallback"), "user.plan": .string("pro"), "tag.lang": .string("en"), "app.dataset": .string("d1")],
                             resource: ["service.name": .string("svc"), "tag.region": .string("eu")])
        let r = try #require(OTLPTraceMapper(configuration: config).record(for: [root, child]))
        #expect(r.requestID == "r-9")
        #expect(r.task == "qa")
        #expect(r.route == "fallback")
        #expect(r.release == ReleaseInfo(dataset: "d1"))
        #expect(r.service == nil)  // the resource of the root span has no service.name
        #expect(r.slices == [Slice(key: "lang", value: .string("fr")), Slice(key: "user.plan", value: .string("pro"))])
    }

    @Test func defaultsUseTheTraceIDAndTheRootSpanName() throws {
        let r = try #require(mapper.record(for: [makeSpan(trace: 0xAB, id: 1, name: "handle", resource: ["service.name": .string("api")])]))
        #expect(r.requestID == String(repeating: "ab", count: 16))
        #expect(r.task == "handle")
        #expect(r.service == "api")
        #expect(r.model == nil && r.tokens == nil && r.retrieval == nil)
        let noName = OTLPTraceMapper(configuration: OTLPMappingConfiguration(taskFromRootSpanName: false))
        #expect(noName.record(for: [makeSpan(id: 1, name: "handle")])?.task == nil)
    }

    @Test func rootIsTheParentlessSpanOrTheEarliestOrphan() throws {
        // Root missing: the earliest span whose parent is not in the trace stands in.
        let a = makeSpan(id: 2, parent: 9, name: "orphan", startMs: 5, endMs: 50)
        let b = makeSpan(id: 3, parent: 2, name: "child", startMs: 6, endMs: 20)
        let r = try #require(mapper.record(for: [b, a]))
        #expect(r.task == "orphan")
        #expect(r.latency?.total == 45)
        #expect(r.timestampMicros == 5_000)
    }

    @Test func evaluationsBecomeChecksAndFeedback() throws {
        func eval(_ a: [String: OTLPValue]) -> OTLPEvent {
            OTLPEvent(name: "gen_ai.evaluation.result", attributes: a.sorted { $0.key < $1.key }.map { OTLPAttribute(key: $0.key, value: $0.value) })
        }
        let span = makeSpan(id: 1, events: [
            eval(["gen_ai.evaluation.name": .string("schema"), "gen_ai.evaluation.score.label": .string("FAIL")]),
            eval(["gen_ai.evaluation.name": .string("faithfulness"), "gen_ai.evaluation.score.value": .double(0.7)]),
            eval(["gen_ai.evaluation.name": .string("vague"), "gen_ai.evaluation.score.label": .string("meh")]),
            eval(["eval.name": .string("policy"), "eval.label": .string("correct"), "eval.explanation": .string("fine")]),
            eval(["gen_ai.evaluation.name": .string("feedback"), "gen_ai.evaluation.score.label": .string("good")]),
            OTLPEvent(name: "exception", attributes: [OTLPAttribute(key: "gen_ai.evaluation.name", value: .string("not an evaluation"))]),
        ])
        let r = try #require(mapper.record(for: [span]))
        #expect(r.validation == [
            ValidationCheck(check: "schema", passed: false, reason: "FAIL"),
            ValidationCheck(check: "faithfulness", passed: true),
            ValidationCheck(check: "policy", passed: true, reason: "fine"),
        ])
        #expect(r.feedback == Feedback(score: 1, source: "feedback"))
    }

    @Test func outcomeFromAttributeOrRootStatus() throws {
        #expect(mapper.record(for: [makeSpan(id: 1, status: OTLPStatus(code: OTLPStatus.error))])?.outcome == .failure)
        #expect(mapper.record(for: [makeSpan(id: 1, ["driftwatch.outcome": .string("abstained")], status: OTLPStatus(code: OTLPStatus.error))])?.outcome == .abstained)
        #expect(mapper.record(for: [makeSpan(id: 1)])?.outcome == nil)
    }

    @Test func genAIDocumentsAsJSONText() throws {
        let docs = #"[{"id":"a","score":0.5,"metadata":{"updated_at":"2025-01-02T03:04:05.5+01:00"}},{"id":7},{"score":1}]"#
        let span = makeSpan(id: 1, ["gen_ai.retrieval.documents": .string(docs), "db.vector.query.top_k": .int(5)])
        let r = try #require(mapper.record(for: [span]))
        // 2025-01-02T02:04:05.5Z
        #expect(r.retrieval == RetrievalInfo(indexVersion: "unknown", topK: 5, evidence: [
            Evidence(id: "a", score: 0.5, updatedAtMicros: 1_735_783_445_500_000), Evidence(id: "7"),
        ]))
        #expect(r.latency?.retrieval == 10)
    }

    /// Document `updated_at` goes through Core's strict RFC 3339 parser (OTLP had its own, which took Feb 31).
    @Test("document updated_at is parsed strictly", arguments: [
        ("2025-02-31T00:00:00Z", nil), ("2024-02-30T00:00:00Z", nil), ("2023-02-29T00:00:00Z", nil),
        ("2024-02-29T00:00:00+24:00", nil), ("2024-02-29T00:00:00+01:60", nil),
        ("2024-02-29T12:00:00z", 1_709_208_000_000_000), ("2025-01-02T03:04:05.5+01:00", 1_735_783_445_500_000),
    ] as [(String, Int64?)])
    func updatedAtIsStrict(text: String, micros: Int64?) throws {
        let docs = #"[{"id":"a","metadata":{"updated_at":""# + text + #""}}]"#
        let span = makeSpan(id: 1, ["gen_ai.retrieval.documents": .string(docs)])
        let r = try #require(mapper.record(for: [span]))
        #expect(r.retrieval?.evidence.first?.updatedAtMicros == micros)
    }

    @Test func tracesAreGroupedInOrderOfFirstAppearance() {
        let spans = [makeSpan(trace: 2, id: 1), makeSpan(trace: 1, id: 1), makeSpan(trace: 2, id: 2, parent: 1)]
        let records = mapper.records(from: OTLPTraceRequest(spans: spans))
        #expect(records.map(\.requestID) == [String(repeating: "02", count: 16), String(repeating: "01", count: 16)])
    }
}
