public import DriftwatchCore

/// Maps the spans of one trace to one ``RequestRecord`` (the table in docs/otlp-mapping.md).
///
/// Record-level attributes are looked up on the root span first, then on the other spans in
/// start order, then on the resource; stage latencies are sums of span durations per role.
public struct OTLPTraceMapper: Sendable {
    public var configuration: OTLPMappingConfiguration

    public init(configuration: OTLPMappingConfiguration = OTLPMappingConfiguration()) {
        self.configuration = configuration
    }

    /// Groups spans by trace id (in order of first appearance) and maps each trace.
    public func records(from request: OTLPTraceRequest) -> [RequestRecord] {
        TraceGrouping.group(request.spans).compactMap { record(for: $0) }
    }

    /// The record for the spans of one trace; nil when there are none.
    public func record(for spans: [OTLPSpan]) -> RequestRecord? {
        guard !spans.isEmpty else { return nil }
        let ordered = spans.sorted { $0.startTimeUnixNano < $1.startTimeUnixNano }
        let root = Self.root(of: ordered)
        let others = ordered.filter { $0.spanID != root.spanID || $0.traceID != root.traceID }
        let view = TraceView(root: root, others: others)
        let c = configuration
        typealias SC = SemanticConventions

        let roles = ordered.map { SpanRole($0) }
        let llmSpans = zip(ordered, roles).filter { $0.1 == .llm }.map(\.0)
        let toolSpans = zip(ordered, roles).filter { $0.1 == .tool }.map(\.0)
        let retrieverSpans = zip(ordered, roles).filter { $0.1 == .retriever }.map(\.0)
        let validationSpans = zip(ordered, roles).filter { $0.1 == .validation }.map(\.0)

        let requestID = view.string(c.requestIDAttributes) ?? HexID.encode(root.traceID)
        var record = RequestRecord(requestID: requestID, timestampMicros: Int64(root.startTimeUnixNano / 1000))
        record.service = view.string(c.serviceAttributes, resourceFirst: true)
        record.task = view.string(c.taskAttributes) ?? (c.taskFromRootSpanName && !root.name.isEmpty ? root.name : nil)
        record.route = view.string(c.routeAttributes)

        // The model that produced the answer: the LLM span that ended last.
        let primary = llmSpans.max { $0.endTimeUnixNano < $1.endTimeUnixNano }
        let modelView = primary.map { TraceView(root: $0, others: ordered) } ?? view
        if let name = modelView.string(SC.requestModel) ?? modelView.string(SC.responseModel) {
            let version = view.string(c.modelVersionAttributes) ?? modelView.string(SC.responseModel) ?? name
            record.model = ModelInfo(
                name: name, version: version, provider: modelView.string(SC.provider),
                base: view.string(SC.modelBase), tuned: view.value(SC.modelTuned)?.boolValue ?? false
            )
        }
        let templateID = modelView.string(SC.templateID)
        let templateVersion = modelView.string(SC.templateVersion)
        if templateID != nil || templateVersion != nil {
            record.template = TemplateInfo(id: templateID ?? "default", version: templateVersion ?? "unversioned")
        }
        let dataset = view.string(c.datasetAttributes)
        let validator = view.string(c.validatorAttributes)
        let evalSuite = view.string(c.evalSuiteAttributes)
        if dataset != nil || validator != nil || evalSuite != nil {
            record.release = ReleaseInfo(dataset: dataset, validator: validator, evalSuite: evalSuite)
        }

        record.retrieval = retrieval(retrieverSpans: retrieverSpans, view: view)
        record.toolsExpected = Self.strings(view.value(SC.toolsExpected))
        record.tools = toolSpans.map(Self.toolCall)
        let evaluations = evaluations(in: ordered)
        record.validation = evaluations.checks
        record.feedback = evaluations.feedback
        if record.feedback == nil, let score = view.value(SC.feedbackScore)?.doubleValue {
            record.feedback = Feedback(score: score, source: view.string(SC.feedbackSource))
        }
        if let raw = view.string(c.outcomeAttributes), let outcome = Outcome(rawValue: raw.lowercased()) {
            record.outcome = outcome
        } else if root.status.code == OTLPStatus.error {
            record.outcome = .failure
        } else if root.status.code == OTLPStatus.ok {
            record.outcome = .success
        }

        func stage(_ spans: [OTLPSpan]) -> Double? { spans.isEmpty ? nil : spans.reduce(0) { $0 + $1.durationMs } }
        record.latency = StageLatency(
            total: root.durationMs, retrieval: stage(retrieverSpans), tools: stage(toolSpans),
            generation: stage(llmSpans), validation: stage(validationSpans)
        )
        record.tokens = Self.tokens(llmSpans) ?? Self.tokens(ordered)
        let costs = ordered.compactMap { span in SC.cost.lazy.compactMap { span.attributes[key: $0]?.doubleValue }.first }
        if !costs.isEmpty { record.costUSD = costs.reduce(0, +) }
        if let retries = view.value(SC.retries)?.intValue { record.retries = Int(retries) }
        record.slices = slices(view)
        return record
    }

