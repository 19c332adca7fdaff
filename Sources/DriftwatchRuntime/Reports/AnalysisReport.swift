public import DriftwatchAnalysis
public import DriftwatchCore
public import DriftwatchStore
import Foundation

/// What `driftwatch analyze` prints: incidents from the store, ranked open first then by severity, and where
/// the analyzer stands. The JSON form is the issue's document, with `analyzed_through` added.
public struct AnalysisReport: Sendable, Encodable {
    public var generatedAt: String
    public var analyzedThrough: String?
    public var lastRowID: Int64
    /// What the analyzer did with the records: analysed (late ones among them) and left out, by reason.
    public var records: RecordCounts
    public var incidents: [Incident]

    enum CodingKeys: String, CodingKey {
        case incidents, records
        case generatedAt = "generated_at"
        case analyzedThrough = "analyzed_through"
        case lastRowID = "last_row_id"
    }

    /// `id` selects one incident (a finding listed under another incident selects that incident).
    public static func make(store: SQLiteStore, status: String? = nil, limit: Int = 100, id: String? = nil,
                            nowMicros: Int64 = WallClock.nowMicros()) throws -> AnalysisReport {
        let checkpoint = try store.analysisCheckpoint()
        var incidents: [Incident]
        if let id {
            let all = try store.incidents(limit: .max, members: true).map { try AnalysisPersistence.decode($0.document) }
            let parent = all.first { $0.id == id }?.parentID ?? id
            incidents = all.filter { $0.id == parent }
            guard !incidents.isEmpty else { throw DriftwatchError(.invalidArgument, "no incident with id \(id) (see driftwatch analyze)") }
        } else {
            incidents = try store.incidents(status: status, limit: limit).map { try AnalysisPersistence.decode($0.document) }
        }
        incidents.sort {
            ($0.status == .open ? 0 : 1, -$0.rankingSeverity, $0.id) < ($1.status == .open ? 0 : 1, -$1.rankingSeverity, $1.id)
        }
        var report = AnalysisReport(generatedAt: RFC3339.format(micros: nowMicros),
                                    analyzedThrough: checkpoint.watermarkMicros.map(RFC3339.format(micros:)),
                                    lastRowID: checkpoint.lastRowID, records: RecordCounts(named: checkpoint.recordCounts),
                                    incidents: incidents)
        report.isSingle = id != nil
        if id == nil {
            // The summary counts the whole store, so `--limit` and `--status` change what is listed, not the counts.
            let all = try store.incidents(limit: .max)
            let resolved = all.filter { $0.status != "open" }
            let withdrawn = try resolved.filter { AnalysisEngine.isWithdrawn(try AnalysisPersistence.decode($0.document)) }.count
            report.totals = Totals(open: all.count - resolved.count, resolved: resolved.count - withdrawn, withdrawn: withdrawn)
        }
        return report
    }

    /// One incident in full (`analyze --id`): every evidence line and recommendation detail.
    var isSingle = false

    /// Incidents in the store, whatever was selected for listing (nil: count the listed ones).
    struct Totals: Sendable {
        var open: Int
        var resolved: Int
        var withdrawn: Int
    }

