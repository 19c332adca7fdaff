/// Aggregates over case results: a line per group, the confusion of true against named components, and the
/// calibration of incident confidence (another issue, #13, needs the last two).
struct SuiteSummary: Sendable, Codable {
    struct Group: Sendable, Codable {
        var group: String
        var incidentRuns: Int
        var detected: Int
        var actionRight: Int
        var scopeNamed: Int
        var medianDelayMinutes: Double?
        /// The largest onset error by magnitude, with its sign.
        var maxOnsetErrorMinutes: Double?
        var falseAlarms: Int
        var runHours: Double
        var falseAlarmsPer30Days: Double
        /// Causes that became more than one incident on one task, or resolved while still active.
        var fragmented: Int
        var seconds: Double
        var cpuSeconds: Double
        var records: Int
    }

    struct Bin: Sendable, Codable {
        var lower: Double
        var upper: Double
        var count: Int
        /// Share of the bin's incidents whose component was right; nil for an empty bin.
        var accuracy: Double?
        var meanConfidence: Double?
    }

    struct Calibration: Sendable, Codable {
        /// Which incidents: `related` (on an affected task after the cause started) or `all` (false alarms count as wrong).
        var population: String
        var count: Int
        var bins: [Bin]
        /// Mean of (confidence − right)²; nil without incidents.
        var brier: Double?
    }

    var groups: [Group]
    /// "true → named" (named is `none` when nothing opened on an affected task) → count.
    var confusion: [String: Int]
    var calibration: [Calibration]

    init(_ results: [CaseResult]) {
        var order: [String] = []
        for r in results where !order.contains(r.group) { order.append(r.group) }
        groups = order.map { name in Self.group(name, results.filter { $0.group == name }) }
        var confusion: [String: Int] = [:]
        for r in results {
            guard let truth = r.trueComponent, let named = r.namedComponent else { continue }
            confusion["\(truth) → \(named)", default: 0] += 1
        }
        self.confusion = confusion
        let samples = results.flatMap(\.confidences)
        calibration = [
            Self.calibration("related", samples.filter(\.related)),
            Self.calibration("all", samples),
        ]
    }

    private static func group(_ name: String, _ rows: [CaseResult]) -> Group {
        let incidents = rows.filter { !$0.isQuietRow }
        let delays = incidents.compactMap(\.delayMinutes).sorted()
        let median: Double? = delays.isEmpty ? nil
            : delays.count % 2 == 1 ? delays[delays.count / 2] : (delays[delays.count / 2 - 1] + delays[delays.count / 2]) / 2
        let onset = incidents.compactMap(\.onsetErrorMinutes).max { abs($0) < abs($1) }
        let hours = rows.map(\.hours).reduce(0, +)
        let falseAlarms = rows.map(\.falseAlarms).reduce(0, +)
        return Group(
            group: name, incidentRuns: incidents.count, detected: incidents.filter { $0.detected == true }.count,
            actionRight: incidents.filter { $0.actionRight == true }.count,
            scopeNamed: incidents.filter { $0.scopeNamed == true }.count, medianDelayMinutes: median,
            maxOnsetErrorMinutes: onset, falseAlarms: falseAlarms, runHours: hours,
            falseAlarmsPer30Days: hours > 0 ? Double(falseAlarms) / (hours / 720) : 0,
            fragmented: incidents.filter(\.isFragmented).count,
            seconds: rows.map(\.seconds).reduce(0, +), cpuSeconds: rows.map(\.cpuSeconds).reduce(0, +), records: rows.map(\.records).reduce(0, +))
    }

    private static func calibration(_ population: String, _ samples: [ConfidenceSample]) -> Calibration {
        let edges = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        let bins = (0..<5).map { i -> Bin in
            let inBin = samples.filter { s in
                s.confidence >= edges[i] && (i == 4 ? s.confidence <= edges[5] : s.confidence < edges[i + 1])
            }
            let n = Double(inBin.count)
            return Bin(lower: edges[i], upper: edges[i + 1], count: inBin.count,
                       accuracy: inBin.isEmpty ? nil : Double(inBin.filter(\.right).count) / n,
                       meanConfidence: inBin.isEmpty ? nil : inBin.map(\.confidence).reduce(0, +) / n)
        }
        let brier: Double? = samples.isEmpty ? nil
            : samples.map { ($0.confidence - ($0.right ? 1 : 0)) * ($0.confidence - ($0.right ? 1 : 0)) }.reduce(0, +) / Double(samples.count)
        return Calibration(population: population, count: samples.count, bins: bins, brier: brier)
    }
}

extension CaseResult {
    var isQuietRow: Bool { cause == nil }

    /// One cause split into several incidents on one task, or an incident resolved while its cause was active.
    var isFragmented: Bool {
        guard let incidents = causeIncidents, let tasks = causeTasks else { return false }
        return incidents > tasks || (resolvedWhileActive ?? 0) > 0
    }
}