    /// The span with no parent; failing that (the root was lost), the earliest span whose parent
    /// is not in the trace; failing that, the earliest span.
    static func root(of ordered: [OTLPSpan]) -> OTLPSpan {
        if let r = ordered.first(where: \.isRoot) { return r }
        let ids = Set(ordered.map(\.spanID))
        return ordered.first { !ids.contains($0.parentSpanID) } ?? ordered[0]
    }

    static func toolCall(_ span: OTLPSpan) -> ToolCall {
        typealias SC = SemanticConventions
        let name = SC.toolName.lazy.compactMap { span.attributes[key: $0]?.stringValue }.first ?? span.name
        let version = SC.toolVersion.lazy.compactMap { span.attributes[key: $0]?.stringValue }.first
        var status = ToolStatus.ok
        let errorType = span.attributes[key: SC.errorType]?.stringValue ?? ""
        if let explicit = SC.toolStatus.lazy.compactMap({ span.attributes[key: $0]?.stringValue }).first,
           let s = ToolStatus(rawValue: explicit.lowercased()) {
            status = s
        } else if span.status.code == OTLPStatus.error || !errorType.isEmpty {
            let text = (span.status.message + " " + errorType).lowercased()
            status = text.contains("timeout") || text.contains("timed out") ? .timeout : .error
        }
        return ToolCall(name: name, version: version, status: status, latencyMs: span.durationMs)
    }

    static func tokens(_ spans: [OTLPSpan]) -> TokenUsage? {
        typealias SC = SemanticConventions
        var input: Int64 = 0
        var output: Int64 = 0
        var found = false
        for span in spans {
            if let i = SC.inputTokens.lazy.compactMap({ span.attributes[key: $0]?.intValue }).first { input += i; found = true }
            if let o = SC.outputTokens.lazy.compactMap({ span.attributes[key: $0]?.intValue }).first { output += o; found = true }
        }
        return found ? TokenUsage(input: Int(input), output: Int(output)) : nil
    }

    /// An array of strings, or one comma-separated string.
    static func strings(_ value: OTLPValue?) -> [String] {
        switch value {
        case .array(let items)?: return items.compactMap(\.stringValue)
        case .string(let s)?: return s.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        default: return []
        }
    }

    func slices(_ view: TraceView) -> [Slice] {
        var out: [Slice] = []
        var seen: Set<String> = []
        let c = configuration
        func take(_ attributes: [OTLPAttribute]) {
            for a in attributes {
                var key: String?
                if c.sliceAttributes.contains(a.key) {
                    key = a.key
                } else if let prefix = c.slicePrefixes.first(where: { a.key.hasPrefix($0) && a.key.count > $0.count }) {
                    key = String(a.key.dropFirst(prefix.count))
                }
                guard let key, !seen.contains(key) else { continue }
                let value: SliceValue
                switch a.value {
                case .string(let s): value = .string(s)
                case .bool(let b): value = .bool(b)
                case .int(let i): value = .number(Double(i))
                case .double(let d): value = .number(d)
                default: continue
                }
                seen.insert(key)
                out.append(Slice(key: key, value: value))
            }
        }
        take(view.root.attributes)
        for span in view.others { take(span.attributes) }
        take(view.root.resourceAttributes)
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// Attribute lookup over a trace in precedence order: a chosen span, the others, then the resource.
struct TraceView {
    var root: OTLPSpan
    var others: [OTLPSpan]

    func value(_ names: [String], resourceFirst: Bool = false) -> OTLPValue? {
        if resourceFirst, let v = Self.find(names, root.resourceAttributes) { return v }
        if let v = Self.find(names, root.attributes) { return v }
        for span in others { if let v = Self.find(names, span.attributes) { return v } }
        return resourceFirst ? nil : Self.find(names, root.resourceAttributes)
    }

    func string(_ names: [String], resourceFirst: Bool = false) -> String? {
        guard let v = value(names, resourceFirst: resourceFirst)?.stringValue, !v.isEmpty else { return nil }
        return v
    }

    private static func find(_ names: [String], _ attributes: [OTLPAttribute]) -> OTLPValue? {
        for name in names { if let v = attributes[key: name], v != .empty { return v } }
        return nil
    }
}

/// Spans grouped by trace id in order of first appearance.
enum TraceGrouping {
    static func group(_ spans: [OTLPSpan]) -> [[OTLPSpan]] {
        var index: [[UInt8]: Int] = [:]
        var groups: [[OTLPSpan]] = []
        for span in spans {
            if let i = index[span.traceID] {
                groups[i].append(span)
            } else {
                index[span.traceID] = groups.count
                groups.append([span])
            }
        }
        return groups
    }
}
