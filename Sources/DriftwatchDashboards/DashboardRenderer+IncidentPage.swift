import DriftwatchAnalysis
import DriftwatchCore

/// The page of one incident (issue #15 item 5): the headline numbers, a timeline of its metric over its scope with
/// onset, detection and resolution marked, the evidence, the cohorts of its task before and during it, the
/// recommendation with example request ids and the `driftwatch records` commands that print them, and the
/// notifications sent for it. It covers the incident's own time, so it is one page whatever range links to it.
extension DashboardRenderer {
    static let hourMicros: Int64 = 3_600_000_000

    func incidentPage(_ incident: Incident, snapshot: DashboardSnapshot, taskRollups: [RollupTable.Row], site: Site) -> String {
        let location = Site.Location(variant: nil, path: Site.incidentFile(incident.id))
        let now = snapshot.dataThroughMicros ?? snapshot.generatedAtMicros
        let end = incident.resolvedAtMicros ?? now
        let duration = max(end - incident.startedAtMicros, snapshot.bucketMicros)
        // As much time before the onset as the incident lasted (at least a day, and the opening test's baseline),
        // and a quarter of it after the resolution, so the return to normal shows.
        var from = incident.startedAtMicros - max(24 * Self.hourMicros, duration)
        if let b = incident.baselineWindow { from = min(from, b.fromMicros) }
        let to = min(now, end + max(6 * Self.hourMicros, duration / 4))
        let span = min(max(to - from, snapshot.bucketMicros), 30 * 24 * Self.hourMicros)
        var own = snapshot
        own.rollups = taskRollups
        let definition = DashboardDefinition(id: "incident", title: "", filters: .init(tasks: [incident.task]), panels: [])
        let cube = RollupCube(snapshot: own, definition: definition, rangeMicros: span, endMicros: to)
        let context = PanelContext(cube: cube, snapshot: own, site: site, location: location, id: "t")
        let metric = IncidentMetric(incident.metric)
        let scope = incident.scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let title = "Incident \(incident.id)"

        var meta = "<p class=\"meta\">\(incident.status == .open ? "Open" : "Resolved"): \(HTML.text(metric.label, limit: 80)) regression in \(HTML.text(scope, limit: 200)) · generated \(TimeFormat.minute(snapshot.generatedAtMicros)) UTC · data through \(TimeFormat.minute(now)) UTC</p>"
        meta += "<p class=\"note\">This page covers the incident's own time (\(TimeFormat.minute(cube.from)) – \(TimeFormat.minute(cube.to)) UTC) in every range.</p>"
        var body = section("headline", "Headline", headline(incident, metric: metric, now: now))
        body += section("timeline", "Timeline", timeline(incident, metric: metric, context: context))
        body += section("next", "Where to look next", drillLinks(incident, dimensions: Set(taskRollups.map(\.scope.dimension)), site: site, location: location))
        body += section("evidence", "Evidence", evidenceTable(incident, limit: 100).isEmpty ? "<p class=\"note\">No evidence recorded.</p>" : evidenceTable(incident, limit: 100))
        body += section("cohorts", "Cohorts and versions of \(HTML.text(incident.task, limit: 60)): before and during", cohorts(incident, metric: metric, rollups: taskRollups, now: now, site: site, location: location))
        if let affected = incident.affected, affected.count > 1 { body += section("scopes", "Scopes the cause hit", scopesTable(affected)) }
        body += section("recommendation", "Recommendation", recommendation(incident))
        body += section("examples", "Example requests", examples(incident, snapshot: snapshot))
        body += section("notifications", "Notifications sent", notifications(incident, snapshot: snapshot))
        let range = "Incident window: \(TimeFormat.minute(incident.startedAtMicros)) – \(incident.resolvedAtMicros.map { TimeFormat.minute($0) + " UTC" } ?? "open")"
        return PageShell.page(title: title, current: nil, site: site, location: location, range: range, meta: meta, body: body)
    }

