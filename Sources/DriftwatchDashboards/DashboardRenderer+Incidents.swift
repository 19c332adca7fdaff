import DriftwatchAnalysis

extension DashboardRenderer {
    /// Incidents: open first then most severe, each with its numbers, attribution, evidence and recommendation.
    func incidents(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        let list = c.snapshot.incidents
            .filter { $0.detectedAtMicros >= c.cube.from || $0.status == .open }
            .sorted { ($0.status == .open ? 0 : 1, -$0.rankingSeverity, $0.id) < ($1.status == .open ? 0 : 1, -$1.rankingSeverity, $1.id) }
        guard !list.isEmpty else { return "<p class=\"note\">No incidents in this range.</p>" }
        let open = list.filter { $0.status == .open }.count
        var out = "<p data-open=\"\(open)\" data-total=\"\(list.count)\">\(open) open, \(list.count - open) resolved.</p>"
        for (i, incident) in list.prefix(panel.limit).enumerated() {
            let scope = incident.scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            out += "<article id=\"\(Self.incidentAnchor(incident.id))\" class=\"incident \(incident.status == .open ? "open" : "resolved")\" aria-labelledby=\"\(c.id)-i\(i)\">"
            let heading = "\(incident.status == .open ? "Open" : "Resolved"): \(HTML.text(incident.metric, limit: 40)) regression in \(HTML.text(scope, limit: 120))"
            out += "<h3 id=\"\(c.id)-i\(i)\">" + (c.incidentLink(incident.id).map { "<a href=\"\(HTML.escape($0))\" data-drill=\"incident\">\(heading)</a>" } ?? heading) + "</h3>"
            out += "<dl class=\"kv\">"
            out += "<dt>Incident</dt><dd>\(HTML.text(incident.id, limit: 60))</dd>"
            out += "<dt>\(HTML.escape(incident.metric))</dt><dd data-field=\"rates\">\(Format.percent(incident.baseline.value)) (n \(Format.integer(incident.baseline.n))\(ci(incident.baseline))) → \(Format.percent(incident.current.value)) (n \(Format.integer(incident.current.n))\(ci(incident.current)))</dd>"
            out += "<dt>p-value</dt><dd>\(sci(incident.pValue)) (adjusted \(sci(incident.adjustedPValue))) at detection</dd>"
            if let b = incident.baselineWindow, let w = incident.currentWindow {
                out += "<dt>Windows</dt><dd>baseline \(TimeFormat.minute(b.fromMicros))–\(TimeFormat.minute(b.toMicros)) UTC, current \(TimeFormat.minute(w.fromMicros))–\(TimeFormat.minute(w.toMicros)) UTC</dd>"
            }
            if let latest = incident.latest {
                out += "<dt>Latest</dt><dd data-field=\"latest\">\(Format.percent(latest.value)) (n \(Format.integer(latest.n))) at \(TimeFormat.minute(incident.updatedAtMicros)) UTC\(incident.latestPValue.map { ", p \(sci($0)) against the opening baseline" } ?? "")</dd>"
            }
            out += "<dt>Started</dt><dd>\(TimeFormat.minute(incident.startedAtMicros)) UTC; detected \(TimeFormat.minute(incident.detectedAtMicros)) UTC\(incident.resolvedAtMicros.map { "; resolved \(TimeFormat.minute($0)) UTC" } ?? "")</dd>"
            out += "<dt>Attribution</dt><dd data-field=\"component\">\(HTML.text(incident.component, limit: 40)) (confidence \(Format.fixed(incident.confidence, digits: 2)))</dd>"
            out += "<dt>Severity</dt><dd>\(Format.fixed(incident.rankingSeverity, digits: 1)) excess failures per hour</dd>"
            if let affected = incident.affected, affected.count > 1 {
                out += "<dt>Scopes hit</dt><dd data-field=\"affected\">"
                out += affected.map { a in
                    let extra = a.scope.sorted { $0.key < $1.key }.filter { $0.key != "task" }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                    return HTML.text("\(a.task)\(extra.isEmpty ? "" : " [\(extra)]"): \(a.metric) ", limit: 160)
                        + "\(Format.percent(a.baseline.value)) → \(Format.percent(a.current.value)) (\(a.status == .open ? "open" : "recovered"))"
                }.joined(separator: "<br>")
                out += "</dd>"
            }
            out += "<dt>Recommendation</dt><dd data-field=\"action\"><strong>\(HTML.text(incident.recommendation.action, limit: 40))</strong>: \(HTML.text(incident.recommendation.summary, limit: 400))</dd>"
            if let path = incident.recommendation.details["export_path"], let href = HTML.fileLink(path) {
                let counts = [incident.recommendation.details["export_failing"].map { "\($0) failing" }, incident.recommendation.details["export_passing"].map { "\($0) passing" }]
                    .compactMap { $0 }.joined(separator: ", ")
                out += "<dt>Example set</dt><dd><a href=\"\(HTML.escape(href))\" data-field=\"export\">\(HTML.text(path, limit: 80))</a>\(counts.isEmpty ? "" : " (\(HTML.escape(counts)))")</dd>"
            }
            out += "</dl>"
            let details = incident.recommendation.details.filter { !$0.key.hasPrefix("export_") }.sorted { $0.key < $1.key }
            if !details.isEmpty {
                out += "<details><summary>Recommendation details</summary><dl class=\"kv\">"
                for (k, v) in details.prefix(40) { out += "<dt>\(HTML.text(k, limit: 40))</dt><dd>\(HTML.text(v, limit: 200))</dd>" }
                out += "</dl></details>"
            }
            out += evidenceTable(incident)
            out += "</article>"
        }
        if list.count > panel.limit { out += "<p class=\"note\">\(list.count - panel.limit) more incidents not shown.</p>" }
        return out
    }

    /// The numbers behind the attribution.
    func evidenceTable(_ incident: Incident, limit: Int = 30) -> String {
        guard !incident.evidence.isEmpty else { return "" }
        var out = "<div class=\"scroll\"><table><caption>Evidence</caption><thead><tr><th scope=\"col\">Signal</th><th scope=\"col\" class=\"num\">Baseline</th><th scope=\"col\" class=\"num\">Current</th><th scope=\"col\">Note</th></tr></thead><tbody>"
        for e in incident.evidence.prefix(limit) {
            out += "<tr><th scope=\"row\">\(HTML.text(e.signal, limit: 50))</th><td class=\"num\">\(number(e.baseline))</td><td class=\"num\">\(number(e.current))</td><td>\(HTML.text(e.note, limit: 200))</td></tr>"
        }
        return out + "</tbody></table></div>"
    }

    func ci(_ m: Incident.Measurement) -> String {
        guard let lo = m.ciLower, let up = m.ciUpper else { return "" }
        return ", 95% CI \(Format.percent(lo))–\(Format.percent(up))"
    }

    func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        return v.magnitude < 1 && v != 0 ? Format.fixed(v, digits: 4) : Format.fixed(v, digits: 2)
    }

    func sci(_ p: Double) -> String {
        guard p.isFinite else { return "–" }
        if p == 0 { return "0" }
        if p >= 0.001 { return Format.fixed(p, digits: 4) }
        var e = 0, m = p
        while m < 1 { m *= 10; e -= 1 }
        return Format.fixed(m, digits: 1) + "e" + String(e)
    }
}
