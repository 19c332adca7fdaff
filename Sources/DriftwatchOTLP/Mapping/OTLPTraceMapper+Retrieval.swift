import DriftwatchCore

extension OTLPTraceMapper {
    /// Documents from OpenInference's flattened `retrieval.documents.N.document.*` attributes and
    /// from GenAI's `gen_ai.retrieval.documents` (an array of key-value lists, or the same as JSON text).
    func retrieval(retrieverSpans: [OTLPSpan], view: TraceView) -> RetrievalInfo? {
        var evidence: [Evidence] = []
        for span in retrieverSpans {
            evidence.append(contentsOf: Self.openInferenceDocuments(span.attributes))
            if let docs = span.attributes[key: SemanticConventions.retrievalDocuments] {
                evidence.append(contentsOf: Self.genAIDocuments(docs))
            }
        }
        guard !retrieverSpans.isEmpty || !evidence.isEmpty else { return nil }
        let indexVersion = view.string(configuration.indexVersionAttributes) ?? "unknown"
        let topK = view.value(SemanticConventions.topK)?.intValue.map { Int($0) }
        return RetrievalInfo(indexVersion: indexVersion, topK: topK, evidence: evidence)
    }

    static func openInferenceDocuments(_ attributes: [OTLPAttribute]) -> [Evidence] {
        let prefix = SemanticConventions.openInferenceDocumentsPrefix
        var byIndex: [Int: (id: String?, score: Double?, updated: Int64?)] = [:]
        for a in attributes where a.key.hasPrefix(prefix) {
            let rest = a.key.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let n = Int(rest[rest.startIndex..<dot]) else { continue }
            let field = rest[rest.index(after: dot)...]
            var entry = byIndex[n] ?? (nil, nil, nil)
            switch field {
            case "document.id": entry.id = a.value.stringValue
            case "document.score": entry.score = a.value.doubleValue
            case "document.metadata": entry.updated = updatedAt(fromMetadata: a.value)
            default: break
            }
            byIndex[n] = entry
        }
        return byIndex.keys.sorted().compactMap { n in
            let e = byIndex[n]!
            guard let id = e.id else { return nil }
            return Evidence(id: id, score: e.score, updatedAtMicros: e.updated)
        }
    }

    static func genAIDocuments(_ value: OTLPValue) -> [Evidence] {
        switch value {
        case .array(let items):
            return items.compactMap { item -> Evidence? in
                guard case .kvlist(let kv) = item, let id = kv[key: "id"]?.stringValue else { return nil }
                return Evidence(id: id, score: kv[key: "score"]?.doubleValue, updatedAtMicros: updatedAt(fromMetadata: kv[key: "metadata"] ?? .empty) ?? kv[key: "updated_at"].flatMap(timestamp))
            }
        case .string(let text):
            guard case .array(let items)? = try? JSONParser.parse(Array(text.utf8), maxDepth: 16) else { return [] }
            return items.compactMap { item -> Evidence? in
                guard let id = item["id"].flatMap(Self.jsonScalar) else { return nil }
                let score = item["score"].flatMap(Self.jsonScalar).flatMap(Double.init)
                let updated = item["updated_at"].flatMap(Self.jsonScalar).flatMap(Self.timestamp(text:))
                    ?? item["metadata"]?["updated_at"].flatMap(Self.jsonScalar).flatMap(Self.timestamp(text:))
                return Evidence(id: id, score: score, updatedAtMicros: updated)
            }
        default:
            return []
        }
    }

    /// `updated_at` inside document metadata: a key-value list, or JSON text (OpenInference writes JSON).
    static func updatedAt(fromMetadata value: OTLPValue) -> Int64? {
        switch value {
        case .kvlist(let kv): return kv[key: "updated_at"].flatMap(timestamp)
        case .string(let text):
            guard let json = try? JSONParser.parse(Array(text.utf8), maxDepth: 16) else { return nil }
            return json["updated_at"].flatMap(jsonScalar).flatMap(timestamp(text:))
        default: return nil
        }
    }

    static func timestamp(_ value: OTLPValue) -> Int64? {
        value.stringValue.flatMap(timestamp(text:))
    }

    /// RFC 3339 text, or epoch seconds.
    static func timestamp(text: String) -> Int64? {
        if let micros = RFC3339.parse(text) { return micros }
        if let seconds = Double(text) { return Int64(seconds * 1_000_000) }
        return nil
    }

    static func jsonScalar(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s), .number(let s): return s
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}
