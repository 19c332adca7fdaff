import DriftwatchCore

/// The records the three fixture traces must map to, written out by hand from make_fixtures.py.
enum ExpectedRecords {
    static let t0: Int64 = 1_767_225_600_000_000

    static let genAI = RequestRecord(
        requestID: "0af7651916cd43dd8448eb211c80319c",
        timestampMicros: t0,
        service: "support-api",
        task: "support_answer",
        route: "primary",
        model: ModelInfo(name: "gpt-4o", version: "gpt-4o-2024-08-06", provider: "openai"),
        template: TemplateInfo(id: "support", version: "v7"),
        release: ReleaseInfo(dataset: "kb-2026-01"),
        retrieval: RetrievalInfo(indexVersion: "idx-42", evidence: [
            Evidence(id: "doc-1", score: 0.91),
            Evidence(id: "doc-2", score: 0.55, updatedAtMicros: 1_764_583_200_000_000),
        ]),
        toolsExpected: ["search_orders", "refund"],
        tools: [
            ToolCall(name: "search_orders", status: .ok, latencyMs: 70),
            ToolCall(name: "refund", status: .timeout, latencyMs: 150),
        ],
        validation: [
            ValidationCheck(check: "groundedness", passed: true, reason: "pass"),
            ValidationCheck(check: "relevance", passed: false, reason: "off topic"),
        ],
        outcome: .success,
        feedback: Feedback(score: -1, source: "user_feedback"),
        latency: StageLatency(total: 1500, retrieval: 200, tools: 220, generation: 1000),
        tokens: TokenUsage(input: 812, output: 120),
        slices: [
            Slice(key: "locale", value: .string("de")),
            Slice(key: "tier", value: .number(2)),
            Slice(key: "beta", value: .bool(true)),
        ]
    )

    static let openInference = RequestRecord(
        requestID: "req-oi-1",
        timestampMicros: t0,
        service: "oi-app",
        task: "query",
        model: ModelInfo(name: "claude-3-5-sonnet", version: "claude-3-5-sonnet", provider: "anthropic"),
        template: TemplateInfo(id: "default", version: "3"),
        retrieval: RetrievalInfo(indexVersion: "unknown", evidence: [
            Evidence(id: "kb-17", score: 0.8, updatedAtMicros: 1_764_489_600_000_000),
            Evidence(id: "kb-3", score: 0.4),
        ]),
        tools: [ToolCall(name: "lookup_account", status: .error, latencyMs: 60)],
        latency: StageLatency(total: 900, retrieval: 100, tools: 60, generation: 700),
        tokens: TokenUsage(input: 500, output: 80),
        costUSD: 0.0123
    )

    static let traceloop = RequestRecord(
        requestID: "2cf7651916cd43dd8448eb211c80319e",
        timestampMicros: t0,
        service: "ll-app",
        task: "answer_question",
        model: ModelInfo(name: "claude-3-haiku", version: "claude-3-haiku", provider: "anthropic"),
        template: TemplateInfo(id: "faq", version: "4"),
        tools: [ToolCall(name: "get_weather", status: .ok, latencyMs: 80)],
        latency: StageLatency(total: 700, tools: 80, generation: 590),
        tokens: TokenUsage(input: 300, output: 40),
        slices: [Slice(key: "customer_tier", value: .string("gold"))]
    )

    static let all = [genAI, openInference, traceloop]
}
