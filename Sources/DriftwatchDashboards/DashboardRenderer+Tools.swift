import DriftwatchAnalysis

extension DashboardRenderer {
    /// Per tool: calls, errors, timeouts, rates and tool-stage latency (``ToolStats``, the one computation the
    /// per-tool charts also use); per tool version the same; per task: invocation precision and recall, with
    /// no precision for a task that expects no tools (there is nothing to be precise about).
    func tools(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        let tools = ToolStats.totals(c.cube)
        let tasks = c.cube.scopes(dimension: "task").map { ($0.task, c.cube.total($0, sketch: false)) }
        guard !tools.isEmpty || !tasks.isEmpty else { return Self.noData }
        var out = ""
        if !tools.isEmpty {
            let rows = tools.prefix(20).map { BarChart.Row(label: $0.name, values: [$0.errorRate, $0.timeoutRate]) }
            let chart = BarChart(id: c.id, title: "Tool error and timeout rates", unitLabel: "Share of the tool's calls (%)",
                                 groups: ["errors", "timeouts"], rows: Array(rows), format: { Format.percent($0) }, maxValue: nil)
            out += chart.render(description: "Error rate and timeout rate per tool over the range; numbers in the table below.")
            out += legend(["errors", "timeouts"], bars: true)
            out += filterBox(c.id, label: "tools")
            out += "<div class=\"scroll\"><table id=\"\(c.id)-table\"><thead><tr><th scope=\"col\">Tool</th><th scope=\"col\" class=\"num\">Calls</th><th scope=\"col\" class=\"num\">Errors</th><th scope=\"col\" class=\"num\">Timeouts</th><th scope=\"col\" class=\"num\">Error rate</th><th scope=\"col\" class=\"num\">Timeout rate</th><th scope=\"col\" class=\"num\">Tool stage latency, mean (ms)</th></tr></thead><tbody>"
            for t in tools.prefix(100) {
                out += "<tr><th scope=\"row\">\(HTML.text(t.name, limit: 50))</th><td class=\"num\" data-metric=\"calls\">\(Format.integer(t.calls))</td><td class=\"num\" data-metric=\"errors\">\(Format.integer(t.errors))</td><td class=\"num\" data-metric=\"timeouts\">\(Format.integer(t.timeouts))</td>"
                out += "<td class=\"num\" data-metric=\"tool_error_rate\">\(Format.percent(t.errorRate))</td><td class=\"num\" data-metric=\"tool_timeout_rate\">\(Format.percent(t.timeoutRate))</td><td class=\"num\" data-metric=\"tool_latency\">\(DashboardMetric.toolLatency.format(t.latencyMs))</td></tr>"
            }
            out += "</tbody></table></div>"
        }
        // Per tool version: the version scope's own tool table holds the calls of that version.
        let versionTotals = c.cube.totals(dimension: Dimension.tool, sketch: true).sorted { ($0.value.requests, $1.key) > ($1.value.requests, $0.key) }
        if !versionTotals.isEmpty {
            out += "<h3>By tool version</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Tool version</th><th scope=\"col\" class=\"num\">Requests</th><th scope=\"col\" class=\"num\">Calls</th><th scope=\"col\" class=\"num\">Error rate</th><th scope=\"col\" class=\"num\">Tool stage latency, mean (ms)</th><th scope=\"col\" class=\"num\">Request latency p95 (ms)</th></tr></thead><tbody>"
            for (name, t) in versionTotals.prefix(50) {
                let own = t.tools.first { $0.name == Dimension.toolName(name) }
                let calls = own?.calls ?? 0
                out += "<tr><th scope=\"row\">\(HTML.text(name, limit: 50))</th><td class=\"num\">\(Format.integer(t.requests))</td><td class=\"num\">\(Format.integer(calls))</td>"
                out += "<td class=\"num\" data-metric=\"tool_error_rate\">\(Format.percent(calls > 0 ? Double(own!.errors) / Double(calls) : nil))</td>"
                out += "<td class=\"num\">\(DashboardMetric.toolLatency.format(DashboardMetric.toolLatency.value(t)))</td><td class=\"num\">\(DashboardMetric.latencyP95.format(DashboardMetric.latencyP95.value(t)))</td></tr>"
            }
            out += "</tbody></table></div>"
        }
        out += "<h3>Invocation precision and recall by task</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Task</th><th scope=\"col\" class=\"num\">Precision</th><th scope=\"col\" class=\"num\">Recall</th><th scope=\"col\" class=\"num\">Tools called</th><th scope=\"col\" class=\"num\">Tools expected</th></tr></thead><tbody>"
        for (task, t) in tasks.sorted(by: { $0.0 < $1.0 }) {
            out += "<tr><th scope=\"row\">\(HTML.text(task, limit: 50))</th><td class=\"num\" data-metric=\"tool_precision\">\(DashboardMetric.toolPrecision.format(DashboardMetric.toolPrecision.value(t)))</td>"
            out += "<td class=\"num\" data-metric=\"tool_recall\">\(DashboardMetric.toolRecall.format(DashboardMetric.toolRecall.value(t)))</td><td class=\"num\">\(Format.integer(t.toolsCalled))</td><td class=\"num\">\(Format.integer(t.toolsExpected))</td></tr>"
        }
        out += "</tbody></table></div>"
        out += "<p class=\"note\">Precision: the share of distinct tools called that the task expected; – for a task that expects no tools.</p>"
        return out
    }
}