    var totals: Totals?

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json {
            // Non-finite numbers are not JSON: they are written as null rather than as strings.
            let sanitized = AnalysisReport(generatedAt: generatedAt, analyzedThrough: analyzedThrough, lastRowID: lastRowID,
                                           records: records, incidents: incidents.map(Self.finite))
            return try ReportJSON.encode(JSONDocument(report: sanitized))
        }
        var lines: [String] = []
        if !isSingle {
            lines = StatusReport.Analysis(analyzedThrough: analyzedThrough, lastRowID: lastRowID, records: records).lines
            let listedOpen = incidents.filter { $0.status == .open }.count
            let listedWithdrawn = incidents.filter(AnalysisEngine.isWithdrawn).count
            let counts = totals ?? Totals(open: listedOpen, resolved: incidents.count - listedOpen - listedWithdrawn, withdrawn: listedWithdrawn)
            let shown = incidents.count < counts.open + counts.resolved + counts.withdrawn ? " (\(incidents.count) shown)" : ""
            lines.append("incidents: \(counts.open) open, \(counts.resolved) resolved"
                + (counts.withdrawn > 0 ? ", \(counts.withdrawn) withdrawn (late records showed no regression)" : "") + shown)
        }
        for incident in incidents {
            if !lines.isEmpty { lines.append("") }
            lines += Self.lines(incident, full: isSingle)
        }
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }

    /// An incident as text: the opening test's numbers with their windows, the re-measurement apart, the verdict,
    /// the scopes the cause hit and the evidence.
    static func lines(_ incident: Incident, full: Bool) -> [String] {
        var lines: [String] = []
        let scope = incident.scope.sorted { $0.key < $1.key }.filter { $0.key != "task" }.map { "\($0.key)=\($0.value)" }
        let status = incident.status == .open ? "OPEN" : AnalysisEngine.isWithdrawn(incident) ? "withdrawn" : "resolved"
        lines.append("\(status) \(incident.id)  \(incident.task)\(scope.isEmpty ? "" : " [" + scope.joined(separator: ", ") + "]")")
        let tested = incident.testedScope.map { " of \($0)" } ?? ""
        lines.append("  opened on \(incident.metric)\(tested): \(pct(incident.baseline.value)) (n \(incident.baseline.n)\(window(incident.baselineWindow))) → \(pct(incident.current.value)) (n \(incident.current.n)\(window(incident.currentWindow))), p \(g(incident.pValue)), adjusted \(g(incident.adjustedPValue))")
        if let latest = incident.latest {
            lines.append("  latest \(pct(latest.value)) (n \(latest.n)) at \(incident.updatedAt)\(incident.latestPValue.map { ", p \(g($0)) against the opening baseline" } ?? "")")
        }
        lines.append("  started \(incident.startedAt)\(onset(incident)), detected \(incident.detectedAt)\(incident.resolvedAt.map { ", resolved \($0)" } ?? "")")
        lines.append("  component \(incident.component) (confidence \(String(format: "%.2f", incident.confidence))) → \(incident.recommendation.action)")
        lines.append("  \(incident.recommendation.summary)")
        if let affected = incident.affected, affected.count > 1 {
            lines.append("  one cause on \(affected.count) scopes, \(String(format: "%.1f", incident.rankingSeverity)) excess failures/h in all:")
            for a in affected {
                let extra = a.scope.sorted { $0.key < $1.key }.filter { $0.key != "task" }.map { "\($0.key)=\($0.value)" }
                lines.append("    \(a.status == .open ? "open    " : "resolved") \(a.task)\(extra.isEmpty ? "" : " [" + extra.joined(separator: ", ") + "]")  \(a.metric) \(pct(a.baseline.value)) (n \(a.baseline.n)) → \(pct(a.current.value)) (n \(a.current.n)), p \(g(a.pValue)), detected \(a.detectedAt)")
            }
        }
        if let nodes = incident.nodes {
            lines.append("  nodes: \(nodes.summary)")
            for n in nodes.perNode {
                let verdict = n.regressed.map { $0 ? "shows it" : "does not" } ?? "can't tell"
                lines.append("    \(n.node): \(pct(n.baseline.value)) (n \(n.baseline.n)) → \(pct(n.current.value)) (n \(n.current.n))\(n.pValue.map { ", p \(g($0))" } ?? ""): \(verdict)")
            }
        }
        let evidence = full ? incident.evidence : Array(incident.evidence.prefix(6))
        if !evidence.isEmpty {
            lines.append("  evidence:")
            for e in evidence {
                let numbers = e.baseline == nil && e.current == nil ? "" : " \(e.baseline.map(num) ?? "–") → \(e.current.map(num) ?? "–")"
                lines.append("    \(e.signal)\(numbers)\(e.note.isEmpty ? "" : ": " + e.note)")
            }
            if evidence.count < incident.evidence.count {
                lines.append("    … \(incident.evidence.count - evidence.count) more (driftwatch analyze --id \(incident.id))")
            }
        }
        if full {
            for (key, value) in incident.recommendation.details.sorted(by: { $0.key < $1.key }) {
                lines.append("  detail \(key): \(value)")
            }
        } else if let path = incident.recommendation.details["export_path"] {
            lines.append("  export: \(path)")
        }
        return lines
    }

    private static func window(_ w: Incident.TimeWindow?) -> String {
        guard let w else { return "" }
        return ", \(w.from) … \(w.to)"
    }

    private static func onset(_ incident: Incident) -> String {
        guard let lo = incident.onsetLowerMicros, let hi = incident.onsetUpperMicros else { return "" }
        return " (95% interval \(RFC3339.format(micros: lo)) … \(RFC3339.format(micros: hi)))"
    }

    private static func g(_ x: Double) -> String { String(format: "%.2g", x) }
    private static func num(_ x: Double) -> String { abs(x) < 10 ? String(format: "%.4g", x) : String(format: "%.1f", x) }

    /// The incident with non-finite numbers (an undefined rate) replaced by nil or 0, so the JSON is valid.
    static func finite(_ incident: Incident) -> Incident {
        var i = incident
        func clean(_ m: inout Incident.Measurement) {
            if !m.value.isFinite { m.value = 0 }
            if let x = m.ciLower, !x.isFinite { m.ciLower = nil }
            if let x = m.ciUpper, !x.isFinite { m.ciUpper = nil }
        }
        clean(&i.baseline)
        clean(&i.current)
        if var l = i.latest { clean(&l); i.latest = l }
        if let p = i.latestPValue, !p.isFinite { i.latestPValue = nil }
        if !i.pValue.isFinite { i.pValue = 1 }
        if !i.adjustedPValue.isFinite { i.adjustedPValue = 1 }
        if !i.severity.isFinite { i.severity = 0 }
        if let t = i.totalSeverity, !t.isFinite { i.totalSeverity = nil }
        for k in i.evidence.indices {
            if let x = i.evidence[k].baseline, !x.isFinite { i.evidence[k].baseline = nil }
            if let x = i.evidence[k].current, !x.isFinite { i.evidence[k].current = nil }
        }
        return i
    }

    private static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}
