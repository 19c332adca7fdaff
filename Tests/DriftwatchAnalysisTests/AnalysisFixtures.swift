import DriftwatchCore
import Foundation
import Testing

/// Reference values written by Fixtures/make_analysis_fixtures.py (scipy, statsmodels).
struct AnalysisReference: Decodable {
    struct OneSided: Decodable {
        var current_successes: Int, current_trials: Int, reference_successes: Int, reference_trials: Int
        var method: String
        var p_value: Double, wilson_lower: Double, wilson_upper: Double
    }

    struct Decomposition: Decodable {
        var baseline: [String: [Int]]
        var current: [String: [Int]]
        var mix: Double, rate: Double, delta: Double
    }

    var one_sided: [OneSided]
    var decompositions: [Decomposition]

    static func load() throws -> AnalysisReference {
        let url = try #require(Bundle.module.url(forResource: "analysis_reference", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(AnalysisReference.self, from: Data(contentsOf: url))
    }
}

/// A record with everything the analyzer reads, for hand-checked unit tests.
func sampleRecord(
    id: String = "r1", ts: Int64 = 1_736_121_600_000_000, task: String = "refund_question", success: Bool = true,
    modelVersion: String = "ckpt-1", templateVersion: String = "7", language: String = "en", latency: Double = 800,
    route: String = "primary"
) -> RequestRecord {
    let day: Int64 = 86_400_000_000
    return RequestRecord(
        requestID: id, timestampMicros: ts, service: "support", task: task, route: route,
        model: ModelInfo(name: "copilot-ft", version: modelVersion, tuned: true),
        template: TemplateInfo(id: "refund_answer", version: templateVersion),
        release: ReleaseInfo(dataset: "sft-1"),
        retrieval: RetrievalInfo(indexVersion: "kb-1", topK: 2, evidence: [
            Evidence(id: "d1", score: 0.5, updatedAtMicros: ts - 2 * day),
            Evidence(id: "d2", score: 0.9, updatedAtMicros: ts - 4 * day),
        ]),
        toolsExpected: ["order_api", "refund_api"],
        tools: [ToolCall(name: "order_api", version: "2", status: .ok, latencyMs: 100),
                ToolCall(name: "crm", version: "5", status: .error, latencyMs: 20),
                ToolCall(name: "refund_api", version: "1", status: .timeout, latencyMs: 3000)],
        validation: [ValidationCheck(check: "schema", passed: true), ValidationCheck(check: "grounded", passed: success)],
        outcome: success ? .success : .failure,
        feedback: Feedback(score: success ? 1 : 0.2, source: "user"),
        latency: StageLatency(total: latency, retrieval: 50, tools: 300, generation: 400, validation: 20),
        tokens: TokenUsage(input: 1000, output: 200), costUSD: 0.002, retries: 1,
        slices: [Slice(key: "language", value: .string(language)), Slice(key: "long_context", value: .bool(false))])
}
