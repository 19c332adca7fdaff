public import DriftwatchDrift
import Foundation

extension DriftReport {
    /// `driftwatch drift` output: JSON is the report itself (one object per feature and scope under
    /// `features`, then `detectors` and `recommendations`); text lists drifted features (all tested
    /// ones with `showAll`), the detectors and the recommendations.
    public func render(_ format: OutputFormat, showAll: Bool = false) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        var lines: [String] = []
        lines.append("records counted  \(formatCount(Int64(recordsSeen)))" + (newestRecord.map { "  newest \($0)" } ?? ""))
        if let baseline {
            let cut = excludedReferenceBuckets > 0 ? "  (\(excludedReferenceBuckets) reference buckets left out: analyzer incidents)" : ""
            lines.append("baseline         \(baseline.from) … \(baseline.to)\(cut)")
        }
        if let current { lines.append("current window   \(current.from) … \(current.to)") }
        if let trailingReference { lines.append("trailing ref     \(trailingReference.from) … \(trailingReference.to)") }
        let drifted = features.filter(\.drifted)
        lines.append("")
        lines.append("features tested  \(features.count) (feature × scope), drifted \(drifted.count), skipped for too few values \(skippedForCount)")
        let shown = (showAll ? features : drifted).sorted { ($0.scope == "all" ? 0 : 1, $0.scope, $0.feature) < ($1.scope == "all" ? 0 : 1, $1.scope, $1.feature) }
        for row in shown {
            let p = row.pValue.map { "  p \(Self.format($0))" } ?? ""
            let flag = row.drifted ? (row.informational ? "DRIFT (version)" : "DRIFT") : "ok"
            lines.append("  \(flag.padding(toLength: 15, withPad: " ", startingAt: 0)) \(row.feature) [\(row.scope)]  \(row.statistic) \(Self.format(row.value)) (threshold \(Self.format(row.threshold)))\(p)\(Self.shape(row))")
        }
        lines.append("")
        lines.append("streaming detectors")
        for d in detectors {
            let last = d.lastDetection.map { ", last \($0)" } ?? ""
            lines.append("  \(d.name): rate \(Self.format(d.currentRate)) over \(formatCount(Int64(d.observations))) observations, detections ADWIN \(d.adwinDetections) / Page-Hinkley \(d.pageHinkleyDetections)\(last)")
        }
        lines.append("")
        if recommendations.isEmpty {
            lines.append("no drift, no recommendation")
        } else {
            lines.append("recommendations")
            for rec in recommendations {
                var head = "  \(rec.action) [\(rec.scope)]"
                if let suggested = rec.suggestedAction { head += " (drift suggests \(suggested))" }
                if let slice = rec.slice { head += " slice \(slice)" }
                if let model = rec.model { head += " model \(model)" }
                if let to = rec.routeTo { head += " → \(to)" }
                if let tool = rec.tool { head += " tool \(tool)" }
                lines.append(head)
                lines.append("    \(rec.reason)")
                if let examples = rec.examples {
                    lines.append("    examples: \(examples.modelName) on \(examples.sliceKey)=\(examples.sliceValue), outcome \(examples.outcome ?? "any"), up to \(examples.limit) (--export-examples DIR writes them)")
                }
                for incident in rec.incidents {
                    lines.append("    analyzer incident\(incident.id.map { " " + $0 } ?? ""): \(incident.action) on \(incident.component) [\(incident.scope)]")
                }
            }
        }
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }

    static func format(_ x: Double) -> String {
        if x == 0 { return "0" }
        if abs(x) < 0.001 { return String(format: "%.2e", x) }
        return String(format: "%.3f", x)
    }

    static func shape(_ row: FeatureDrift) -> String {
        if let a = row.reference.mean, let b = row.current.mean { return "  mean \(format(a)) → \(format(b))" }
        if let a = row.reference.topDocumentShare, let b = row.current.topDocumentShare {
            return "  top-document share \(format(a)) → \(format(b)), new \(format(row.current.newDocumentShare ?? 0))"
        }
        if let a = row.reference.top?.first, let b = row.current.top?.first {
            return "  top \(a.value) \(format(a.share)) → \(b.value) \(format(b.share))"
        }
        return ""
    }
}
