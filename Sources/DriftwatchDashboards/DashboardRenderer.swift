import DriftwatchAnalysis

/// Renders dashboard pages to self-contained HTML. Pure: a definition and a snapshot in, a string out, so the
/// same snapshot always gives the same bytes and tests need no files.
public struct DashboardRenderer: Sendable {
    /// The range of every page whose definition sets none (`dashboards.range`).
    public var rangeMicros: Int64

    public static let defaultRangeMicros: Int64 = 7 * 86_400_000_000

    public init(rangeMicros: Int64 = DashboardRenderer.defaultRangeMicros) {
        self.rangeMicros = rangeMicros
    }

    /// One rendered page.
    public struct Page: Sendable, Equatable {
        /// The path under the output directory: `<id>.html`, `24h/<id>.html`, `incidents/<id>.html`,
        /// `versions/<dimension>.html` (see ``RangeVariant``).
        public var fileName: String
        public var html: String
    }

    /// Every page of `definitions` for the configured range at the output root and for 24 h and 30 d in `24h/` and
    /// `30d/` (``RangeVariant``), each with an `index.html` (a copy of the first page) and a page per versioned
    /// dimension (`versions/<dimension>.html`, canary against stable over time); and one page per incident
    /// (`incidents/<id>.html`, the path alert links use), which covers the incident's own time, not a range.
    public func renderAll(_ definitions: [DashboardDefinition], snapshot: DashboardSnapshot) -> [Page] {
        let variants = RangeVariant.all(configured: rangeMicros)
        let site = Site(definitions: definitions, snapshot: snapshot, variants: variants)
        var pages: [Page] = []
        for variant in variants {
            var first: Page?
            for definition in definitions {
                let page = Page(fileName: variant.directory + "\(definition.id).html",
                                html: render(definition, snapshot: snapshot, site: site, variant: variant))
                first = first ?? page
                pages.append(page)
            }
            if let first, !definitions.contains(where: { $0.id == "index" }) {
                pages.append(Page(fileName: variant.directory + "index.html", html: first.html))
            }
            // One cube for all version pages of a range: they differ only in the dimension they read.
            let cube = RollupCube(snapshot: snapshot, definition: DashboardDefinition(id: "versions", title: "", panels: []), rangeMicros: variant.micros)
            for dimension in site.versionDimensions {
                pages.append(Page(fileName: variant.directory + Site.versionPath(dimension),
                                  html: versionPage(dimension: dimension, cube: cube, snapshot: snapshot, site: site, variant: variant)))
            }
        }
        let byTask = Dictionary(grouping: snapshot.rollups, by: { $0.scope.task })
        var seen: Set<String> = []
        for incident in snapshot.incidents where seen.insert(incident.id).inserted {
            pages.append(Page(fileName: Site.incidentFile(incident.id),
                              html: incidentPage(incident, snapshot: snapshot, taskRollups: byTask[incident.task] ?? [], site: site)))
        }
        return pages
    }

    /// One page for the configured range, linking to pages of `navigation` beside it.
    public func render(_ definition: DashboardDefinition, snapshot: DashboardSnapshot, navigation: [DashboardDefinition]) -> String {
        let variants = RangeVariant.all(configured: rangeMicros)
        return render(definition, snapshot: snapshot, site: Site(definitions: navigation, snapshot: snapshot, variants: variants), variant: variants[0])
    }

    func render(_ definition: DashboardDefinition, snapshot: DashboardSnapshot, site: Site, variant: RangeVariant) -> String {
        // The configured rendering honours a definition's own range; the 24 h and 30 d ones are that range.
        let range = variant.isConfigured ? (definition.rangeMicros ?? variant.micros) : variant.micros
        let cube = RollupCube(snapshot: snapshot, definition: definition, rangeMicros: range)
        var meta = "<p class=\"meta\">Generated \(TimeFormat.minute(snapshot.generatedAtMicros)) UTC · data through "
        meta += snapshot.dataThroughMicros.map { TimeFormat.minute($0) + " UTC" } ?? "nothing yet"
        meta += " · resolution \(TimeFormat.duration(cube.resolution))"
        if !definition.filters.tasks.isEmpty {
            meta += " · tasks: " + definition.filters.tasks.map { HTML.text($0) }.joined(separator: ", ")
        }
        meta += "</p>"
        if let description = definition.description { meta += "\n<p class=\"note\">\(HTML.escape(description))</p>" }
        var body = ""
        let location = Site.Location(variant: variant, path: "\(definition.id).html")
        var context = PanelContext(cube: cube, snapshot: snapshot, site: site, location: location)
        for (i, panel) in definition.panels.enumerated() {
            context.id = "p\(i)"
            body += "<section class=\"panel\" aria-labelledby=\"p\(i)-h\" data-panel=\"\(panel.kind.rawValue)\">"
            body += "<h2 id=\"p\(i)-h\">\(HTML.escape(panel.title))</h2>"
            if let d = panel.description { body += "<p class=\"note\">\(HTML.escape(d))</p>" }
            switch panel.kind {
            case .timeseries: body += timeseries(panel, context)
            case .table: body += table(panel, context)
            case .heatmap: body += heatmap(panel, context)
            case .versions: body += versions(panel, context)
            case .tools: body += tools(panel, context)
            case .incidents: body += incidents(panel, context)
            case .drift: body += drift(panel, context)
            }
            body += "</section>\n"
        }
        let rangeLabel = "Last \(TimeFormat.range(range)): \(TimeFormat.minute(cube.rangeStart)) – \(TimeFormat.minute(cube.to)) UTC"
        return PageShell.page(title: definition.title, current: definition.id, site: site, location: location,
                              range: rangeLabel, meta: meta, body: body)
    }

