/// The simulated world: services, tasks, models, templates, retrieval indexes, tools and traffic slices.
///
/// Numbers are chosen so the baseline looks like a healthy production service (success ~85-92% per task,
/// a tuned model that is weaker on German and long contexts, a fallback model that is stronger there), which
/// the injected incidents then perturb one stage at a time.
public enum WorkloadCatalog {
    /// Task names the generator emits, in catalog order.
    public static var taskNames: [String] { tasks.map(\.name) }
    /// Tool names the generator emits, in catalog order.
    public static var toolNames: [String] { tools.map(\.name) }
    /// Slice keys and their values, in the order records carry them.
    public static var sliceValues: [(key: String, values: [String])] {
        sliceDimensions.map { ($0.key, $0.values) }
    }
    /// The slice value the tuned model handles worst; shifting traffic toward it is a routing problem.
    public static let tunedWeakestSlice = (key: "language", value: "de")

    // MARK: - Tasks

    enum ModelRole: Int, Sendable { case tuned = 0, general = 1, fallback = 2 }
    enum Pool: Int, Sendable { case support = 0, claims = 1 }

    struct TaskProfile: Sendable {
        var name: String
        var service: String
        var weight: Double
        var templateID: String
        var templateVersion: Int
        var pool: Pool?
        var topK: Int
        var toolsExpected: [Int]
        /// A tool sometimes called without being required (tool precision below 1).
        var optionalTool: (tool: Int, probability: Double)?
        var model: ModelRole
        var promptTokens: Double
        var outputTokens: Double
        /// Probability that the output fails the schema check on a healthy template.
        var schemaFailure: Double
        var schemaReason: String
        var policyReason: String
        var groundedReason: String
    }

    static let tasks: [TaskProfile] = [
        TaskProfile(name: "refund_question", service: "support-copilot", weight: 0.24, templateID: "refund_answer",
                    templateVersion: 7, pool: .support, topK: 5, toolsExpected: [0, 1], optionalTool: nil, model: .tuned,
                    promptTokens: 900, outputTokens: 180, schemaFailure: 0.008,
                    schemaReason: "missing field refund_amount", policyReason: "refund promised outside policy window",
                    groundedReason: "answer cites no retrieved policy"),
        TaskProfile(name: "order_status", service: "support-copilot", weight: 0.20, templateID: "order_status_answer",
                    templateVersion: 4, pool: .support, topK: 3, toolsExpected: [0], optionalTool: nil, model: .tuned,
                    promptTokens: 700, outputTokens: 120, schemaFailure: 0.006,
                    schemaReason: "missing field order_id", policyReason: "disclosed another customer's order",
                    groundedReason: "delivery date not in evidence"),
        TaskProfile(name: "policy_lookup", service: "support-copilot", weight: 0.18, templateID: "policy_answer",
                    templateVersion: 5, pool: .support, topK: 8, toolsExpected: [], optionalTool: (2, 0.04), model: .tuned,
                    promptTokens: 800, outputTokens: 220, schemaFailure: 0.006,
                    schemaReason: "citations not a list", policyReason: "gave legal advice",
                    groundedReason: "claim not supported by evidence"),
        TaskProfile(name: "claim_triage", service: "claims-triage", weight: 0.22, templateID: "claim_triage",
                    templateVersion: 3, pool: .claims, topK: 6, toolsExpected: [2], optionalTool: nil, model: .general,
                    promptTokens: 1400, outputTokens: 260, schemaFailure: 0.01,
                    schemaReason: "severity not in enum", policyReason: "triaged without required disclosure",
                    groundedReason: "coverage clause not in evidence"),
        TaskProfile(name: "invoice_extraction", service: "invoice-extraction", weight: 0.16, templateID: "invoice_fields",
                    templateVersion: 12, pool: nil, topK: 0, toolsExpected: [], optionalTool: nil, model: .general,
                    promptTokens: 1800, outputTokens: 320, schemaFailure: 0.03,
                    schemaReason: "total is not a number", policyReason: "unmasked bank account number",
                    groundedReason: ""),
    ]

    static let taskCumulativeWeights: [Double] = cumulative(tasks.map(\.weight))

    static func taskIndex(named name: String) -> Int? { tasks.firstIndex { $0.name == name } }

    // MARK: - Models

