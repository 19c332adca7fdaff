import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDashboards
import DriftwatchDemo
import DriftwatchDrift

/// Snapshots for tests: a generated workload run through the analyzer and the drift detector in memory, with
/// the numbers a page must show computed straight from the records.
struct WorkloadSnapshot {
    var snapshot: DashboardSnapshot
    /// Requests and success rate per task, counted from the records.
    var requestsByTask: [String: Int]
    var successRateByTask: [String: Double]
    var records: Int

    static let hostileScript = "<script>document.title='pwned'</script>"
    static let hostileStrings = [
        hostileScript,
        "\"><img src=x onerror=\"document.title='pwned'\">",
        "javascript:document.title='pwned'",
        "' onmouseover='document.title=1' x='",
        "\u{202E}مرحبا بالعالم עברית 🚀🔥👩‍👩‍👧 </td></tr></table></svg>",
        String(repeating: "W", count: 3000),
    ]

    /// A hostile variant of `s`: the original text (so values stay distinct) plus one payload.
    static func hostile(_ s: String, _ i: Int) -> String {
        hostileStrings[i % hostileStrings.count] + s
    }

    static func make(hours: Int = 4, rate: Double = 60, seed: UInt64 = 7, hostile: Bool = false,
                     inject: [String] = ["retrieval_index_change@2h"]) throws -> WorkloadSnapshot {
        var configuration = WorkloadConfiguration(seed: seed, length: .duration(micros: Int64(hours) * 3_600_000_000), requestsPerMinute: rate)
        for spec in inject { configuration.add(try WorkloadSpecParser.parse(spec)) }
        var generator = try WorkloadGenerator(configuration)
        var engine = try AnalysisEngine()
        var drift = DriftEngine()
        var requests: [String: Int] = [:], outcomes: [String: Int] = [:], successes: [String: Int] = [:]
        var count = 0
        while var record = generator.next() {
            if hostile { record = Self.makeHostile(record) }
            count += 1
            engine.ingest(record, rowID: Int64(count))
            drift.ingest(record)
            let task = record.task ?? ""
            requests[task, default: 0] += 1
            if let o = record.outcome {
                outcomes[task, default: 0] += 1
                if o == .success { successes[task, default: 0] += 1 }
            }
        }
        let changes = engine.takeChanges()
        let coarse = engine.configuration.coarseBucketMicros
        var incidents = engine.rankedIncidents
        if hostile { incidents.append(Self.hostileIncident(at: engine.watermarkMicros ?? 0)) }
        let snapshot = DashboardSnapshot(
            generatedAtMicros: engine.watermarkMicros ?? 0, dataThroughMicros: engine.watermarkMicros, bucketMicros: coarse,
            rollups: changes.rollups.filter { $0.bucketMicros == coarse }, versions: engine.timeline.all,
            incidents: incidents, drift: drift.report())
        return WorkloadSnapshot(
            snapshot: snapshot, requestsByTask: requests,
            successRateByTask: outcomes.mapValues { _ in 0 }.merging(outcomes.map { ($0.key, Double(successes[$0.key] ?? 0) / Double($0.value)) }) { $1 },
            records: count)
    }

    /// Every string of a record that reaches a page, made hostile.
    static func makeHostile(_ r: RequestRecord) -> RequestRecord {
        var r = r
        let taskIndex = (r.task ?? "").utf8.reduce(0) { $0 &+ Int($1) } % 3
        r.task = r.task.map { hostile($0, [0, 1, 5][taskIndex]) }
        if var m = r.model { m.name = hostile(m.name, 2); m.version = hostile(m.version, 4); r.model = m }
        if var t = r.template { t.id = hostile(t.id, 1); r.template = t }
        if var x = r.retrieval { x.indexVersion = hostile(x.indexVersion, 3); r.retrieval = x }
        r.tools = r.tools.map { var t = $0; t.name = hostile(t.name, 0); return t }
        r.toolsExpected = r.toolsExpected.map { hostile($0, 0) }
        r.validation = r.validation.map { var v = $0; v.check = hostile(v.check, 4); return v }
        r.slices = r.slices.map { s in
            var s = s
            s.key = hostile(s.key, 1)
            if case .string(let v) = s.value { s.value = .string(hostile(v, 2)) }
            return s
        }
        return r
    }

    static func hostileIncident(at t: Int64) -> Incident {
        let doc = """
        {"id":"\(json(hostileScript))","status":"open","started_at":"x","detected_at":"x","updated_at":"x","metric":"\(json(hostileStrings[1]))",
         "scope":{"task":"\(json(hostileStrings[3]))","\(json(hostileStrings[4]))":"\(json(hostileStrings[5]))"},
         "baseline":{"value":0.9,"n":1000,"ci_lower":0.88,"ci_upper":0.92},"current":{"value":0.6,"n":500},
         "p_value":1e-9,"adjusted_p_value":1e-8,"component":"\(json(hostileStrings[2]))","confidence":0.9,
         "evidence":[{"signal":"\(json(hostileScript))","baseline":0.1,"current":0.4,"note":"\(json(hostileStrings[5]))"}],
         "recommendation":{"action":"\(json(hostileStrings[1]))","summary":"\(json(hostileScript + hostileStrings[4]))",
           "details":{"export_path":"javascript:document.title='pwned'","\(json(hostileScript))":"\(json(hostileStrings[3]))"}},
         "severity":99,"primary_dimension":"","primary_value":"","started_at_us":\(t - 3_600_000_000),"detected_at_us":\(t),"updated_at_us":\(t)}
        """
        return try! JSONDecoder().decode(Incident.self, from: Data(doc.utf8))
    }

    static func json(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

import Foundation
