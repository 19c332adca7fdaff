import DriftwatchAnalysis
import DriftwatchStatistics

/// A page per versioned dimension (`versions/model_version.html`): for each task, every version of each
/// component family (a model name, a template id, a tool; the index as one) over time — the newest version is the
/// canary, the one that served most of the rest the stable — with deploys, the task's incidents shaded, the
/// numbers per version and links to those incidents and their example requests.
extension DashboardRenderer {
    static let versionPageSections = 12

    func versionPage(dimension: String, cube: RollupCube, snapshot: DashboardSnapshot, site: Site, variant: RangeVariant) -> String {
        let location = Site.Location(variant: variant, path: Site.versionPath(dimension))
        var context = PanelContext(cube: cube, snapshot: snapshot, site: site, location: location)
        // Sections: (task, family) with their version scopes, largest first.
        var groups: [String: [ScopeKey]] = [:]
        for scope in cube.scopes(dimension: dimension) {
            groups["\(scope.task)\u{1}\(Self.family(dimension, scope.value))", default: []].append(scope)
        }
        let totals = groups.mapValues { $0.reduce(Int64(0)) { $0 + cube.total($1, sketch: false).requests } }
        let keys = groups.keys.sorted { (totals[$0]!, $1) > (totals[$1]!, $0) }
        var body = ""
        var anchored: Set<String> = []
        for (i, key) in keys.prefix(Self.versionPageSections).enumerated() {
            let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            let task = parts[0], family = parts[1]
            context.id = "v\(i)"
            let anchor = anchored.insert(task).inserted ? " id=\"\(Site.taskAnchor(task))\"" : ""
            body += "<section class=\"panel\"\(anchor) aria-labelledby=\"v\(i)-h\" data-panel=\"version-history\" data-task=\"\(HTML.escape(task))\">"
            body += "<h2 id=\"v\(i)-h\">\(HTML.text(task, limit: 60))\(family.isEmpty ? "" : " · " + HTML.text(family, limit: 60))</h2>"
            body += versionHistory(task: task, scopes: groups[key]!, dimension: dimension, context)
            body += "</section>\n"
        }
        if keys.isEmpty { body = "<section class=\"panel\" data-panel=\"version-history\"><h2>No versions</h2>\(Self.noData)</section>\n" }
        if keys.count > Self.versionPageSections {
            body += "<p class=\"note\">\(keys.count - Self.versionPageSections) smaller task and component pairs not shown.</p>"
        }
        // Links into a section for a task not shown still land on the page: anchor the remaining tasks here.
        let missing = Set(groups.keys.map { String($0.split(separator: "\u{1}", omittingEmptySubsequences: false)[0]) }).subtracting(anchored).sorted()
        if !missing.isEmpty {
            body += "<p class=\"note\">Also served: " + missing.map { "<span id=\"\(Site.taskAnchor($0))\">\(HTML.text($0, limit: 40))</span>" }.joined(separator: ", ") + ".</p>"
        }
        var meta = "<p class=\"meta\">Generated \(TimeFormat.minute(snapshot.generatedAtMicros)) UTC · data through "
        meta += snapshot.dataThroughMicros.map { TimeFormat.minute($0) + " UTC" } ?? "nothing yet"
        meta += " · resolution \(TimeFormat.duration(cube.resolution))</p>"
        meta += "<p class=\"note\">Canary: the newest version of each component; stable: the one that served most of the rest. The win rate counts the buckets in which both served and the canary had the higher success rate (ties count half).</p>"
        let range = "Last \(TimeFormat.range(variant.micros)): \(TimeFormat.minute(cube.rangeStart)) – \(TimeFormat.minute(cube.to)) UTC"
        return PageShell.page(title: "Versions: \(dimension)", current: site.versionsPage, site: site, location: location, range: range, meta: meta, body: body)
    }

    /// The family a version belongs to: what is before the last `@` of `name@version` (models, templates, tools).
    static func family(_ dimension: String, _ value: String) -> String {
        guard dimension == Dimension.model || dimension == Dimension.template || dimension == Dimension.tool,
              let at = value.lastIndex(of: "@") else { return "" }
        return String(value[..<at])
    }

