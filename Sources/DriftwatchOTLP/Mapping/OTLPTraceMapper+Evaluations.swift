import DriftwatchCore

extension OTLPTraceMapper {
    /// `gen_ai.evaluation.result` span events and log records (and Phoenix-style `eval.*` / `annotation.*`
    /// names) become validation checks, except those named in ``OTLPMappingConfiguration/feedbackEvaluationNames``,
    /// which become the feedback (the last one wins: span events in span order, then log records in time order).
    func evaluations(in spans: [OTLPSpan], logs: [OTLPLogRecord] = []) -> (checks: [ValidationCheck], feedback: Feedback?) {
        typealias SC = SemanticConventions
        var events: [[OTLPAttribute]] = []
        for span in spans {
            for event in span.events where SC.evaluationEvents.contains(event.name) { events.append(event.attributes) }
        }
        for log in logs where log.genAIEvent == .evaluation { events.append(log.eventAttributes) }
        var checks: [ValidationCheck] = []
        var feedback: Feedback?
        for a in events {
            func first(_ names: [String]) -> OTLPValue? { names.lazy.compactMap { a[key: $0] }.first }
            let name = first(SC.evaluationName)?.stringValue ?? "evaluation"
            let score = first(SC.evaluationScore)?.doubleValue
            let label = first(SC.evaluationLabel)?.stringValue
            let explanation = first(SC.evaluationExplanation)?.stringValue
            let passed: Bool?
            if let l = label?.lowercased(), SC.passLabels.contains(l) {
                passed = true
            } else if let l = label?.lowercased(), SC.failLabels.contains(l) {
                passed = false
            } else if let score {
                passed = score >= configuration.evaluationPassThreshold
            } else {
                passed = nil
            }
            if configuration.feedbackEvaluationNames.contains(name) {
                if let s = score ?? passed.map({ $0 ? 1 : -1 }) {
                    feedback = Feedback(score: s, source: name)
                }
            } else if let passed {
                checks.append(ValidationCheck(check: name, passed: passed, reason: explanation ?? label))
            }
        }
        return (checks, feedback)
    }
}
