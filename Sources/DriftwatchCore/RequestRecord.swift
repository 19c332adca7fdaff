/// One request served by an LLM service: record format v1, one JSON object per log line.
///
/// Only `requestID` and `timestamp` are required. Unknown fields are not modelled here; they
/// survive in the raw line, which the store keeps next to the decoded columns.
public struct RequestRecord: Sendable, Equatable {
    /// Unique per request; the idempotency key of the store.
    public var requestID: String
    /// Microseconds since the Unix epoch (UTC).
    public var timestampMicros: Int64
    public var service: String?
    public var task: String?
    /// "primary", "fallback" or any label of the router's choice.
    public var route: String?
    public var model: ModelInfo?
    public var template: TemplateInfo?
    public var release: ReleaseInfo?
    public var retrieval: RetrievalInfo?
    public var toolsExpected: [String]
    public var tools: [ToolCall]
    public var validation: [ValidationCheck]
    public var outcome: Outcome?
    public var feedback: Feedback?
    public var latency: StageLatency?
    public var tokens: TokenUsage?
    public var costUSD: Double?
    public var retries: Int?
    /// Free-form tags in the order they appeared in the line.
    public var slices: [Slice]

    public init(
        requestID: String,
        timestampMicros: Int64,
        service: String? = nil,
        task: String? = nil,
        route: String? = nil,
        model: ModelInfo? = nil,
        template: TemplateInfo? = nil,
        release: ReleaseInfo? = nil,
        retrieval: RetrievalInfo? = nil,
        toolsExpected: [String] = [],
        tools: [ToolCall] = [],
        validation: [ValidationCheck] = [],
        outcome: Outcome? = nil,
        feedback: Feedback? = nil,
        latency: StageLatency? = nil,
        tokens: TokenUsage? = nil,
        costUSD: Double? = nil,
        retries: Int? = nil,
        slices: [Slice] = []
    ) {
        self.requestID = requestID
        self.timestampMicros = timestampMicros
        self.service = service
        self.task = task
        self.route = route
        self.model = model
        self.template = template
        self.release = release
        self.retrieval = retrieval
        self.toolsExpected = toolsExpected
        self.tools = tools
        self.validation = validation
        self.outcome = outcome
        self.feedback = feedback
        self.latency = latency
        self.tokens = tokens
        self.costUSD = costUSD
        self.retries = retries
        self.slices = slices
    }

    /// The value of a slice key, if the record carries it.
    public func slice(_ key: String) -> SliceValue? {
        slices.first { $0.key == key }?.value
    }
}

/// The model that served a request. `name` and `version` are required inside `model`;
/// `tuned` defaults to false when absent.
public struct ModelInfo: Sendable, Equatable {
    public var name: String
    public var version: String
    public var provider: String?
    public var base: String?
    public var tuned: Bool

    public init(name: String, version: String, provider: String? = nil, base: String? = nil, tuned: Bool = false) {
        self.name = name
        self.version = version
        self.provider = provider
        self.base = base
        self.tuned = tuned
    }
}

/// The prompt wrapper: template id and version, both required inside `template`.
public struct TemplateInfo: Sendable, Equatable {
    public var id: String
    public var version: String

    public init(id: String, version: String) {
        self.id = id
        self.version = version
    }
}

/// The rest of the release unit.
public struct ReleaseInfo: Sendable, Equatable {
    public var dataset: String?
    public var validator: String?
    public var evalSuite: String?

    public init(dataset: String? = nil, validator: String? = nil, evalSuite: String? = nil) {
        self.dataset = dataset
        self.validator = validator
        self.evalSuite = evalSuite
    }
}

/// What the retriever returned. `index_version` is required inside `retrieval`; `evidence` defaults to empty.
public struct RetrievalInfo: Sendable, Equatable {
    public var indexVersion: String
    public var topK: Int?
    public var evidence: [Evidence]

    public init(indexVersion: String, topK: Int? = nil, evidence: [Evidence] = []) {
        self.indexVersion = indexVersion
        self.topK = topK
        self.evidence = evidence
    }
}

/// One retrieved document or chunk.
public struct Evidence: Sendable, Equatable {
    public var id: String
    public var score: Double?
    /// When the document was last updated, microseconds since the epoch.
    public var updatedAtMicros: Int64?

    public init(id: String, score: Double? = nil, updatedAtMicros: Int64? = nil) {
        self.id = id
        self.score = score
        self.updatedAtMicros = updatedAtMicros
    }
}

/// One tool invocation. `name` and `status` are required.
public struct ToolCall: Sendable, Equatable {
    public var name: String
    public var version: String?
    public var status: ToolStatus
    public var latencyMs: Double?

    public init(name: String, version: String? = nil, status: ToolStatus, latencyMs: Double? = nil) {
        self.name = name
        self.version = version
        self.status = status
        self.latencyMs = latencyMs
    }
}

public enum ToolStatus: String, Sendable, Equatable, CaseIterable {
    case ok
    case error
    case timeout
}

/// One validation check run on the output (schema, grounded, policy, ...).
public struct ValidationCheck: Sendable, Equatable {
    public var check: String
    public var passed: Bool
    public var reason: String?

    public init(check: String, passed: Bool, reason: String? = nil) {
        self.check = check
        self.passed = passed
        self.reason = reason
    }
}

public enum Outcome: String, Sendable, Equatable, CaseIterable {
    case success
    case failure
    case abstained
    case escalated
}

/// Feedback from a user (+1/-1) or a reviewer (0...1).
public struct Feedback: Sendable, Equatable {
    public var score: Double
    public var source: String?

    public init(score: Double, source: String? = nil) {
        self.score = score
        self.source = source
    }
}

/// Latency per stage in milliseconds; `total` is required inside `latency_ms`.
public struct StageLatency: Sendable, Equatable {
    public var total: Double
    public var retrieval: Double?
    public var tools: Double?
    public var generation: Double?
    public var validation: Double?

    public init(total: Double, retrieval: Double? = nil, tools: Double? = nil, generation: Double? = nil, validation: Double? = nil) {
        self.total = total
        self.retrieval = retrieval
        self.tools = tools
        self.generation = generation
        self.validation = validation
    }
}

/// Token counts; both required inside `tokens`.
public struct TokenUsage: Sendable, Equatable {
    public var input: Int
    public var output: Int

    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }
}

/// One free-form tag.
public struct Slice: Sendable, Equatable {
    public var key: String
    public var value: SliceValue

    public init(key: String, value: SliceValue) {
        self.key = key
        self.value = value
    }
}

public enum SliceValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)

    /// The value as a grouping label: numbers without a fractional part print as integers.
    public var description: String {
        switch self {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        }
    }
}