    func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section class=\"panel\" id=\"\(id)\" aria-labelledby=\"\(id)-h\" data-panel=\"incident-\(id)\"><h2 id=\"\(id)-h\">\(title)</h2>\(content)</section>\n"
    }

    func headline(_ incident: Incident, metric: IncidentMetric, now: Int64) -> String {
        let latest = incident.latest ?? incident.current
        let delta = (latest.value - incident.baseline.value) * 100
        let end = incident.resolvedAtMicros ?? now
        var cells: [(String, String, String)] = [
            // A traffic incident's opening test measures another scope (the share of a slice): say which.
            (incident.testedScope.map { "Measured on \($0)" } ?? metric.label, "\(Format.percent(incident.baseline.value)) → \(Format.percent(latest.value))", "rates"),
            ("Change", "\(delta >= 0 ? "+" : "−")\(Format.fixed(abs(delta), digits: 1)) pt", "change"),
            ("Excess failures per hour", Format.fixed(incident.rankingSeverity, digits: 1), "severity"),
            (incident.status == .open ? "Open for" : "Resolved after", Self.span(end - incident.startedAtMicros), "duration"),
            ("Detected after onset", Self.span(incident.detectedAtMicros - incident.startedAtMicros), "time-to-detect"),
            ("Blamed component", "\(HTML.text(incident.component, limit: 30)) (\(Format.fixed(incident.confidence, digits: 2)))", "component"),
        ]
        if let affected = incident.affected, affected.count > 1 { cells.append(("Scopes hit", "\(affected.count)", "scopes")) }
        var out = "<div class=\"headline\">"
        for (what, value, field) in cells { out += "<div data-field=\"\(field)\"><span class=\"big\">\(value)</span><span class=\"what\">\(HTML.escape(what))</span></div>" }
        out += "</div><dl class=\"kv\">"
        out += "<dt>Incident</dt><dd>\(HTML.text(incident.id, limit: 80))</dd>"
        out += "<dt>Baseline</dt><dd>\(Format.percent(incident.baseline.value)) (n \(Format.integer(incident.baseline.n))\(ci(incident.baseline)))\(incident.baselineWindow.map { ", \(TimeFormat.minute($0.fromMicros)) – \(TimeFormat.minute($0.toMicros)) UTC" } ?? "")</dd>"
        out += "<dt>At detection</dt><dd>\(Format.percent(incident.current.value)) (n \(Format.integer(incident.current.n))\(ci(incident.current))), p \(sci(incident.pValue)) (adjusted \(sci(incident.adjustedPValue)))\(incident.currentWindow.map { ", \(TimeFormat.minute($0.fromMicros)) – \(TimeFormat.minute($0.toMicros)) UTC" } ?? "")</dd>"
        if let l = incident.latest {
            out += "<dt>Latest</dt><dd>\(Format.percent(l.value)) (n \(Format.integer(l.n))) at \(TimeFormat.minute(incident.updatedAtMicros)) UTC\(incident.latestPValue.map { ", p \(sci($0)) against the baseline" } ?? "")</dd>"
        }
        out += "<dt>Onset</dt><dd>\(TimeFormat.minute(incident.startedAtMicros)) UTC"
        if let lo = incident.onsetLowerMicros, let hi = incident.onsetUpperMicros { out += " (95% interval \(TimeFormat.minute(lo)) – \(TimeFormat.minute(hi)) UTC)" }
        out += "; detected \(TimeFormat.minute(incident.detectedAtMicros)) UTC\(incident.resolvedAtMicros.map { "; resolved \(TimeFormat.minute($0)) UTC" } ?? "; still open")</dd>"
        if let tested = incident.testedScope { out += "<dt>Tested scope</dt><dd>\(HTML.text(tested, limit: 120))</dd>" }
        if let conjunction = incident.conjunction, !conjunction.isEmpty { out += "<dt>Slice</dt><dd>\(HTML.text(conjunction.joined(separator: " ∧ "), limit: 200))</dd>" }
        return out + "</dl>"
    }

    /// `2 h 30 min`, `3 d 4 h`, `45 min`.
    static func span(_ micros: Int64) -> String {
        let minutes = max(0, micros) / 60_000_000
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 48 * 60 { return "\(minutes / 60) h" + (minutes % 60 == 0 ? "" : " \(minutes % 60) min") }
        return "\(minutes / 1440) d" + ((minutes % 1440) / 60 == 0 ? "" : " \((minutes % 1440) / 60) h")
    }

    /// The metric over the incident's scope (and its whole task when the scope is narrower), the incident shaded,
    /// onset, detection and resolution as solid lines and deploys as dashed ones.
    func timeline(_ incident: Incident, metric: IncidentMetric, context c: PanelContext) -> String {
        let slots = c.cube.slots
        guard !slots.isEmpty else { return Self.noData }
        var named: [(String, [Int64: MetricCounters])] = []
        if !incident.primaryDimension.isEmpty, let scoped = c.cube.series(dimension: incident.primaryDimension, sketch: false)[incident.primaryValue] {
            named.append(("\(incident.primaryDimension)=\(incident.primaryValue)", scoped))
        }
        if let task = c.cube.series(dimension: "task", sketch: false)[incident.task] { named.append(("\(incident.task) (whole task)", task)) }
        let series = named.map { name, bySlot in LineChart.Series(name: name, values: slots.map { bySlot[$0].flatMap(metric.value) }) }
        guard series.contains(where: { $0.values.contains { $0 != nil } }) else { return Self.noData }
        var events = [LineChart.Marker(atMicros: incident.startedAtMicros, label: "onset", isEvent: true),
                      LineChart.Marker(atMicros: incident.detectedAtMicros, label: "detected", isEvent: true)]
        if let resolved = incident.resolvedAtMicros { events.append(LineChart.Marker(atMicros: resolved, label: "resolved", isEvent: true)) }
        let deploys = markers([Dimension.model, Dimension.template, Dimension.index, Dimension.tool], c)
        let all = (events + deploys).sorted { ($0.atMicros, $0.isEvent ? 0 : 1, $0.label) < ($1.atMicros, $1.isEvent ? 0 : 1, $1.label) }
        let now = c.snapshot.dataThroughMicros ?? c.snapshot.generatedAtMicros
        let band = LineChart.Band(fromMicros: incident.startedAtMicros, toMicros: incident.resolvedAtMicros ?? now,
                                  label: "This incident, \(TimeFormat.minute(incident.startedAtMicros)) UTC – \(incident.resolvedAtMicros.map { TimeFormat.minute($0) + " UTC" } ?? "open")", href: nil)
        let chart = LineChart(id: c.id, title: "\(metric.label) of \(incident.task) around incident \(incident.id)", unitLabel: "\(metric.label) (%)",
                              slots: slots, resolution: c.cube.resolution, series: series, markers: all, bands: [band], partial: partialSlots(c),
                              format: { Format.percent($0) }, percentage: true)
        var description = "\(metric.label) per \(TimeFormat.duration(c.cube.resolution)), \(TimeFormat.minute(c.cube.from)) to \(TimeFormat.minute(c.cube.to)) UTC. "
        description += "Onset \(TimeFormat.minute(incident.startedAtMicros)), detected \(TimeFormat.minute(incident.detectedAtMicros))"
        description += incident.resolvedAtMicros.map { ", resolved \(TimeFormat.minute($0)) UTC." } ?? " UTC, still open."
        var out = chart.render(description: description) + legend(series.map(\.name))
        out += "<p class=\"note\">Shaded: the incident. Solid lines: onset, detection\(incident.resolvedAtMicros == nil ? "" : " and resolution"). Dashed lines: deploys.</p>"
        return out
    }

    /// Links to the version pages of the blamed component (canary against stable for this task) and to the slices.
    /// `dimensions`: those the task has rollups of (a version page has a section for the task only then).
    func drillLinks(_ incident: Incident, dimensions taskDimensions: Set<String>, site: Site, location: Site.Location) -> String {
        var dimensions: [String] = []
        if Dimension.versioned.contains(incident.primaryDimension) { dimensions.append(incident.primaryDimension) }
        for predicate in incident.conjunction ?? [] {
            if let eq = predicate.firstIndex(of: "=") { dimensions.append(String(predicate[..<eq])) }
        }
        dimensions += Site.dimensions(ofComponent: incident.component)
        let available = site.versionDimensions.filter { taskDimensions.contains($0) }
        var shown = dimensions.filter { available.contains($0) }
        if shown.isEmpty { shown = available }
        shown = shown.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        let variant = site.variant(showing: incident.startedAtMicros - 24 * Self.hourMicros)
        var out = "<ul>"
        for d in shown {
            let href = location.toRoot + variant.directory + Site.href(Site.versionPath(d)) + "#" + Site.taskAnchor(incident.task)
            out += "<li><a href=\"\(HTML.escape(href))\" data-drill=\"version\">\(HTML.escape(d)) of \(HTML.text(incident.task, limit: 60)): canary against stable over time</a> (\(TimeFormat.range(variant.micros)))</li>"
        }
        if let slices = site.slicesPage {
            out += "<li><a href=\"\(HTML.escape(location.toRoot + variant.directory + Site.href(slices + ".html")))\" data-drill=\"slices\">Success by task and slice</a> (\(TimeFormat.range(variant.micros)))</li>"
        }
        out += "<li><a href=\"#cohorts\">Cohorts of this task before and during the incident</a>, <a href=\"#examples\">example requests</a></li>"
        return out + "</ul>"
    }

    func scopesTable(_ affected: [Incident.AffectedScope]) -> String {
        var out = "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Task</th><th scope=\"col\">Scope</th><th scope=\"col\">Metric</th><th scope=\"col\" class=\"num\">Baseline</th><th scope=\"col\" class=\"num\">Current</th><th scope=\"col\">Detected (UTC)</th><th scope=\"col\">Status</th></tr></thead><tbody>"
        for a in affected.prefix(100) {
            let extra = a.scope.sorted { $0.key < $1.key }.filter { $0.key != "task" }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            out += "<tr><th scope=\"row\">\(HTML.text(a.task, limit: 50))</th><td>\(HTML.text(extra.isEmpty ? "whole task" : extra, limit: 80))</td><td>\(HTML.text(a.metric, limit: 40))</td>"
            out += "<td class=\"num\">\(Format.percent(a.baseline.value))</td><td class=\"num\">\(Format.percent(a.current.value))</td><td>\(TimeFormat.minute(a.detectedAtMicros))</td><td>\(a.status == .open ? "open" : "recovered")</td></tr>"
        }
        return out + "</tbody></table></div>"
    }

    func recommendation(_ incident: Incident) -> String {
        var out = "<p data-field=\"action\"><strong>\(HTML.escape(incident.recommendation.action))</strong>: <span class=\"break\">\(HTML.escape(incident.recommendation.summary))</span></p>"
        let details = incident.recommendation.details.sorted { $0.key < $1.key }
        if !details.isEmpty {
            out += "<dl class=\"kv\">"
            for (k, v) in details.prefix(60) { out += "<dt>\(HTML.text(k, limit: 40))</dt><dd class=\"break\">\(HTML.text(v, limit: 400))</dd>" }
            out += "</dl>"
        }
        return out
    }

    /// The example ids and the commands printing their records.
    func examples(_ incident: Incident, snapshot: DashboardSnapshot) -> String {
        let query = ExampleQuery(incident: incident)
        let found = snapshot.examples[incident.id]
        var out = ""
        if let path = found?.exportPath ?? incident.recommendation.details["export_path"] {
            let counts = [incident.recommendation.details["export_failing"].map { "\($0) failing" }, incident.recommendation.details["export_passing"].map { "\($0) passing" }]
                .compactMap { $0 }.joined(separator: ", ")
            let link = HTML.fileLink(path).map { "<a href=\"\(HTML.escape($0))\" data-field=\"export\">\(HTML.text(path, limit: 100))</a>" } ?? HTML.text(path, limit: 100)
            out += "<p>Exported example set: \(link)\(counts.isEmpty ? "" : " (\(HTML.escape(counts)))"). Its records, as stored:</p>"
            out += "<pre class=\"cmd\" data-command=\"ids-from\">\(HTML.escape(Self.command(["records", "--ids-from", path])))</pre>"
        }
        if let found, !found.requestIDs.isEmpty {
            let source = found.exportPath == nil ? "failing requests of this scope since the onset, found in the store" : "from the export"
            out += "<p data-example-count=\"\(found.requestIDs.count)\">\(found.requestIDs.count) of \(Format.integer(Int64(found.total))) example request ids (\(source)):</p><ul class=\"ids\" data-examples>"
            for (id, label) in zip(found.requestIDs, found.labels) {
                out += "<li><code data-request-id>\(HTML.escape(id))</code>\(label.map { " <small>\(HTML.escape($0))</small>" } ?? "")</li>"
            }
            out += "</ul><p>These records, as stored:</p><pre class=\"cmd\" data-command=\"ids\">\(HTML.escape(Self.command(["records"] + found.requestIDs.prefix(10).flatMap { ["--id", $0] })))</pre>"
            if found.requestIDs.count > 10 { out += "<p class=\"note\">The command lists the first 10 ids.</p>" }
        } else {
            out += "<p class=\"note\">No example ids were read for this page: the store held no failing record of the scope, or the incident is older than the 30 most recent (ids are read for those and the open ones), or the page was rendered without a store. The command below finds them.</p>"
        }
        if found?.exportPath == nil {
            out += "<p>Failing requests of the scope from the onset\(incident.resolvedAtMicros == nil ? "" : " to the resolution"):</p>"
            out += "<pre class=\"cmd\" data-command=\"query\">\(HTML.escape(Self.command(["records"] + query.arguments)))</pre>"
        }
        out += "<p class=\"note\">Add <code>--config FILE</code> or <code>--db FILE</code> as for every command.</p>"
        return out
    }

    /// A `driftwatch` command line with each argument quoted for a POSIX shell when it needs it.
    static func command(_ arguments: [String]) -> String {
        (["driftwatch"] + arguments.map(shellQuoted)).joined(separator: " ")
    }

    static func shellQuoted(_ s: String) -> String {
        let safe = !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            (c.value < 128 && (c.properties.isAlphabetic || ("0"..."9").contains(c))) || "-_./:=@%+,".unicodeScalars.contains(c)
        }
        guard !safe else { return s }
        var out = "'"
        for ch in s { out += ch == "'" ? "'\\''" : String(ch) }
        return out + "'"
    }

    func notifications(_ incident: Incident, snapshot: DashboardSnapshot) -> String {
        let sent = snapshot.notifications.filter { $0.incidentIDs.contains(incident.id) }
            .sorted { ($0.createdAtMicros, $0.receiver, $0.id) < ($1.createdAtMicros, $1.receiver, $1.id) }
        guard !sent.isEmpty else {
            return "<p class=\"note\" data-notifications=\"0\">No notification for this incident in the alerts outbox (alerting off, muted by a silence or an inhibit rule, or not sent yet).</p>"
        }
        var out = "<p data-notifications=\"\(sent.count)\">\(sent.count) notifications.</p><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Queued (UTC)</th><th scope=\"col\">Receiver</th><th scope=\"col\">Kind</th><th scope=\"col\">Event</th><th scope=\"col\">Delivery</th><th scope=\"col\" class=\"num\">Attempts</th><th scope=\"col\">Delivered (UTC)</th><th scope=\"col\">Last error</th></tr></thead><tbody>"
        for n in sent.prefix(200) {
            out += "<tr><th scope=\"row\">\(TimeFormat.minute(n.createdAtMicros))</th><td>\(HTML.text(n.receiver, limit: 40))</td><td>\(HTML.text(n.kind, limit: 20))</td><td>\(HTML.text(n.event ?? "–", limit: 20))</td>"
            out += "<td>\(HTML.text(n.status, limit: 20))</td><td class=\"num\">\(n.attempts)</td><td>\(n.deliveredAtMicros.map(TimeFormat.minute) ?? "–")</td><td class=\"break\">\(HTML.text(n.lastError ?? "", limit: 200))</td></tr>"
        }
        return out + "</tbody></table></div>"
    }
}