    struct ModelProfile: Sendable {
        var name: String
        var version: String
        var provider: String
        var base: String?
        var tuned: Bool
        var inputPricePerMillion: Double
        var outputPricePerMillion: Double
        /// Milliseconds per output token.
        var msPerToken: Double
        /// Policy/content failure probability by task (catalog order) on the easiest slice.
        var policyFailure: [Double]
        /// Additive policy failure for slice values (key, value, penalty).
        var slicePenalty: [(key: Int, value: Int, penalty: Double)]
    }

    static let models: [ModelProfile] = [
        ModelProfile(name: "copilot-ft", version: "ckpt-0412", provider: "internal", base: "gpt-4o-mini", tuned: true,
                     inputPricePerMillion: 0.30, outputPricePerMillion: 1.20, msPerToken: 9,
                     policyFailure: [0.025, 0.02, 0.03, 0.03, 0.01],
                     slicePenalty: [(0, 1, 0.09), (0, 2, 0.02), (0, 3, 0.01), (3, 1, 0.05), (1, 1, 0.01)]),
        ModelProfile(name: "gpt-4o-mini", version: "2024-07-18", provider: "openai", base: nil, tuned: false,
                     inputPricePerMillion: 0.15, outputPricePerMillion: 0.60, msPerToken: 8,
                     policyFailure: [0.04, 0.035, 0.04, 0.035, 0.02],
                     slicePenalty: [(0, 1, 0.01), (0, 2, 0.01), (3, 1, 0.03)]),
        ModelProfile(name: "gpt-4o", version: "2024-08-06", provider: "openai", base: nil, tuned: false,
                     inputPricePerMillion: 2.50, outputPricePerMillion: 10.0, msPerToken: 14,
                     policyFailure: [0.02, 0.015, 0.02, 0.02, 0.008],
                     slicePenalty: [(0, 1, 0.005), (3, 1, 0.01)]),
    ]

    // MARK: - Retrieval

    struct IndexProfile: Sendable {
        var version: String
        var documentPrefix: String
        var documentCount: Int
    }

    static let indexes: [IndexProfile] = [
        IndexProfile(version: "kb-2024-12-01", documentPrefix: "kb-", documentCount: 4000),
        IndexProfile(version: "claims-2024-11", documentPrefix: "cl-", documentCount: 2500),
    ]

    static func poolNamed(_ name: String) -> Pool? {
        switch name {
        case "support", "kb": return .support
        case "claims": return .claims
        default: return nil
        }
    }

    // MARK: - Tools

    struct ToolProfile: Sendable {
        var name: String
        var version: String
        var medianLatencyMs: Double
        var errorRate: Double
        var timeoutRate: Double
    }

    static let tools: [ToolProfile] = [
        ToolProfile(name: "order_status_api", version: "2.3.1", medianLatencyMs: 140, errorRate: 0.006, timeoutRate: 0.003),
        ToolProfile(name: "refund_api", version: "1.8.0", medianLatencyMs: 220, errorRate: 0.008, timeoutRate: 0.004),
        ToolProfile(name: "crm_lookup", version: "5.2.0", medianLatencyMs: 90, errorRate: 0.005, timeoutRate: 0.002),
    ]

    static let toolTimeoutMs = 3000.0

    static func toolIndex(named name: String) -> Int? { tools.firstIndex { $0.name == name } }

    // MARK: - Slices

    struct SliceDimension: Sendable {
        var key: String
        var values: [String]
        var weights: [Double]
    }

    /// Slice keys in record order. `long_context` is drawn conditionally on the channel (see the simulator),
    /// its weights here are the chat-channel ones.
    static let sliceDimensions: [SliceDimension] = [
        SliceDimension(key: "language", values: ["en", "de", "fr", "es"], weights: [0.55, 0.15, 0.15, 0.15]),
        SliceDimension(key: "channel", values: ["chat", "email"], weights: [0.7, 0.3]),
        SliceDimension(key: "customer_tier", values: ["free", "pro", "enterprise"], weights: [0.5, 0.35, 0.15]),
        SliceDimension(key: "long_context", values: ["false", "true"], weights: [0.9, 0.1]),
    ]

    /// Probability of a long context on email (chat uses ``sliceDimensions``).
    static let emailLongContext = 0.25

    static func sliceKeyIndex(_ key: String) -> Int? { sliceDimensions.firstIndex { $0.key == key } }

    static func cumulative(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        var acc = 0.0
        return weights.map { acc += $0 / total; return acc }
    }
}
