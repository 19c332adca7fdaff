import DriftwatchAnalysis

extension DashboardRenderer {
    /// Per tool: calls, errors, timeouts (from the task rollups' tool tables); per tool version: latency of the
    /// tool stage; per task: invocation precision and recall.
    func tools(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        struct ToolTotals { var name: String; var calls: Int64 = 0; var errors: Int64 = 0; var timeouts: Int64 = 0 }
        var byTool: [String: ToolTotals] = [:]
        var perTask: [(String, MetricCounters)] = []
        for scope in c.cube.scopes(dimension: "task") {
            let total = c.cube.total(scope, sketch: false)
            perTask.append((scope.task, total))
            for t in total.tools {
                var agg = byTool[t.name] ?? ToolTotals(name: t.name)
                agg.calls += t.calls; agg.errors += t.errors; agg.timeouts += t.timeouts
                byTool[t.name] = agg
            }
        }
        guard !byTool.isEmpty || !perTask.isEmpty else { return Self.noData }
        let tools = byTool.values.sorted { ($0.calls, $1.name) > ($1.calls, $0.name) }
        var out = ""
        if !tools.isEmpty {
            let rows = tools.prefix(20).map { t in
                BarChart.Row(label: t.name, values: [t.calls > 0 ? Double(t.errors) / Double(t.calls) : nil,
                                                     t.calls > 0 ? Double(t.timeouts) / Double(t.calls) : nil])
            }
            let chart = BarChart(id: c.id, title: "Tool error and timeout rates", unitLabel: "Share of calls (%)",
                                 groups: ["errors", "timeouts"], rows: Array(rows), format: { Format.percent($0) }, maxValue: nil)
            out += chart.render(description: "Error rate and timeout rate per tool over the range; numbers in the table below.")
            out += legend(["errors", "timeouts"])
            out += filterBox(c.id, label: "tools")
            out += "<div class=\"scroll\"><table id=\"\(c.id)-table\"><thead><tr><th scope=\"col\">Tool</th><th scope=\"col\" class=\"num\">Calls</th><th scope=\"col\" class=\"num\">Errors</th><th scope=\"col\" class=\"num\">Timeouts</th><th scope=\"col\" class=\"num\">Error rate</th><th scope=\"col\" class=\"num\">Timeout rate</th></tr></thead><tbody>"
            for t in tools.prefix(100) {
                out += "<tr><th scope=\"row\">\(HTML.text(t.name, limit: 50))</th><td class=\"num\" data-metric=\"calls\">\(Format.integer(t.calls))</td><td class=\"num\" data-metric=\"errors\">\(Format.integer(t.errors))</td><td class=\"num\" data-metric=\"timeouts\">\(Format.integer(t.timeouts))</td>"
                out += "<td class=\"num\">\(Format.percent(t.calls > 0 ? Double(t.errors) / Double(t.calls) : nil))</td><td class=\"num\">\(Format.percent(t.calls > 0 ? Double(t.timeouts) / Double(t.calls) : nil))</td></tr>"
            }
            out += "</tbody></table></div>"
        }
        // Latency per tool version: requests that called it, and their tool-stage latency.
        let versionTotals = c.cube.totals(dimension: Dimension.tool, sketch: true).sorted { ($0.value.requests, $1.key) > ($1.value.requests, $0.key) }
        if !versionTotals.isEmpty {
            out += "<h3>Latency by tool version</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Tool version</th><th scope=\"col\" class=\"num\">Requests</th><th scope=\"col\" class=\"num\">Tool stage latency, mean (ms)</th><th scope=\"col\" class=\"num\">Request latency p95 (ms)</th><th scope=\"col\" class=\"num\">Tool error rate</th></tr></thead><tbody>"
            for (name, t) in versionTotals.prefix(50) {
                out += "<tr><th scope=\"row\">\(HTML.text(name, limit: 50))</th><td class=\"num\">\(Format.integer(t.requests))</td><td class=\"num\">\(DashboardMetric.toolLatency.format(DashboardMetric.toolLatency.value(t)))</td>"
                out += "<td class=\"num\">\(DashboardMetric.latencyP95.format(DashboardMetric.latencyP95.value(t)))</td><td class=\"num\">\(DashboardMetric.toolErrorRate.format(DashboardMetric.toolErrorRate.value(t)))</td></tr>"
            }
            out += "</tbody></table></div>"
        }
        out += "<h3>Invocation precision and recall by task</h3><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Task</th><th scope=\"col\" class=\"num\">Precision</th><th scope=\"col\" class=\"num\">Recall</th><th scope=\"col\" class=\"num\">Tools called</th><th scope=\"col\" class=\"num\">Tools expected</th></tr></thead><tbody>"
        for (task, t) in perTask.sorted(by: { $0.0 < $1.0 }) {
            out += "<tr><th scope=\"row\">\(HTML.text(task, limit: 50))</th><td class=\"num\" data-metric=\"tool_precision\">\(DashboardMetric.toolPrecision.format(DashboardMetric.toolPrecision.value(t)))</td>"
            out += "<td class=\"num\" data-metric=\"tool_recall\">\(DashboardMetric.toolRecall.format(DashboardMetric.toolRecall.value(t)))</td><td class=\"num\">\(Format.integer(t.toolsCalled))</td><td class=\"num\">\(Format.integer(t.toolsExpected))</td></tr>"
        }
        out += "</tbody></table></div>"
        return out
    }
}
