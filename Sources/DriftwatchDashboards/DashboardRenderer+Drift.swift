import DriftwatchDrift

extension DashboardRenderer {
    /// Drifted features first, each with its reference and current distributions side by side; then every
    /// tested feature in a table and the streaming detectors.
    func drift(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        guard let report = c.snapshot.drift else { return "<p class=\"note\">Drift detection has not run yet.</p>" }
        var out = "<p class=\"note\">"
        if let ref = report.baseline ?? report.trailingReference { out += "Reference \(TimeFormat.minute(ref.fromMicros)) – \(TimeFormat.minute(ref.toMicros)) UTC. " }
        if let cur = report.current { out += "Current \(TimeFormat.minute(cur.fromMicros)) – \(TimeFormat.minute(cur.toMicros)) UTC. " }
        out += "\(Format.integer(Int64(report.recordsSeen))) records seen.</p>"
        let drifted = report.drifted.sorted { ($0.informational ? 1 : 0, $0.feature, $0.scope) < ($1.informational ? 1 : 0, $1.feature, $1.scope) }
        out += "<p data-drifted=\"\(drifted.count)\">\(drifted.count) drifted feature/scope pairs of \(report.features.count) tested.</p>"
        // One chart per feature: a feature usually drifts the same way in every scope it is tested in (a new model
        // version is new in every task), so the chart is drawn once, for its widest scope (`all`, else the one
        // with the most current data), and the scopes are listed under it.
        var features: [String] = []
        var byFeature: [String: [FeatureDrift]] = [:]
        for row in drifted {
            if byFeature[row.feature] == nil { features.append(row.feature) }
            byFeature[row.feature, default: []].append(row)
        }
        out += "<p class=\"note\" data-drifted-features=\"\(features.count)\">\(features.count) distinct features drifted.</p>"
        for (i, feature) in features.prefix(panel.limit).enumerated() {
            let rows = byFeature[feature]!
            let shown = rows.first { $0.scope == "all" } ?? rows.max { ($0.current.count, $1.scope) < ($1.current.count, $0.scope) }!
            let id = "\(c.id)-f\(i)"
            out += "<h3 data-feature>\(HTML.text(feature, limit: 60))\(shown.informational ? " (informational)" : "")</h3>"
            out += "<p class=\"note\">Drifted in \(rows.count == 1 ? "scope" : "\(rows.count) scopes:") \(rows.prefix(12).map { HTML.text($0.scope, limit: 60) }.joined(separator: ", "))\(rows.count > 12 ? ", …" : "")."
            out += " Chart: \(HTML.text(shown.scope, limit: 60)), \(HTML.escape(shown.statistic)) \(number(shown.value)) (threshold \(number(shown.threshold)))\(shown.psi.map { "; PSI \(number($0))" } ?? ""); reference n \(Format.integer(Int64(shown.reference.count))), current n \(Format.integer(Int64(shown.current.count))).</p>"
            out += distribution(shown, id: id)
        }
        if features.count > panel.limit { out += "<p class=\"note\">\(features.count - panel.limit) more drifted features in the table below.</p>" }
        out += filterBox(c.id, label: "features")
        out += "<details\(drifted.isEmpty ? " open" : "")><summary>All tested features (\(report.features.count))</summary><div class=\"scroll\"><table id=\"\(c.id)-table\"><thead><tr><th scope=\"col\">Feature</th><th scope=\"col\">Scope</th><th scope=\"col\">Statistic</th><th scope=\"col\" class=\"num\">Score</th><th scope=\"col\" class=\"num\">Threshold</th><th scope=\"col\">Drifted</th><th scope=\"col\" class=\"num\">Reference n</th><th scope=\"col\" class=\"num\">Current n</th></tr></thead><tbody>"
        for row in report.features.prefix(500) {
            out += "<tr><th scope=\"row\">\(HTML.text(row.feature, limit: 50))</th><td>\(HTML.text(row.scope, limit: 60))</td><td>\(HTML.escape(row.statistic))</td><td class=\"num\">\(number(row.value))</td><td class=\"num\">\(number(row.threshold))</td>"
            out += "<td>\(row.drifted ? "yes" : "no")</td><td class=\"num\">\(Format.integer(Int64(row.reference.count)))</td><td class=\"num\">\(Format.integer(Int64(row.current.count)))</td></tr>"
        }
        out += "</tbody></table></div></details>"
        if !report.detectors.isEmpty {
            out += "<h3>Streaming detectors</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Rate</th><th scope=\"col\" class=\"num\">Observations</th><th scope=\"col\" class=\"num\">Current rate</th><th scope=\"col\" class=\"num\">ADWIN detections</th><th scope=\"col\" class=\"num\">Page–Hinkley detections</th><th scope=\"col\">Last detection</th></tr></thead><tbody>"
            for d in report.detectors.prefix(100) {
                out += "<tr><th scope=\"row\">\(HTML.text(d.name, limit: 60))</th><td class=\"num\">\(Format.integer(Int64(d.observations)))</td><td class=\"num\">\(Format.percent(d.currentRate))</td><td class=\"num\">\(d.adwinDetections)</td><td class=\"num\">\(d.pageHinkleyDetections)</td><td>\(HTML.text(d.lastDetection ?? "–", limit: 40))</td></tr>"
            }
            out += "</tbody></table></div>"
        }
        if !report.recommendations.isEmpty {
            // Identical advice for several scopes is one item listing them; the reason is shown whole.
            var order: [String] = []
            var scopes: [String: [String]] = [:]
            var first: [String: DriftRecommendation] = [:]
            for r in report.recommendations {
                let key = "\(r.action)\u{1}\(r.component)\u{1}\(r.reason)"
                if first[key] == nil { order.append(key); first[key] = r }
                scopes[key, default: []].append(r.scope)
            }
            out += "<h3>Recommendations</h3><ul class=\"recs\" data-recommendations=\"\(order.count)\">"
            for key in order.prefix(60) {
                let r = first[key]!
                let where_ = scopes[key]!.map { HTML.escape($0) }.joined(separator: ", ")
                out += "<li><strong>\(HTML.escape(r.action))</strong> (\(HTML.escape(r.component)); \(where_)): \(HTML.escape(r.reason))</li>"
            }
            out += "</ul>"
            if order.count > 60 { out += "<p class=\"note\">\(order.count - 60) more recommendations: <code>driftwatch drift</code> lists them all.</p>" }
        }
        return out
    }

