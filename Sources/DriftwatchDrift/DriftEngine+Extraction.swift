import DriftwatchCore

extension DriftEngine {
    /// Fills the scratch arrays with this record's feature values, scopes and quality counters.
    mutating func extract(_ record: RequestRecord) {
        discoverSlices(record)
        let featureCount = state.features.count
        scratch.documents.removeAll(keepingCapacity: true)
        scratch.categoryList.removeAll(keepingCapacity: true)
        scratch.numberList.removeAll(keepingCapacity: true)
        scratch.scopes.removeAll(keepingCapacity: true)
        scratch.documentScopes.removeAll(keepingCapacity: true)
        scratch.scopes.append(0)
        scratch.documentScopes.append(true)

        for f in 0..<featureCount {
            let source = state.features[f].source
            switch source.kind {
            case .categorical:
                let id: Int32
                var text: String?
                switch source {
                case .modelVersion:
                    guard let model = record.model else { continue }
                    id = pairID(feature: f, model.name, model.version)
                case .templateVersion:
                    guard let template = record.template else { continue }
                    id = pairID(feature: f, template.id, template.version)
                case .slice:
                    let position = scratch.sliceByFeature[f]
                    guard position >= 0 else { continue }
                    let value = record.slices[Int(position)].value
                    if case .string(let string) = value { text = string } else { text = value.description }
                    id = state.vocabularies[f].id(text!)
                default:
                    guard let value = categoryValue(source, record) else { continue }
                    text = value
                    id = state.vocabularies[f].id(value)
                }
                scratch.categoryList.append((Int32(f), id))
                addScope(feature: f, source: source, id: id, text: text ?? "")
            case .numerical:
                guard let value = numericValue(source, record), !value.isNaN else { continue }
                let key = binning.key(value)
                scratch.numberList.append((Int32(f), key, value))
            case .documents:
                guard let evidence = record.retrieval?.evidence else { continue }
                for item in evidence { scratch.documents.append(state.documents.id(item.id)) }
            }
        }
        scratch.quality = qualityCounts(record)
    }

    /// Adds `slices.<key>` features for keys not seen before (up to the cap), and notes which of the
    /// record's slices each slice feature reads (the first with its key, as `RequestRecord.slice`).
    private mutating func discoverSlices(_ record: RequestRecord) {
        if scratch.sliceByFeature.count != state.features.count {
            scratch.sliceByFeature = Array(repeating: -1, count: state.features.count)
        } else {
            for f in scratch.sliceFeatures { scratch.sliceByFeature[f] = -1 }
        }
        for position in record.slices.indices {
            var known = false
            for k in scratch.sliceKeys.indices where scratch.sliceKeys[k] == record.slices[position].key {
                known = true
                let feature = scratch.sliceFeatures[k]
                if scratch.sliceByFeature[feature] < 0 { scratch.sliceByFeature[feature] = Int32(position) }
            }
            guard !known, configuration.monitorAllSliceKeys, scratch.distinctSliceKeys < configuration.maxSliceKeys else { continue }
            let key = record.slices[position].key
            let feature = state.features.count
            state.features.append(DriftFeature(.slice(key), reference: configuration.sliceReference))
            state.vocabularies.append(Vocabulary(cap: configuration.maxCategories))
            scratch.scopeByValue.append([])
            scratch.pairCache.append([])
            scratch.sliceByFeature.append(Int32(position))
            scratch.sliceKeys.append(key)
            scratch.sliceFeatures.append(feature)
            scratch.distinctSliceKeys += 1
            keptBucketCount = keptBuckets
        }
    }

    /// The id of `first@second` (model or template versions), remembered per pair so the string is
    /// built and looked up once per distinct pair rather than once per record. Ids never change once
    /// given (a full vocabulary answers 0 for every new value, then and later), so the memo is exact.
    private mutating func pairID(feature f: Int, _ first: String, _ second: String) -> Int32 {
        for entry in scratch.pairCache[f] where entry.first == first && entry.second == second { return entry.id }
        let id = state.vocabularies[f].id("\(first)@\(second)")
        if scratch.pairCache[f].count < 64 { scratch.pairCache[f].append((first, second, id)) }
        return id
    }

    /// Registers the scope a task or slice value defines, cached per value id.
    private mutating func addScope(feature f: Int, source: FeatureSource, id: Int32, text: String) {
        let isTask: Bool
        switch source {
        case .task: isTask = true
        case .slice: isTask = false
        default: return
        }
        guard isTask ? configuration.taskScopes : configuration.sliceScopes, id > 0 else { return }
        let i = Int(id)
        if i >= scratch.scopeByValue[f].count {
            scratch.scopeByValue[f].append(contentsOf: repeatElement(-1, count: i + 1 - scratch.scopeByValue[f].count))
        }
        var scope = scratch.scopeByValue[f][i]
        if scope == -1 {
            let name: String
            if case .slice(let key) = source { name = "\(key)=\(text)" } else { name = "task=\(text)" }
            let sid = state.scopes.id(name)
            scope = sid > 0 ? sid : -2
            scratch.scopeByValue[f][i] = scope
        }
        if scope >= 0 {
            scratch.scopes.append(scope)
            scratch.documentScopes.append(isTask)
        }
    }

