import DriftwatchAnalysis

extension DashboardRenderer {
    /// Task × dimension value grid of a rate, colour from a sequential ramp plus the value and count in text,
    /// so neither colour vision nor hover is needed to read it.
    func heatmap(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        let metric = panel.metric ?? .successRate
        let dimensions = panel.dimension == "slices" ? c.cube.sliceDimensions : [panel.dimension]
        var columns: [(dimension: String, value: String, requests: Int64)] = []
        var cells: [String: [String: MetricCounters]] = [:]  // column key → task → counters
        for d in dimensions {
            var byValue: [String: Int64] = [:]
            for scope in c.cube.scopes(dimension: d) {
                let total = c.cube.total(scope, sketch: metric.needsSketch)
                byValue[scope.value, default: 0] += total.requests
                cells[d + "=" + scope.value, default: [:]][scope.task] = total
            }
            columns += byValue.map { (d, $0.key, $0.value) }
        }
        columns.sort { ($0.dimension, -$0.requests, $0.value) < ($1.dimension, -$1.requests, $1.value) }
        let hidden = max(0, columns.count - panel.limit)
        columns = Array(columns.prefix(panel.limit))
        let tasks = c.cube.scopes(dimension: "task").map(\.task)
        guard !columns.isEmpty, !tasks.isEmpty else { return Self.noData }
        // Colour spans the table's own range so a few points of difference stay visible.
        let values = tasks.flatMap { task in columns.compactMap { cells[$0.dimension + "=" + $0.value]?[task].flatMap { metric.value($0) } } }
        let lo = values.min() ?? 0, hi = values.max() ?? 1
        var out = "<p class=\"note\">Cell colour: \(HTML.escape(metric.label)), lightest = \(metric.format(lo)), darkest = \(metric.format(hi)); n = requests with an outcome.</p>"
        out += "<div class=\"scroll\"><table class=\"heat\" id=\"\(c.id)-table\"><caption class=\"sr\">\(HTML.escape(panel.title))</caption><thead><tr><th scope=\"col\">Task</th>"
        for col in columns { out += "<th scope=\"col\">\(HTML.text(col.dimension + "=" + col.value, limit: 28))</th>" }
        out += "</tr></thead><tbody>"
        for task in tasks {
            out += "<tr><th scope=\"row\">\(HTML.text(task, limit: 40))</th>"
            for col in columns {
                guard let counters = cells[col.dimension + "=" + col.value]?[task], let v = metric.value(counters) else {
                    out += "<td class=\"cell\">–</td>"
                    continue
                }
                let fraction = hi > lo ? (v - lo) / (hi - lo) : 0.5
                let fg = Palette.heatNeedsLightText(fraction) ? "#fff" : "#000"
                out += "<td class=\"cell num\" style=\"background:\(Palette.heat(fraction));color:\(fg)\" data-n=\"\(counters.outcomes)\">\(metric.format(v))<small>n \(Format.integer(counters.outcomes))</small></td>"
            }
            out += "</tr>"
        }
        out += "</tbody></table></div>"
        if hidden > 0 { out += "<p class=\"note\">\(hidden) smaller columns not shown.</p>" }
        return out
    }
}