    func versionHistory(task: String, scopes: [ScopeKey], dimension: String, _ c: PanelContext) -> String {
        let ordered = scopes.sorted { (c.cube.buckets($0).first?.start ?? .max, $0.value) < (c.cube.buckets($1).first?.start ?? .max, $1.value) }
        let totals = Dictionary(uniqueKeysWithValues: ordered.map { ($0, c.cube.total($0, sketch: true)) })
        let canary = ordered.count > 1 ? ordered.last : nil
        let stable = ordered.filter { $0 != canary }.max { (totals[$0]!.requests, $1.value) < (totals[$1]!.requests, $0.value) }
        func role(_ s: ScopeKey) -> String { s == canary ? "canary" : (s == stable ? (canary == nil ? "only version" : "stable") : "older") }
        // Chart: the canary and the stable first, then the rest, newest first.
        let shown = ([canary, stable].compactMap { $0 } + ordered.reversed().filter { $0 != canary && $0 != stable }).prefix(6)
        let slots = c.cube.slots
        let series = shown.map { scope -> LineChart.Series in
            var bySlot: [Int64: MetricCounters] = [:]
            for cell in c.cube.buckets(scope) {
                bySlot[c.cube.from + ((cell.start - c.cube.from) / c.cube.resolution) * c.cube.resolution, default: MetricCounters()].merge(cell.counters, sketch: false)
            }
            return LineChart.Series(name: "\(role(scope)): \(scope.value)", values: slots.map { bySlot[$0]?.successRate })
        }
        var out = ""
        if !slots.isEmpty, series.contains(where: { $0.values.contains { $0 != nil } }) {
            let chart = LineChart(id: c.id, title: "Success rate of \(task) by \(dimension)", unitLabel: "Success rate (%)", slots: slots,
                                  resolution: c.cube.resolution, series: series, markers: markers([dimension], c),
                                  bands: incidentBands(tasks: [task], c), partial: partialSlots(c), format: { Format.percent($0) }, percentage: true)
            out += chart.render(description: "Success rate per \(TimeFormat.duration(c.cube.resolution)) of each version of \(dimension) serving \(task). " + series.map(\.name).joined(separator: "; "))
            out += legend(series.map(\.name))
        }
        let all = ordered.reduce(Int64(0)) { $0 + totals[$1]!.requests }
        out += "<div class=\"scroll\"><table data-versions><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Role</th><th scope=\"col\">First seen (UTC)</th><th scope=\"col\">Last seen (UTC)</th>"
        out += "<th scope=\"col\" class=\"num\">Requests</th><th scope=\"col\" class=\"num\">Share</th><th scope=\"col\" class=\"num\">Success rate</th><th scope=\"col\" class=\"num\">95% CI</th><th scope=\"col\" class=\"num\">Latency p95</th><th scope=\"col\">Canary vs stable</th></tr></thead><tbody>"
        for scope in ordered.reversed() {
            let t = totals[scope]!
            let interval = Proportions.wilsonInterval(successes: Int(t.successes), trials: Int(t.outcomes))
            var win = "–"
            if scope == canary, let stable, let w = Self.winRate(new: c.cube.buckets(scope), old: c.cube.buckets(stable)) {
                win = "wins \(Format.percent(w.rate)) of \(w.buckets) buckets, Δ success \(w.delta >= 0 ? "+" : "")\(Format.fixed(w.delta * 100, digits: 1)) pt"
            }
            let cells = c.cube.buckets(scope)
            out += "<tr data-role=\"\(role(scope))\"><th scope=\"row\">\(HTML.text(scope.value, limit: 60))</th><td>\(role(scope))</td><td>\(cells.first.map { TimeFormat.minute($0.start) } ?? "–")</td><td>\(cells.last.map { TimeFormat.minute($0.start) } ?? "–")</td>"
            out += "<td class=\"num\">\(Format.integer(t.requests))</td><td class=\"num\">\(Format.percent(all > 0 ? Double(t.requests) / Double(all) : nil))</td><td class=\"num\" data-metric=\"success_rate\">\(Format.percent(t.successRate))</td>"
            out += "<td class=\"num\">\(t.outcomes > 0 ? Format.percent(interval.lower) + "–" + Format.percent(interval.upper) : "–")</td><td class=\"num\">\(DashboardMetric.latencyP95.format(DashboardMetric.latencyP95.value(t)))</td><td>\(win)</td></tr>"
        }
        out += "</tbody></table></div>"
        // The task's incidents in the range, with their example requests.
        let now = c.snapshot.dataThroughMicros ?? c.snapshot.generatedAtMicros
        let incidents = c.snapshot.incidents
            .filter { $0.task == task && ($0.resolvedAtMicros ?? now) >= c.cube.rangeStart && $0.startedAtMicros <= c.cube.to }
            .sorted { ($0.startedAtMicros, $0.id) < ($1.startedAtMicros, $1.id) }
        if !incidents.isEmpty {
            out += "<h3>Incidents of \(HTML.text(task, limit: 60)) in this range</h3><ul>"
            for i in incidents.prefix(20) {
                guard let page = c.incidentLink(i.id), let examples = c.incidentLink(i.id, anchor: "examples") else { continue }
                out += "<li><a href=\"\(HTML.escape(page))\" data-drill=\"incident\">\(HTML.text(i.metric, limit: 40)) regression from \(TimeFormat.minute(i.startedAtMicros)) UTC</a> (\(HTML.text(i.component, limit: 20)), \(i.status == .open ? "open" : "resolved")) · <a href=\"\(HTML.escape(examples))\" data-drill=\"examples\">example requests</a></li>"
            }
            out += "</ul>"
        }
        return out
    }
}