/// An incident's `metric` read from counters: `success_rate`, `check:<name>` (that check's pass rate) or
/// `tool:<name>` (the share of the tool's calls that returned ok), as the analyzer measures it.
struct IncidentMetric {
    enum Kind { case success, check(String), tool(String) }
    var kind: Kind

    init(_ name: String) {
        if name.hasPrefix("check:") { kind = .check(String(name.dropFirst(6))) }
        else if name.hasPrefix("tool:") { kind = .tool(String(name.dropFirst(5))) }
        else { kind = .success }
    }

    var label: String {
        switch kind {
        case .success: return "Success rate"
        case .check(let c): return "Pass rate of check \(c)"
        case .tool(let t): return "Calls of \(t) that returned ok"
        }
    }

    /// Passes and trials.
    func rate(_ c: MetricCounters) -> (passes: Int64, trials: Int64) {
        switch kind {
        case .success: return (c.successes, c.outcomes)
        case .check(let name):
            guard let k = c.checks.first(where: { $0.name == name }) else { return (0, 0) }
            return (k.passed, k.passed + k.failed)
        case .tool(let name):
            guard let t = c.tools.first(where: { $0.name == name }) else { return (0, 0) }
            return (t.calls - t.errors - t.timeouts, t.calls)
        }
    }

    func value(_ c: MetricCounters) -> Double? {
        let r = rate(c)
        return r.trials > 0 ? Double(r.passes) / Double(r.trials) : nil
    }
}