    struct PanelContext {
        var cube: RollupCube
        var snapshot: DashboardSnapshot
        var site: Site
        /// The page being rendered: links are relative to it.
        var location: Site.Location
        var id = "p"

        /// The relative link to an incident's page; nil when it has none.
        func incidentLink(_ id: String, anchor: String? = nil) -> String? {
            site.incidentIDs.contains(id) ? location.toRoot + Site.href(Site.incidentFile(id)) + (anchor.map { "#" + $0 } ?? "") : nil
        }
    }

    static let noData = "<p class=\"note\">No data in this range yet.</p>"

    // MARK: Time series

    func timeseries(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        let metric = panel.metric ?? .requests
        let slots = c.cube.slots
        // Per series: its weight (requests, or calls for a tool) and its value per slot.
        var named: [(String, Int64, [Int64: Double])]
        if metric == .checkPassRate && panel.dimension == "check" {
            named = Self.perCheck(c.cube).map { ($0.key, $0.value.values.reduce(0) { $0 + $1.requests }, $0.value.compactMapValues { metric.value($0) }) }
        } else if panel.dimension == Dimension.tool && metric.isPerTool {
            named = ToolStats.perSlot(c.cube).map { name, slots in
                (name, slots.values.reduce(0) { $0 + $1.calls }, slots.compactMapValues { $0.value(metric) })
            }
        } else {
            named = c.cube.series(dimension: panel.dimension, sketch: metric.needsSketch).map {
                ($0.key, $0.value.values.reduce(0) { $0 + $1.requests }, $0.value.compactMapValues { metric.value($0) })
            }
        }
        // A series with no value in range (e.g. precision of a task that expects no tools) is not drawn.
        named.removeAll { $0.2.isEmpty }
        // Largest series first; the rest are counted in a note.
        named.sort { a, b in (a.1, b.0) > (b.1, a.0) }
        let hidden = max(0, named.count - panel.limit)
        named = Array(named.prefix(panel.limit))
        guard !named.isEmpty, !slots.isEmpty else { return Self.noData }
        let series = named.map { name, _, values in LineChart.Series(name: name, values: slots.map { values[$0] }) }
        let shownTasks = panel.dimension == "task" ? Set(named.map { $0.0 }) : Set(c.cube.scopes(dimension: "task").map(\.task))
        let partial = partialSlots(c)
        let chart = LineChart(
            id: c.id, title: panel.title, unitLabel: "\(metric.label) (\(metric.unit))", slots: slots,
            resolution: c.cube.resolution, series: series, markers: markers(panel.markers, c),
            bands: incidentBands(tasks: shownTasks, c), partial: partial,
            format: { metric.format($0) }, percentage: metric.isPercentage)
        let by = panel.dimension == "check" ? "validation check" : panel.dimension
        var description = "\(metric.label) in \(metric.unit) per \(TimeFormat.duration(c.cube.resolution)) by \(by), "
        description += "\(TimeFormat.minute(c.cube.from)) to \(TimeFormat.minute(c.cube.to)) UTC. Latest values: "
        description += series.map { s in "\(s.name.count > 40 ? String(s.name.prefix(39)) + "…" : s.name) \(metric.format(s.values.last(where: { $0 != nil }) ?? nil))" }.joined(separator: "; ")
        var out = chart.render(description: description)
        out += legend(series.map(\.name))
        if !partial.isEmpty {
            out += "<p class=\"note partial-note\">Hatched: an incomplete bucket (\(partial.values.sorted().map { HTML.escape($0) }.joined(separator: "; "))), so a low value there is not a drop.</p>"
        }
        if hidden > 0 { out += "<p class=\"note\">\(hidden) smaller series not shown.</p>" }
        // Data table fallback: one row per slot with data.
        out += "<details><summary>Data table</summary><div class=\"scroll\"><table><caption class=\"sr\">\(HTML.escape(panel.title)) data</caption><thead><tr><th scope=\"col\">Time (UTC)</th>"
        for (s, shown) in zip(series, Labels.distinct(series.map(\.name), limit: 40)) {
            out += "<th scope=\"col\" class=\"num\">\(HTML.label(s.name, shown: shown))</th>"
        }
        out += "</tr></thead><tbody>"
        for (i, slot) in slots.enumerated() where series.contains(where: { $0.values[i] != nil }) {
            out += "<tr><th scope=\"row\">\(TimeFormat.minute(slot))</th>"
            for s in series { out += "<td class=\"num\">\(metric.format(s.values[i]))</td>" }
            out += "</tr>"
        }
        out += "</tbody></table></div></details>"
        return out
    }

