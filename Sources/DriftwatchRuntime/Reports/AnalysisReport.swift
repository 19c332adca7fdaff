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

    public static func make(store: SQLiteStore, status: String? = nil, limit: Int = 100,
                            nowMicros: Int64 = WallClock.nowMicros()) throws -> AnalysisReport {
        let checkpoint = try store.analysisCheckpoint()
        let incidents = try store.incidents(status: status, limit: limit).map { try AnalysisPersistence.decode($0.document) }
            .sorted { ($0.status == .open ? 0 : 1, -$0.severity, $0.id) < ($1.status == .open ? 0 : 1, -$1.severity, $1.id) }
        return AnalysisReport(generatedAt: RFC3339.format(micros: nowMicros),
                              analyzedThrough: checkpoint.watermarkMicros.map(RFC3339.format(micros:)),
                              lastRowID: checkpoint.lastRowID, records: RecordCounts(named: checkpoint.recordCounts),
                              incidents: incidents)
    }

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
        var lines = StatusReport.Analysis(analyzedThrough: analyzedThrough, lastRowID: lastRowID, records: records).lines
        let open = incidents.filter { $0.status == .open }.count
        let withdrawn = incidents.filter(AnalysisEngine.isWithdrawn).count
        lines.append("incidents: \(open) open, \(incidents.count - open - withdrawn) resolved"
            + (withdrawn > 0 ? ", \(withdrawn) withdrawn (late records showed no regression)" : ""))
        for incident in incidents {
            let scope = incident.scope.sorted { $0.key < $1.key }.filter { $0.key != "task" }.map { "\($0.key)=\($0.value)" }
            lines.append("")
            let status = incident.status == .open ? "OPEN" : AnalysisEngine.isWithdrawn(incident) ? "withdrawn" : "resolved"
            lines.append("\(status) \(incident.id)  \(incident.task)\(scope.isEmpty ? "" : " [" + scope.joined(separator: ", ") + "]")")
            lines.append("  \(incident.metric) \(pct(incident.baseline.value)) (n \(incident.baseline.n)) → \(pct(incident.current.value)) (n \(incident.current.n)), p \(String(format: "%.2g", incident.pValue))")
            lines.append("  started \(incident.startedAt), detected \(incident.detectedAt)\(incident.resolvedAt.map { ", resolved \($0)" } ?? "")")
            lines.append("  component \(incident.component) (confidence \(String(format: "%.2f", incident.confidence))) → \(incident.recommendation.action)")
            lines.append("  \(incident.recommendation.summary)")
            if let path = incident.recommendation.details["export_path"] { lines.append("  export: \(path)") }
        }
        return lines.joined(separator: "\n")
    }

    private func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}
