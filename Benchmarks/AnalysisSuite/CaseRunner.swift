import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo

/// Runs one case × seed: the generator straight into an `AnalysisEngine` in memory, taking changes every
/// 5,000 records as the service commits, then scores the incidents against the ground truth.
enum CaseRunner {
    static let commitEvery = 5000
    private static let minute: Double = 60_000_000
    /// An incident detected this long after a rolled-back cause ended is still counted as about it: the current
    /// window is an hour long, so the last hour of the cause is still being judged.
    private static let lateMatchMicros: Int64 = 3_600_000_000

    /// `opened` receives every incident as it was first opened.
    static func run(_ suiteCase: SuiteCase, seed: UInt64, opened: (Incident) -> Void = { _ in }) throws(SuiteError) -> CaseResult {
        var workload = WorkloadConfiguration(
            seed: seed, length: .duration(micros: Int64(suiteCase.hours * 3_600_000_000)),
            requestsPerMinute: suiteCase.requestsPerMinute, noise: suiteCase.noise)
        var injected: InjectedIncident?
        do {
            for spec in suiteCase.specs { workload.add(try WorkloadSpecParser.parse(spec)) }
            if let cause = suiteCase.cause { injected = try InjectedIncident(spec: cause) }
        } catch {
            throw SuiteError(.invalidCase, "case \(suiteCase.group)/\(suiteCase.name): \(error.message)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let cpuStarted = threadCPUSeconds()
        var generator: WorkloadGenerator
        var engine: AnalysisEngine
        do {
            generator = try WorkloadGenerator(workload)
            engine = try AnalysisEngine()
        } catch {
            throw SuiteError(.invalidCase, "case \(suiteCase.group)/\(suiteCase.name): \(error)")
        }
        var events: [IncidentEvent] = []
        var n = 0
        while let record = generator.next() {
            engine.ingest(record)
            n += 1
            if n % commitEvery == 0 { events += engine.takeChanges().events }
        }
        events += engine.takeChanges().events
        for event in events where event.kind == .opened { opened(event.incident) }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let cpuSeconds = threadCPUSeconds() - cpuStarted

        let label = injected.flatMap { incident in generator.groundTruth.first { $0.kind == incident.kind.rawValue } }
        var result = CaseResult(
            group: suiteCase.group, name: suiteCase.name, cause: suiteCase.cause, benign: suiteCase.benign,
            requestsPerMinute: suiteCase.requestsPerMinute, hours: suiteCase.hours, seed: seed, records: n,
            seconds: seconds, cpuSeconds: cpuSeconds, falseAlarms: 0, falseAlarmsPer30Days: 0, falseAlarmLines: [], confidences: [])
        result.ambiguityExpected = suiteCase.unidentifiable
        score(&result, events: events, label: label, ramp: injected?.rampMicros ?? 0,
              runEnd: workload.startMicros + Int64(suiteCase.hours * 3_600_000_000), start: workload.startMicros)
        return result
    }

    private static func score(
        _ result: inout CaseResult, events: [IncidentEvent], label: GroundTruthLabel?, ramp: Int64, runEnd: Int64, start: Int64
    ) {
        let opened = events.filter { $0.kind == .opened }.map(\.incident).sorted { ($0.detectedAtMicros, $0.id) < ($1.detectedAtMicros, $1.id) }
        var resolvedAt: [String: Int64] = [:]
        for event in events where event.kind == .resolved && resolvedAt[event.incident.id] == nil {
            resolvedAt[event.incident.id] = event.atMicros
        }
        func related(_ incident: Incident) -> Bool {
            guard let label else { return false }
            let latest = label.endMicros.map { $0 + lateMatchMicros } ?? .max
            return incident.detectedAtMicros >= label.startMicros && incident.detectedAtMicros <= latest
                && label.affectedTasks.contains(incident.task)
        }
        // An incident that says it cannot tell two co-deployed changes apart matches when the truth is among its
        // candidates (its component is then a coin flip, and its confidence says so).
        func matches(_ incident: Incident) -> Bool {
            guard related(incident), let truth = label?.component else { return false }
            if incident.component == truth { return true }
            return incident.recommendation.details["ambiguous"] == "true"
                && (incident.recommendation.details["candidates"] ?? "").split(separator: ",").contains { $0.hasPrefix(truth + ":") }
        }

        let falseAlarms = opened.filter { !matches($0) }
        result.falseAlarms = falseAlarms.count
        result.falseAlarmsPer30Days = Double(falseAlarms.count) / (result.hours / 720)
        result.falseAlarmLines = falseAlarms.map { describe($0, start: start) }
        result.confidences = opened.map {
            ConfidenceSample(confidence: $0.confidence, right: matches($0), related: related($0),
                             basis: $0.recommendation.details["attribution_basis"],
                             score: $0.recommendation.details["attribution_score"].flatMap(Double.init),
                             componentRight: related($0) && $0.component == label?.component)
        }
        guard let label else { return }

        result.trueComponent = label.component
        result.expectedAction = label.expectedAction
        let expected = expectedScope(label)
        result.expectedScope = expected
        let causeIncidents = opened.filter(matches)
        result.detected = !causeIncidents.isEmpty
        result.namedComponent = opened.first(where: related)?.component ?? "none"
        result.causeIncidents = causeIncidents.count
        result.causeTasks = Set(causeIncidents.map(\.task)).count
        let activeUntil = min(label.endMicros ?? runEnd, runEnd)
        result.resolvedWhileActive = causeIncidents.filter { (resolvedAt[$0.id] ?? .max) < activeUntil }.count
        guard let first = causeIncidents.first else { return }
        result.action = first.recommendation.action
        result.actionRight = first.recommendation.action == label.expectedAction
        result.onsetErrorMinutes = Double(first.startedAtMicros - label.startMicros) / minute
        result.delayMinutes = Double(first.detectedAtMicros - label.startMicros) / minute
        result.confidence = first.confidence
        result.ambiguous = first.recommendation.details["ambiguous"] == "true"
        let versions = expected.filter { [Dimension.model, Dimension.template, Dimension.index].contains($0.key) }
        if !versions.isEmpty {
            // An ambiguous incident names the versions in its candidates (`component:version,…`).
            let candidates = (first.recommendation.details["candidates"] ?? "").split(separator: ",")
                .compactMap { $0.split(separator: ":", maxSplits: 1).last.map(String.init) }
            let named = Set(first.scope.values).union(first.recommendation.details.values).union(candidates)
            result.versionNamed = versions.values.allSatisfy { v in named.contains(v) || named.contains { $0.hasSuffix("@" + v) || v.hasSuffix("@" + $0) || $0 == v.split(separator: "@").last.map(String.init) } }
        }
        let missing = expected.keys.sorted().filter { !scopeContains(first.scope, key: $0, value: expected[$0]!) }
        result.scopeNamed = missing.isEmpty
        result.scopeMissing = missing.isEmpty ? nil : missing.map { "\($0)=\(expected[$0]!)" }
        if ramp > 0 { result.detectedByHalfRamp = first.detectedAtMicros <= label.startMicros + ramp / 2 }
    }

    /// The label's scope (record field paths) in the vocabulary of incident scopes (rollup dimensions).
    static func expectedScope(_ label: GroundTruthLabel) -> [String: String] {
        var scope: [String: String] = [:]
        for (key, value) in label.scope {
            switch key {
            case "task": scope["task"] = value
            case "model.version": scope[Dimension.model] = "\(label.scope["model.name"] ?? "")@\(value)"
            case "template.version": scope[Dimension.template] = "\(label.scope["template.id"] ?? "")@\(value)"
            case "retrieval.index_version": scope[Dimension.index] = value
            case "tool": scope[Dimension.tool] = value
            case _ where key.hasPrefix("slices."): scope[String(key.dropFirst("slices.".count))] = value
            default: break
            }
        }
        return scope
    }

    /// Tool scopes carry `name@version`; the ground truth names the tool only.
    private static func scopeContains(_ scope: [String: String], key: String, value: String) -> Bool {
        guard let actual = scope[key] else { return false }
        return key == Dimension.tool ? actual == value || actual.hasPrefix(value + "@") : actual == value
    }

    private static func describe(_ incident: Incident, start: Int64) -> String {
        let scope = incident.scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let hours = Double(incident.detectedAtMicros - start) / 3_600_000_000
        return "\(incident.component)/\(incident.recommendation.action) [\(scope)] \(incident.metric) detected at \(format(hours, 1)) h"
    }
}
