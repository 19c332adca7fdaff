import DriftwatchStatistics

/// What the recommender reads: the report rows and the quality counters of the baseline and
/// current windows, with lookups by scope, model and slice.
struct RecommendationContext {
    var rows: [FeatureDrift]
    var baseline: WindowCounts
    var current: WindowCounts
    var state: DriftState
    var currentFrom: Int64
    var currentTo: Int64
    var configuration: DriftConfiguration

    enum Which { case baseline, current, lifetime }

    func window(_ which: Which) -> WindowCounts { which == .baseline ? baseline : current }

    func qualityTable(_ id: Int, _ which: Which) -> QualityTable? {
        if which == .lifetime { return id < state.lifetimeQuality.count ? state.lifetimeQuality[id] : nil }
        return window(which).scope(id)?.quality
    }

    func scopeID(_ name: String) -> Int? { state.scopes.existingID(name).map(Int.init) ?? (name == "all" ? 0 : nil) }

    /// Quality of `model` (all models when nil) in a scope, optionally limited to some tasks.
    func quality(_ scope: String, _ which: Which, model: String? = nil, tasks: Set<Int32>? = nil) -> QualityCounts {
        var total = QualityCounts()
        guard let id = scopeID(scope), let table = qualityTable(id, which) else { return total }
        let modelID = model.flatMap { state.models.existingID($0) }
        if model != nil && modelID == nil { return total }
        for (key, cell) in table.cells {
            if let modelID, key >> 16 != modelID { continue }
            if let tasks, !tasks.contains(key & 0xFFFF) { continue }
            total.merge(cell)
        }
        return total
    }

    /// Task ids on which `model` served requests in a scope (either window).
    func tasks(of model: String, in scope: String) -> Set<Int32> {
        guard let modelID = state.models.existingID(model), let id = scopeID(scope) else { return [] }
        var result: Set<Int32> = []
        for which in [Which.lifetime] {
            guard let table = qualityTable(id, which) else { continue }
            for key in table.cells.keys where key >> 16 == modelID { result.insert(key & 0xFFFF) }
        }
        return result
    }

    /// Model names seen in a scope, most requests in the current window first.
    func models(in scope: String) -> [String] {
        guard let id = scopeID(scope), let counts = current.scope(id) else { return [] }
        var requests: [Int32: Int] = [:]
        for (key, cell) in counts.quality.cells { requests[key >> 16, default: 0] += cell.requests }
        return requests.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { state.models[$0.key] }
    }

    /// Share of each value of a categorical feature in a scope and window.
    func shares(_ featureName: String, scope: String, _ which: Which) -> [String: Double] {
        guard let f = state.features.firstIndex(where: { $0.name == featureName }), let id = scopeID(scope),
              let counts = window(which).scope(id), f < counts.categorical.count else { return [:] }
        let values = counts.categorical[f]
        let n = values.reduce(0) { $0 + Int($1) }
        guard n > 0 else { return [:] }
        var result: [String: Double] = [:]
        for i in values.indices where values[i] > 0 { result[state.vocabularies[f].values[i]] = Double(values[i]) / Double(n) }
        return result
    }

    /// Values of a slice key that have a scope.
    func sliceValues(_ key: String) -> [String] {
        state.scopes.values.filter { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    /// Whether a rate rose from the baseline to the current window: one-sided pooled z-test p < `level`
    /// and at least `margin` higher. The level is small because the question is asked every hour of
    /// every day: 1e-4 for the few service-wide rates, less where many slices are asked at once.
    static func rose(_ eventsBefore: Int, _ nBefore: Int, _ eventsNow: Int, _ nNow: Int, margin: Double = 0.03, level: Double = 1e-4) -> Bool {
        guard nBefore >= 30, nNow >= 30 else { return false }
        let before = Double(eventsBefore) / Double(nBefore), now = Double(eventsNow) / Double(nNow)
        guard now - before >= margin else { return false }
        let p = Proportions.twoProportionZTest(
            successes1: eventsNow, trials1: nNow, successes2: eventsBefore, trials2: nBefore, alternative: .greater).pValue
        return p < level
    }

    static func percent(_ x: Double?) -> String {
        guard let x else { return "n/a" }
        return String(Int((x * 1000).rounded())).withDecimal + "%"
    }

    static func number(_ x: Double?) -> String {
        guard let x else { return "n/a" }
        if abs(x) >= 100 { return String(Int(x.rounded())) }
        let scaled = Int((x * 1000).rounded())
        let sign = scaled < 0 ? "-" : ""
        let m = abs(scaled)
        let fraction = String(m % 1000)
        return "\(sign)\(m / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}

private extension String {
    /// "853" → "85.3"
    var withDecimal: String {
        let negative = hasPrefix("-")
        var digits = negative ? String(dropFirst()) : self
        while digits.count < 2 { digits = "0" + digits }
        return (negative ? "-" : "") + digits.dropLast() + "." + digits.suffix(1)
    }
}
