/// Attribute names of the conventions the mapper reads, newest first where a name was replaced.
///
/// GenAI semantic conventions (`gen_ai.*`), OpenInference (`openinference.*`, `llm.*`,
/// `retrieval.*`, `tool.*`) and OpenLLMetry (`traceloop.*`, plus its older `gen_ai.*` and
/// `llm.*` names).
enum SemanticConventions {
    static let operationName = "gen_ai.operation.name"
    static let openInferenceKind = "openinference.span.kind"
    static let traceloopKind = "traceloop.span.kind"
    static let stage = "driftwatch.stage"

    static let llmOperations: Set<String> = ["chat", "text_completion", "generate_content", "completion", "embeddings"]
    static let toolOperations: Set<String> = ["execute_tool"]
    static let retrievalOperations: Set<String> = ["retrieval", "retrieve", "search"]

    static let requestModel = ["gen_ai.request.model", "llm.model_name", "llm.request.model"]
    static let responseModel = ["gen_ai.response.model", "llm.response.model"]
    static let provider = ["gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"]
    static let modelBase = ["driftwatch.model.base"]
    static let modelTuned = ["driftwatch.model.tuned"]

    static let inputTokens = ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt", "llm.usage.prompt_tokens"]
    static let outputTokens = ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion", "llm.usage.completion_tokens"]
    static let cost = ["driftwatch.cost_usd", "llm.cost.total", "gen_ai.usage.cost"]

    static let templateID = ["driftwatch.template.id", "gen_ai.prompt.name", "traceloop.prompt.key", "llm.prompt_template.name"]
    static let templateVersion = ["driftwatch.template.version", "gen_ai.prompt.version", "llm.prompt_template.version", "traceloop.prompt.version"]

    static let toolName = ["gen_ai.tool.name", "tool.name", "traceloop.entity.name"]
    static let toolVersion = ["driftwatch.tool.version", "tool.version"]
    static let toolStatus = ["driftwatch.tool.status"]
    static let errorType = "error.type"
    static let toolsExpected = ["driftwatch.tools_expected"]

    static let retrievalDocuments = "gen_ai.retrieval.documents"
    static let openInferenceDocumentsPrefix = "retrieval.documents."
    static let topK = ["driftwatch.retrieval.top_k", "gen_ai.retrieval.top_k", "db.vector.query.top_k"]

    static let evaluationEvents: Set<String> = ["gen_ai.evaluation.result", "gen_ai.evaluation", "evaluation"]
    static let evaluationName = ["gen_ai.evaluation.name", "eval.name", "annotation.name"]
    static let evaluationScore = ["gen_ai.evaluation.score.value", "gen_ai.evaluation.score", "eval.score", "annotation.score"]
    static let evaluationLabel = ["gen_ai.evaluation.score.label", "gen_ai.evaluation.label", "eval.label", "annotation.label"]
    static let evaluationExplanation = ["gen_ai.evaluation.explanation", "eval.explanation", "annotation.explanation"]

    /// GenAI events arriving as OTLP log records (docs/otlp-mapping.md, "OTLP logs").
    static let guardrailEvents: Set<String> = ["gen_ai.guardrail.result"]
    static let inferenceDetailsEvents: Set<String> = ["gen_ai.client.inference.operation.details"]
    /// The check's name: the most specific of rule, category, policy and component.
    static let guardrailName = ["gen_ai.guardrail.policy.rule.id", "gen_ai.guardrail.risk.category", "gen_ai.guardrail.policy.id", "gen_ai.guardrail.component.name"]
    static let guardrailResultType = "gen_ai.guardrail.result.type"
    static let guardrailResultValue = "gen_ai.guardrail.result.value"
    static let guardrailReason = "gen_ai.guardrail.result.reason"
    /// Provider-native results that mean the guardrail stopped or changed the content (the check failed)
    /// or let it through (passed); compared lowercased. Others (a bare severity, say) are not a verdict.
    static let guardrailBlockedValues: Set<String> = [
        "guardrail_intervened", "intervened", "blocked", "block", "deny", "denied", "flagged", "match_found",
        "true", "triggered", "rejected", "fail", "failed", "violation", "unsafe",
    ]
    static let guardrailAllowedValues: Set<String> = [
        "none", "allowed", "allow", "pass", "passed", "no_match", "false", "not_triggered", "safe", "ok", "accepted",
    ]

    static let retries = ["driftwatch.retries"]
    static let feedbackScore = ["driftwatch.feedback.score"]
    static let feedbackSource = ["driftwatch.feedback.source"]

    static let passLabels: Set<String> = ["pass", "passed", "true", "correct", "relevant", "yes", "good", "grounded", "factual", "ok", "valid"]
    static let failLabels: Set<String> = ["fail", "failed", "false", "incorrect", "irrelevant", "no", "bad", "ungrounded", "hallucinated", "toxic", "invalid", "error"]
}
