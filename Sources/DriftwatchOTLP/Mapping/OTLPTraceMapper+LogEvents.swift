public import DriftwatchCore

extension OTLPTraceMapper {
    /// The record for one trace's spans and the GenAI events logged for it (docs/otlp-mapping.md,
    /// "OTLP logs"); nil when there are no spans: an event alone says too little to be a request.
    public func record(for spans: [OTLPSpan], logs: [OTLPLogRecord]) -> RequestRecord? {
        guard var record = record(for: spans) else { return nil }
        guard !logs.isEmpty else { return record }
        let ordered = logs.sorted { $0.effectiveTimeUnixNano < $1.effectiveTimeUnixNano }
        if ordered.contains(where: { $0.genAIEvent == .evaluation }) {
            // Recomputed over span events and log records together, so feedback precedence stays one rule.
            let evaluations = evaluations(in: spans.sorted { $0.startTimeUnixNano < $1.startTimeUnixNano }, logs: ordered)
            record.validation = evaluations.checks
            if let feedback = evaluations.feedback { record.feedback = feedback }
        }
        for log in ordered where log.genAIEvent == .guardrail {
            if let check = Self.guardrailCheck(log.eventAttributes) { record.validation.append(check) }
        }
        let details = ordered.filter { $0.genAIEvent == .inferenceDetails }.map(\.eventAttributes)
        if !details.isEmpty { Self.applyInferenceDetails(details, to: &record) }
        return record
    }

    /// A `gen_ai.guardrail.result` as a check: failed when the provider-native result says the guardrail
    /// intervened, passed when it let the content through; nil (skipped) for a result that is no verdict
    /// (a severity alone, an errored guardrail).
    static func guardrailCheck(_ a: [OTLPAttribute]) -> ValidationCheck? {
        typealias SC = SemanticConventions
        guard a[key: SC.errorType]?.stringValue?.isEmpty ?? true,
              let value = a[key: SC.guardrailResultValue]?.stringValue?.lowercased() else { return nil }
        let passed: Bool
        if SC.guardrailBlockedValues.contains(value) {
            passed = false
        } else if SC.guardrailAllowedValues.contains(value) {
            passed = true
        } else {
            return nil
        }
        let detail = SC.guardrailName.lazy.compactMap { a[key: $0]?.stringValue }.first { !$0.isEmpty }
        let name = detail.map { "guardrail:\($0)" } ?? "guardrail"
        let type = a[key: SC.guardrailResultType]?.stringValue
        let reason = a[key: SC.guardrailReason]?.stringValue
            ?? (type.map { "\($0)=\(a[key: SC.guardrailResultValue]?.stringValue ?? value)" })
        return ValidationCheck(check: name, passed: passed, reason: reason)
    }

    /// `gen_ai.client.inference.operation.details` events fill what the spans did not say: the model
    /// (from the last event naming one) when no span named it, the tokens (summed) when no span counted them.
    static func applyInferenceDetails(_ events: [[OTLPAttribute]], to record: inout RequestRecord) {
        typealias SC = SemanticConventions
        func first(_ names: [String], _ a: [OTLPAttribute]) -> String? {
            names.lazy.compactMap { a[key: $0]?.stringValue }.first { !$0.isEmpty }
        }
        if record.model == nil,
           let a = events.last(where: { first(SC.requestModel, $0) != nil || first(SC.responseModel, $0) != nil }),
           let name = first(SC.requestModel, a) ?? first(SC.responseModel, a) {
            record.model = ModelInfo(name: name, version: first(SC.responseModel, a) ?? name, provider: first(SC.provider, a))
        }
        if record.tokens == nil {
            var input = 0, output = 0, found = false
            for a in events {
                if let i = SC.inputTokens.lazy.compactMap({ a[key: $0]?.intValue }).first { input += Int(i); found = true }
                if let o = SC.outputTokens.lazy.compactMap({ a[key: $0]?.intValue }).first { output += Int(o); found = true }
            }
            if found { record.tokens = TokenUsage(input: input, output: output) }
        }
    }
}
