import DriftwatchCore

/// When a regression began, deploy markers from the version timeline, and the incident document's helpers.
extension AnalysisEngine {
    func lastSeen(_ scope: ScopeKey) -> Int64? {
        let (component, version) = Self.timelineKey(dimension: scope.dimension, value: scope.value)
        return timeline.entry(component: component, version: version)?.lastSeenMicros
    }

    /// When the drop began, with an interval: the first sighting of the new version that carries it; otherwise the
    /// change point (``ChangePoint``: step or linear ramp, profile likelihood) of the scope's failures over the
    /// `onsetLookback` before the evaluation — for traffic, of the growing slice's share; for a tool, of its calls'
    /// failures, the cause's own signal — snapped to a deploy marker: the first sighting of the version the
    /// recommendation names (or, when it names none, of a version of the blamed component) serving the task, when the
    /// profile does not reject a change there (``ChangePoint/supports(changeAt:bucketMicros:)``), the closest first.
    func onset(primary: Finding, cohorts: [Finding], mixDriver: ScopeKey?, component: String,
               recommendation: Incident.Recommendation, windows: WindowCounters) -> Onset {
        let t = windows.evaluationMicros
        let from = windows.currentRange.lowerBound - configuration.currentWindowMicros
        for cohort in cohorts where cohort.kind == .newVersion {
            if let first = firstSeen(cohort.scope), first >= from - configuration.baselineWindowMicros {
                return Onset(estimate: first, lower: first, upper: first, method: "first sighting of \(cohort.scope.dimension)=\(cohort.scope.value)")
            }
        }
        let bucket = configuration.bucketMicros
        let task = primary.scope.task
        let lookbackStart = t - configuration.onsetLookbackMicros
        var series: [ChangePoint.Point] = []
        if let driver = mixDriver {
            let taskID = scopes.existingID(ScopeKey(task: task)) ?? -1
            let sliceID = scopes.existingID(driver) ?? -1
            for start in bucketStarts(from: lookbackStart, to: t, windows: windows, task: task) {
                let n = Double(fine.counters(taskID, at: start)?.outcomes ?? 0)
                series.append(.init(start: start, x: Double(fine.counters(sliceID, at: start)?.outcomes ?? 0), n: n))
            }
        } else {
            let id = scopes.existingID(primary.scope) ?? -1
            let tool = component == "tools" ? recommendation.details["tool"].map(Dimension.toolName) : nil
            let metric = tool.map { DetectedMetric.tool($0) } ?? primary.metric
            for start in bucketStarts(from: lookbackStart, to: t, windows: windows, task: task) {
                let c = fine.counters(id, at: start).map(metric.rate) ?? PassRate(passes: 0, trials: 0)
                series.append(.init(start: start, x: Double(c.trials - c.passes), n: Double(c.trials)))
            }
        }
        guard let cp = ChangePoint.estimate(series, bucketMicros: bucket) else {
            let start = windows.currentRange.lowerBound
            return Onset(estimate: start, lower: start, upper: start, method: "start of the current window (too few buckets for a change point)")
        }
        let method = "change point (\(cp.shape.rawValue)), 95% interval \(RFC3339.format(micros: cp.lower)) – \(RFC3339.format(micros: cp.upper))"
        if mixDriver == nil, let marker = deployMarker(task: task, component: component, named: Self.namedVersion(component, recommendation),
                                                       in: lookbackStart...t, near: cp.estimate, windows: windows,
                                                       where: { cp.supports(changeAt: $0, bucketMicros: bucket) }) {
            return Onset(estimate: marker.at, lower: min(cp.lower, marker.at), upper: max(cp.upper, marker.at),
                         method: method + ", snapped to the first sighting of \(marker.name) (a change there is not rejected at 99%)")
        }
        return Onset(estimate: cp.estimate, lower: cp.lower, upper: cp.upper, method: method)
    }

    /// An incident's onset estimate, its interval and how it was found.
    struct Onset {
        var estimate: Int64
        var lower: Int64
        var upper: Int64
        var method: String
    }