    /// Reference vs current as paired bars: category shares for categorical features, mean/p50/p90 for numeric ones.
    func distribution(_ row: FeatureDrift, id: String) -> String {
        var rows: [BarChart.Row] = []
        var unit = ""
        var format: (Double) -> String = { Format.fixed($0, digits: 2) }
        if let refTop = row.reference.top, let curTop = row.current.top {
            var order: [String] = []
            for s in refTop + curTop where !order.contains(s.value) { order.append(s.value) }
            let ref = Dictionary(refTop.map { ($0.value, $0.share) }, uniquingKeysWith: { a, _ in a })
            let cur = Dictionary(curTop.map { ($0.value, $0.share) }, uniquingKeysWith: { a, _ in a })
            rows = order.prefix(10).map { BarChart.Row(label: $0, values: [ref[$0] ?? 0, cur[$0] ?? 0]) }
            unit = "Share of values (%)"
            format = { Format.percent($0) }
        } else if row.reference.topDocumentShare != nil || row.current.topDocumentShare != nil {
            rows = [BarChart.Row(label: "to reference top documents", values: [row.reference.topDocumentShare, row.current.topDocumentShare]),
                    BarChart.Row(label: "to new documents", values: [row.reference.newDocumentShare, row.current.newDocumentShare])]
            unit = "Share of evidence (%)"
            format = { Format.percent($0) }
        } else {
            rows = [("mean", row.reference.mean, row.current.mean), ("p50", row.reference.p50, row.current.p50), ("p90", row.reference.p90, row.current.p90)]
                .map { BarChart.Row(label: $0.0, values: [$0.1, $0.2]) }
            unit = "Value"
        }
        guard rows.contains(where: { $0.values.contains { $0 != nil } }) else { return "" }
        let chart = BarChart(id: id, title: "\(row.feature) (\(row.scope)): reference vs current", unitLabel: unit,
                             groups: ["reference", "current"], rows: rows, format: format, maxValue: nil)
        let text = rows.map { r in "\(r.label): reference \(r.values[0].map(format) ?? "–"), current \(r.values[1].map(format) ?? "–")" }.joined(separator: "; ")
        return chart.render(description: text) + legend(["reference", "current"], bars: true)
    }
}