    func categoryValue(_ source: FeatureSource, _ r: RequestRecord) -> String? {
        switch source {
        case .task: return r.task
        case .route: return r.route
        case .modelName: return r.model?.name
        case .modelVersion: return r.model.map { "\($0.name)@\($0.version)" }
        case .templateVersion: return r.template.map { "\($0.id)@\($0.version)" }
        case .indexVersion: return r.retrieval?.indexVersion
        case .toolSet:
            if r.tools.isEmpty { return "(none)" }
            if r.tools.count == 1 { return r.tools[0].name }
            var names = r.tools.map(\.name)
            names.sort()
            var unique: [String] = []
            for name in names where unique.last != name { unique.append(name) }
            return unique.joined(separator: "+")
        case .validationFailures:
            if r.validation.isEmpty { return nil }
            var failed: [String] = []
            for check in r.validation where !check.passed {
                failed.append(check.reason.map { "\(check.check): \($0)" } ?? check.check)
            }
            if failed.isEmpty { return "(passed)" }
            return failed.count == 1 ? failed[0] : failed.sorted().joined(separator: " | ")
        case .outcome: return r.outcome?.rawValue
        case .slice(let key): return r.slice(key)?.description
        default: return nil
        }
    }

    func numericValue(_ source: FeatureSource, _ r: RequestRecord) -> Double? {
        switch source {
        case .topScore, .meanScore:
            guard let evidence = r.retrieval?.evidence else { return nil }
            var top = -Double.infinity, sum = 0.0, n = 0
            for item in evidence {
                guard let score = item.score else { continue }
                top = max(top, score)
                sum += score
                n += 1
            }
            guard n > 0 else { return nil }
            return source == .topScore ? top : sum / Double(n)
        case .evidenceCount: return r.retrieval.map { Double($0.evidence.count) }
        case .evidenceAgeDays:
            guard let evidence = r.retrieval?.evidence else { return nil }
            var sum = 0.0, n = 0
            for item in evidence {
                guard let updated = item.updatedAtMicros else { continue }
                sum += Double(r.timestampMicros - updated) / 86_400_000_000
                n += 1
            }
            return n > 0 ? sum / Double(n) : nil
        case .inputTokens: return r.tokens.map { Double($0.input) }
        case .outputTokens: return r.tokens.map { Double($0.output) }
        case .latency(let stage):
            guard let latency = r.latency else { return nil }
            switch stage {
            case .total: return latency.total
            case .retrieval: return latency.retrieval
            case .tools: return latency.tools
            case .generation: return latency.generation
            case .validation: return latency.validation
            }
        case .cost: return r.costUSD
        case .retries: return r.retries.map(Double.init)
        default: return nil
        }
    }

    private mutating func qualityCounts(_ r: RequestRecord) -> (key: Int32, counts: QualityCounts)? {
        guard let model = r.model else { return nil }
        if model.tuned, !state.tunedModels.contains(model.name) {
            state.tunedModels.append(model.name)
            state.tunedModels.sort()
        }
        let key = QualityTable.key(model: state.models.id(model.name), task: state.tasks.id(r.task ?? "(none)"))
        var q = QualityCounts()
        q.requests = 1
        if let outcome = r.outcome {
            q.judged = 1
            q.failures = outcome == .success ? 0 : 1
        }
        // Loops by index read single fields in place; `for x in array` copies each element.
        for i in r.validation.indices where r.validation[i].check == "grounded" {
            q.groundedChecked = 1
            if !r.validation[i].passed { q.groundedFailed = 1 }
        }
        if !r.toolsExpected.isEmpty {
            q.expectingTools = 1
            for expected in r.toolsExpected where !r.tools.contains(where: { $0.name == expected }) {
                q.expectedToolMissing = 1
                break
            }
        }
        q.toolCalls = r.tools.count
        for i in r.tools.indices where r.tools[i].status != .ok { q.toolFailures += 1 }
        return (key, q)
    }

    mutating func updateDetectors(_ r: RequestRecord) {
        let ts = r.timestampMicros
        for i in r.tools.indices {
            let status = r.tools[i].status
            state.detectors[DriftState.timeoutDetector].update(status == .timeout, at: ts)
            state.detectors[DriftState.errorDetector].update(status == .error, at: ts)
        }
        if let quality = scratch.quality?.counts {
            if quality.expectingTools > 0 {
                state.detectors[DriftState.missingDetector].update(quality.expectedToolMissing > 0, at: ts)
            }
            if quality.groundedChecked > 0 {
                state.detectors[DriftState.groundedDetector].update(quality.groundedFailed > 0, at: ts)
            }
        }
        if let retrieval = r.retrieval {
            state.detectors[DriftState.emptyDetector].update(retrieval.evidence.isEmpty, at: ts)
        }
    }
}
