import Foundation

/// Renders results as the markdown tables `docs/analysis.md` keeps, or as one JSON document.
enum SuiteReport {
    static func markdown(_ results: [CaseResult], summary: SuiteSummary) -> String {
        var out: [String] = []
        for group in summary.groups {
            let rows = results.filter { $0.group == group.group }
            out.append("### \(group.group)\n")
            out.append("| case | cause | req/min | h | seed | detected | component | action | onset err (min) | delay (min) | scope named | version named | ambiguous (expected) | false alarms | FA/30 d | incidents (tasks) | resolved while active | by ½ ramp | CPU s |")
            out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
            for r in rows { out.append(row(r)) }
            out.append("")
            out.append(summaryLine(group))
            let benign = Set(rows.map(\.benign))
            if benign.count == 1, let list = benign.first {
                out.append("\nBenign deploys in every row: " + list.map { "`\($0)`" }.joined(separator: ", ") + ".")
            } else {
                out.append("\nBenign deploys: \(rows.map(\.benign.count).max() ?? 0) per run (see JSON for the lists).")
            }
            let alarms = rows.flatMap { r in r.falseAlarmLines.map { "\(r.name) seed \(r.seed): \($0)" } }
            if !alarms.isEmpty {
                out.append("\nFalse alarms:")
                for line in alarms.prefix(12) { out.append("- \(line)") }
                if alarms.count > 12 { out.append("- … and \(alarms.count - 12) more") }
            }
            out.append("")
        }
        if !summary.confusion.isEmpty { out.append(confusion(summary.confusion)) }
        for calibration in summary.calibration where calibration.count > 0 { out.append(reliability(calibration)) }
        return out.joined(separator: "\n")
    }

    private static func row(_ r: CaseResult) -> String {
        let cause = r.cause.map { "`\($0)`" } ?? "— (quiet)"
        let detected = r.detected.map { $0 ? "yes" : "**no**" } ?? "—"
        let component = r.trueComponent.map { truth in "\(r.namedComponent ?? "none") (\(truth))" } ?? "—"
        let action = r.action.map { "\($0)\(r.actionRight == true ? "" : " ✗")" } ?? "—"
        let scope: String = switch r.scopeNamed {
        case .some(true): "yes"
        case .some(false): "no (missing \((r.scopeMissing ?? []).joined(separator: ", ")))"
        case .none: "—"
        }
        let incidents = r.causeIncidents.map { "\($0) (\(r.causeTasks ?? 0))" } ?? "—"
        let versionNamed: String = r.versionNamed.map { $0 ? "yes" : "**no**" } ?? "—"
        var ambiguous = "—"
        if let a = r.ambiguous {
            ambiguous = a ? "yes" : "no"
            if let expected = r.ambiguityExpected, expected != a { ambiguous += " ✗" }
        }
        let cells: [String] = [
            r.name, cause, format(r.requestsPerMinute, 0), format(r.hours, 0), "\(r.seed)", detected, component, action,
            optional(r.onsetErrorMinutes, 0), optional(r.delayMinutes, 0), scope,
            versionNamed, ambiguous,
            "\(r.falseAlarms)",
            format(r.falseAlarmsPer30Days, 1), incidents, r.resolvedWhileActive.map { "\($0)" } ?? "—",
            r.detectedByHalfRamp.map { $0 ? "yes" : "no" } ?? "—", format(r.cpuSeconds, 1),
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    private static func summaryLine(_ g: SuiteSummary.Group) -> String {
        var parts: [String] = []
        if g.incidentRuns > 0 {
            parts.append("detected \(g.detected)/\(g.incidentRuns)")
            parts.append("action right \(g.actionRight)/\(g.incidentRuns)")
            parts.append("scope named \(g.scopeNamed)/\(g.incidentRuns)")
            parts.append("median delay \(optional(g.medianDelayMinutes, 0)) min")
            parts.append("max onset error \(optional(g.maxOnsetErrorMinutes, 0)) min")
            parts.append("fragmented or resolved early \(g.fragmented)")
        }
        parts.append("false alarms \(g.falseAlarms) in \(format(g.runHours, 0)) h (\(format(g.falseAlarmsPer30Days, 1)) per 30 days)")
        parts.append("\(format(Double(g.records) / 1e6, 2)) M records in \(format(g.cpuSeconds, 1)) s CPU (\(format(g.seconds, 1)) s wall)")
        return "**\(g.group)**: " + parts.joined(separator: ", ")
    }

    private static func confusion(_ counts: [String: Int]) -> String {
        let components = ["retrieval", "tools", "wrapper", "model", "traffic"]
        let named = components + ["none"]
        var lines = ["### Confusion (true component → component of the first incident on an affected task)\n",
                     "| true \\ named | " + named.joined(separator: " | ") + " |",
                     "|---|" + named.map { _ in "---" }.joined(separator: "|") + "|"]
        for truth in components {
            let cells = named.map { "\(counts["\(truth) → \($0)"] ?? 0)" }
            guard cells.contains(where: { $0 != "0" }) else { continue }
            lines.append("| \(truth) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func reliability(_ c: SuiteSummary.Calibration) -> String {
        let title = c.population == "related"
            ? "Confidence reliability, incidents on an affected task after the cause (right = component right)"
            : "Confidence reliability, every opened incident (false alarms count as wrong)"
        var lines = ["### \(title)\n", "| confidence | count | mean confidence | accuracy |", "|---|---|---|---|"]
        for bin in c.bins {
            lines.append("| \(format(bin.lower, 1))–\(format(bin.upper, 1)) | \(bin.count) | \(optional(bin.meanConfidence, 2)) | \(optional(bin.accuracy, 2)) |")
        }
        lines.append("\nBrier score over \(c.count) incidents: \(optional(c.brier, 3))\n")
        return lines.joined(separator: "\n")
    }

    struct Document: Encodable {
        var groups: [String]
        var seeds: [UInt64]
        var quietSeeds: [UInt64]
        var quietDays: Int
        var results: [CaseResult]
        var summary: SuiteSummary
    }

    static func json(_ document: Document) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}

/// `x` with `digits` decimals.
func format(_ x: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", x)
}

func optional(_ x: Double?, _ digits: Int) -> String { x.map { format($0, digits) } ?? "—" }
