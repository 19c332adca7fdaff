/// What a span does in an LLM request, decided from whichever convention it follows.
enum SpanRole: Equatable {
    case llm
    case tool
    case retriever
    case validation
    case other

    init(_ span: OTLPSpan) {
        let a = span.attributes
        typealias C = SemanticConventions
        if let stage = a[key: C.stage]?.stringValue?.lowercased() {
            switch stage {
            case "generation": self = .llm; return
            case "tools", "tool": self = .tool; return
            case "retrieval": self = .retriever; return
            case "validation": self = .validation; return
            default: break
            }
        }
        if let kind = a[key: C.openInferenceKind]?.stringValue?.uppercased() {
            switch kind {
            case "LLM": self = .llm; return
            case "TOOL": self = .tool; return
            case "RETRIEVER": self = .retriever; return
            case "EVALUATOR", "GUARDRAIL": self = .validation; return
            default: break
            }
        }
        if let op = a[key: C.operationName]?.stringValue?.lowercased() {
            if C.toolOperations.contains(op) { self = .tool; return }
            if C.llmOperations.contains(op) { self = .llm; return }
            if C.retrievalOperations.contains(op) { self = .retriever; return }
        }
        if a[key: C.traceloopKind]?.stringValue?.lowercased() == "tool" { self = .tool; return }
        if a.contains(where: { $0.key == C.retrievalDocuments || $0.key.hasPrefix(C.openInferenceDocumentsPrefix) }) {
            self = .retriever
            return
        }
        if a[key: "llm.request.type"] != nil || C.requestModel.contains(where: { a[key: $0] != nil }) {
            self = .llm
            return
        }
        self = .other
    }
}