    /// Per validation check: counters holding only that check's pass/fail counts, across the task scopes.
    static func perCheck(_ cube: RollupCube) -> [String: [Int64: MetricCounters]] {
        var out: [String: [Int64: MetricCounters]] = [:]
        for scope in cube.scopes(dimension: "task") {
            for cell in cube.buckets(scope) {
                let slot = cube.from + ((cell.start - cube.from) / cube.resolution) * cube.resolution
                for check in cell.counters.checks {
                    var only = MetricCounters()
                    only.checks = [check]
                    only.requests = check.passed + check.failed
                    out[check.name, default: [:]][slot, default: MetricCounters()].merge(only, sketch: false)
                }
            }
        }
        return out
    }

    /// Deploy markers: each version first seen inside the range, except versions seen within the first bucket of
    /// the component's history (several tasks' initial versions of one component are not deploys).
    func markers(_ dimensions: [String], _ c: PanelContext) -> [LineChart.Marker] {
        guard !dimensions.isEmpty else { return [] }
        func matches(_ component: String) -> Bool {
            dimensions.contains { d in
                switch d {
                case "all": return true
                case Dimension.model: return component.hasPrefix("model:")
                case Dimension.template: return component.hasPrefix("template:")
                case Dimension.index: return component == "index"
                case Dimension.tool: return component.hasPrefix("tool:")
                default: return component == d
                }
            }
        }
        var earliest: [String: Int64] = [:]
        for e in c.snapshot.versions { earliest[e.component] = min(earliest[e.component] ?? .max, e.firstSeenMicros) }
        return c.snapshot.versions
            .filter { matches($0.component) && $0.firstSeenMicros >= earliest[$0.component]! + c.snapshot.bucketMicros && $0.firstSeenMicros >= c.cube.from && $0.firstSeenMicros <= c.cube.to }
            .sorted { $0.firstSeenMicros < $1.firstSeenMicros }
            .prefix(40)
            .map { LineChart.Marker(atMicros: $0.firstSeenMicros, label: "\($0.component) \($0.version)") }
    }

    /// The legend: line swatches with each series' dash pattern, or filled boxes for bar charts.
    func legend(_ names: [String], bars: Bool = false) -> String {
        var out = "<ul class=\"legend\" aria-label=\"Legend\">"
        let shown = Labels.distinct(names, limit: 50)
        for (k, name) in names.enumerated() {
            if bars {
                out += "<li><span class=\"box\" style=\"background:\(Palette.color(k))\"></span>\(HTML.label(name, shown: shown[k]))</li>"
                continue
            }
            let dash = LineChart.dashes[k % LineChart.dashes.count]
            let style = dash.isEmpty ? "solid" : (dash.hasPrefix("1 ") || dash.hasPrefix("2 ") ? "dotted" : "dashed")
            out += "<li><span class=\"swatch\" style=\"border-color:\(Palette.color(k));border-top-style:\(style)\"></span>\(HTML.label(name, shown: shown[k]))</li>"
        }
        return out + "</ul>"
    }

    // MARK: Table

    func table(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        let sketch = panel.metrics.contains { $0.needsSketch }
        var totals = c.cube.totals(dimension: panel.dimension, sketch: sketch).sorted { ($0.value.requests, $1.key) > ($1.value.requests, $0.key) }
        guard !totals.isEmpty else { return Self.noData }
        let hidden = max(0, totals.count - max(panel.limit, 20))
        totals = Array(totals.prefix(max(panel.limit, 20)))
        var out = filterBox(c.id, label: panel.dimension)
        out += "<div class=\"scroll\"><table id=\"\(c.id)-table\"><thead><tr><th scope=\"col\">\(HTML.escape(panel.dimension))</th>"
        for m in panel.metrics { out += "<th scope=\"col\" class=\"num\">\(HTML.escape(m.label))\(m.unit == "requests" ? "" : " (\(HTML.escape(m.unit)))")</th>" }
        out += "</tr></thead><tbody>"
        for (name, counters) in totals {
            out += "<tr><th scope=\"row\">\(HTML.text(name))</th>"
            for m in panel.metrics { out += "<td class=\"num\" data-metric=\"\(m.rawValue)\">\(m.format(m.value(counters)))</td>" }
            out += "</tr>"
        }
        out += "</tbody></table></div>"
        if hidden > 0 { out += "<p class=\"note\">\(hidden) smaller rows not shown.</p>" }
        return out
    }

    func filterBox(_ id: String, label: String) -> String {
        "<p class=\"filter\"><label for=\"\(id)-filter\">Filter rows</label> <input id=\"\(id)-filter\" type=\"search\" data-filter=\"\(id)-table\" aria-controls=\"\(id)-table\"></p>"
    }
}