    /// The first sighting of a version of the blamed component serving `task` now that lies in `range` and passes
    /// `accept`, closest to `t` (an unrelated deploy inside the interval, e.g. a fallback model bump during a tool
    /// outage, is no onset). `named` (a scope value, or a tool name) narrows it to the version the recommendation names.
    func deployMarker(task: String, component: String, named: String? = nil, in range: ClosedRange<Int64>, near t: Int64,
                      windows: WindowCounters, where accept: (Int64) -> Bool = { _ in true }) -> (at: Int64, name: String)? {
        var best: (at: Int64, name: String)?
        for scope in windows.current.keys.sorted() where scope.task == task && Dimension.versioned.contains(scope.dimension)
            && Dimension.component(of: scope.dimension) == component {
            if let named, scope.value != named, !(scope.dimension == Dimension.tool && Dimension.toolName(scope.value) == named) { continue }
            let (component, version) = Self.timelineKey(dimension: scope.dimension, value: scope.value)
            guard let first = timeline.entry(component: component, version: version)?.firstSeenMicros, range.contains(first),
                  let earliest = timeline.earliestFirstSeen(component: component),
                  first > earliest + configuration.bucketMicros, accept(first) else { continue }
            if best.map({ abs(first - t) < abs($0.at - t) }) ?? true { best = (first, "\(scope.dimension)=\(scope.value)") }
        }
        return best
    }

    /// The version scope value the recommendation names for its component (index version, `template@version`,
    /// `model@version`), or for tools the tool's name; nil when it names none.
    static func namedVersion(_ component: String, _ recommendation: Incident.Recommendation) -> String? {
        let d = recommendation.details
        func known(_ v: String?) -> String? { v.flatMap { $0.isEmpty || $0 == "unknown" ? nil : $0 } }
        switch component {
        case "retrieval": return known(d["index_version"])
        case "wrapper": return known(d["template"])
        case "tools": return known(d["tool"]).map(Dimension.toolName)
        case "model":
            guard let model = known(d["model"]), let version = known(d["model_version"]) else { return nil }
            return model + "@" + version
        default: return nil
        }
    }

    func bucketStarts(from: Int64, to t: Int64, windows: WindowCounters, task: String) -> [Int64] {
        let bucket = configuration.bucketMicros
        var out: [Int64] = []
        var start = from
        while start < t {
            if !windows.isExcluded(task: task, bucket: start..<(start + bucket)) { out.append(start) }
            start += bucket
        }
        return out
    }

    func firstSeen(_ scope: ScopeKey) -> Int64? {
        let (component, version) = Self.timelineKey(dimension: scope.dimension, value: scope.value)
        return timeline.entry(component: component, version: version)?.firstSeenMicros
    }

    static func timelineKey(dimension: String, value: String) -> (String, String) {
        func split(_ prefix: String) -> (String, String) {
            let parts = value.split(separator: "@", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (prefix + ":" + parts[0], parts[1]) : (prefix + ":" + value, "")
        }
        switch dimension {
        case Dimension.model: return split("model")
        case Dimension.template: return split("template")
        case Dimension.tool: return split("tool")
        case Dimension.index: return ("index", value)
        default: return (dimension, value)
        }
    }

    static func measurement(_ c: MetricCounters) -> Incident.Measurement {
        measurement(DetectedMetric.successRate.rate(c))
    }

    static func measurement(_ r: PassRate) -> Incident.Measurement {
        let ci = DriftwatchStatisticsBridge.wilson(successes: r.passes, trials: r.trials)
        return Incident.Measurement(value: r.value ?? 0, n: r.trials, ciLower: ci?.0, ciUpper: ci?.1)
    }

    static func severity(_ f: Finding, windowMicros: Int64) -> Double {
        max(0, f.excess) * 3_600_000_000 / Double(windowMicros)
    }

    /// Stable across replays: the task, the measured scope, the metric (when not the success rate) and the
    /// detection time.
    static func incidentID(task: String, scope: ScopeKey, metric: DetectedMetric = .successRate, detectedAt t: Int64) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var key = scope.isTask ? task : "\(task)\u{1}\(scope.dimension)\u{1}\(scope.value)"
        if metric != .successRate { key += "\u{2}" + metric.name }
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        for i in 0..<8 { h = (h ^ UInt64(UInt8(truncatingIfNeeded: t >> (8 * i)))) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return "inc-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}
