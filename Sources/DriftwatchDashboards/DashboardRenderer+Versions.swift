import DriftwatchAnalysis
import DriftwatchStatistics

extension DashboardRenderer {
    /// Buckets where both versions need at least this many outcomes to count toward the win rate.
    static let minimumOutcomesPerBucket: Int64 = 10

    /// Win rate of `new` over `old`: over buckets where both served (with enough outcomes), the share where the
    /// newer version's success rate was higher, ties counting half. Returns (rate, buckets, pooled delta).
    static func winRate(new: [RollupCube.Cell], old: [RollupCube.Cell]) -> (rate: Double, buckets: Int, delta: Double)? {
        let oldByStart = Dictionary(old.map { ($0.start, $0.counters) }, uniquingKeysWith: { a, _ in a })
        var wins = 0.0, n = 0
        var newS: Int64 = 0, newN: Int64 = 0, oldS: Int64 = 0, oldN: Int64 = 0
        for cell in new {
            guard let o = oldByStart[cell.start], cell.counters.outcomes >= minimumOutcomesPerBucket,
                  o.outcomes >= minimumOutcomesPerBucket else { continue }
            let a = Double(cell.counters.successes) / Double(cell.counters.outcomes)
            let b = Double(o.successes) / Double(o.outcomes)
            wins += a > b ? 1 : (a == b ? 0.5 : 0)
            n += 1
            newS += cell.counters.successes; newN += cell.counters.outcomes
            oldS += o.successes; oldN += o.outcomes
        }
        guard n > 0 else { return nil }
        return (wins / Double(n), n, Double(newS) / Double(newN) - Double(oldS) / Double(oldN))
    }

    /// Each version of one dimension per task, side by side, with Wilson intervals and new-vs-old win rates.
    func versions(_ panel: PanelDefinition, _ c: PanelContext) -> String {
        let scopes = c.cube.scopes(dimension: panel.dimension)
        guard !scopes.isEmpty else { return Self.noData }
        var byTask: [String: [ScopeKey]] = [:]
        for s in scopes { byTask[s.task, default: []].append(s) }
        var rows: [BarChart.Row] = []
        var table = filterBox(c.id, label: "versions")
        table += "<div class=\"scroll\"><table id=\"\(c.id)-table\"><thead><tr><th scope=\"col\">Task</th><th scope=\"col\">Version</th><th scope=\"col\">First seen (UTC)</th>"
        table += "<th scope=\"col\" class=\"num\">Requests</th><th scope=\"col\" class=\"num\">Success rate</th><th scope=\"col\" class=\"num\">95% CI</th>"
        table += "<th scope=\"col\" class=\"num\">Latency p95</th><th scope=\"col\" class=\"num\">Cost per request</th>"
        table += "<th scope=\"col\">Win rate vs previous (hours both served)</th></tr></thead><tbody>"
        var shown = 0
        for task in byTask.keys.sorted() {
            // Oldest version first, by its first bucket in range.
            let ordered = byTask[task]!.sorted { (c.cube.buckets($0).first?.start ?? .max, $0.value) < (c.cube.buckets($1).first?.start ?? .max, $1.value) }
            for (i, scope) in ordered.enumerated() {
                guard shown < panel.limit * 10 else { break }
                shown += 1
                let total = c.cube.total(scope, sketch: true)
                let interval = Proportions.wilsonInterval(successes: Int(total.successes), trials: Int(total.outcomes))
                let rate = total.successRate
                var win = "–"
                if i > 0, let w = Self.winRate(new: c.cube.buckets(scope), old: c.cube.buckets(ordered[i - 1])) {
                    win = "\(Format.percent(w.rate)) vs \(HTML.text(ordered[i - 1].value, limit: 30)) (\(w.buckets) h, Δ success \(w.delta >= 0 ? "+" : "")\(Format.fixed(w.delta * 100, digits: 1)) pt)"
                }
                let first = c.cube.buckets(scope).first.map { TimeFormat.minute($0.start) } ?? "–"
                table += "<tr><td>\(HTML.text(task, limit: 40))</td><th scope=\"row\">\(HTML.text(scope.value, limit: 50))</th><td>\(first)</td>"
                table += "<td class=\"num\" data-metric=\"requests\">\(Format.integer(total.requests))</td><td class=\"num\" data-metric=\"success_rate\">\(Format.percent(rate))</td>"
                table += "<td class=\"num\">\(total.outcomes > 0 ? Format.percent(interval.lower) + "–" + Format.percent(interval.upper) : "–")</td>"
                table += "<td class=\"num\">\(DashboardMetric.latencyP95.format(DashboardMetric.latencyP95.value(total)))</td>"
                table += "<td class=\"num\">\(DashboardMetric.costPerRequest.format(DashboardMetric.costPerRequest.value(total)))</td><td data-metric=\"win_rate\">\(win)</td></tr>"
                if rows.count < 24 {
                    rows.append(BarChart.Row(label: "\(task) · \(scope.value)", values: [rate],
                                             intervals: [total.outcomes > 0 ? (interval.lower, interval.upper) : nil]))
                }
            }
        }
        table += "</tbody></table></div>"
        let chart = BarChart(id: c.id, title: panel.title + ": success rate per version", unitLabel: "Success rate (%) with 95% Wilson interval",
                             groups: ["success rate"], rows: rows, format: { Format.percent($0) }, maxValue: 1, zoom: true)
        let description = "Success rate per task and \(panel.dimension) over the range, with 95% confidence intervals; the table below lists the numbers and win rates."
        var link = ""
        if c.site.versionDimensions.contains(panel.dimension) {
            link = "<p><a href=\"\(HTML.escape(c.location.toRange + Site.href(Site.versionPath(panel.dimension))))\" data-drill=\"version\">Canary against stable over time, per task</a></p>"
        }
        return link + chart.render(description: description) + table
    }
}
