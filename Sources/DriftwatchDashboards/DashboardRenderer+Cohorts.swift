import DriftwatchAnalysis

extension DashboardRenderer {
    /// The incident's task split by every version and slice value, its metric in the baseline window against the
    /// incident's own time, ranked by the excess failures each value carries (its requests during the incident
    /// times how far it is below the task's baseline): the cohort that holds the regression comes first.
    func cohorts(_ incident: Incident, metric: IncidentMetric, rollups: [RollupTable.Row], now: Int64, site: Site, location: Site.Location) -> String {
        let day = 24 * Self.hourMicros
        let baseline = incident.baselineWindow.map { ($0.fromMicros, $0.toMicros) } ?? (incident.startedAtMicros - day, incident.startedAtMicros)
        let during = (incident.startedAtMicros, incident.resolvedAtMicros ?? now)
        struct Key: Hashable, Comparable {
            var dimension: String, value: String
            static func < (a: Key, b: Key) -> Bool { (a.dimension, a.value) < (b.dimension, b.value) }
        }
        var before: [Key: MetricCounters] = [:], after: [Key: MetricCounters] = [:]
        var taskBefore = MetricCounters(), taskAfter = MetricCounters()
        for row in rollups where row.scope.task == incident.task {
            let inBaseline = row.startMicros >= baseline.0 && row.startMicros < baseline.1
            let inIncident = row.startMicros >= Self.bucketStart(during.0, row.bucketMicros) && row.startMicros < during.1
            guard inBaseline || inIncident else { continue }
            if row.scope.isTask {
                if inBaseline { taskBefore.merge(row.counters, sketch: false) }
                if inIncident { taskAfter.merge(row.counters, sketch: false) }
                continue
            }
            let key = Key(dimension: row.scope.dimension, value: row.scope.value)
            if inBaseline { before[key, default: MetricCounters()].merge(row.counters, sketch: false) }
            if inIncident { after[key, default: MetricCounters()].merge(row.counters, sketch: false) }
        }
        guard let base = metric.value(taskBefore) else { return "<p class=\"note\">No traffic of this task in the baseline window.</p>" }
        let rows = Set(before.keys).union(after.keys).compactMap { key -> (Key, Double?, Int64, Double?, Int64, Double)? in
            let none: (passes: Int64, trials: Int64) = (0, 0)
            let b = before[key].map(metric.rate) ?? none, a = after[key].map(metric.rate) ?? none
            guard a.trials > 0 || b.trials > 0 else { return nil }
            let bv = b.trials > 0 ? Double(b.passes) / Double(b.trials) : nil
            let av = a.trials > 0 ? Double(a.passes) / Double(a.trials) : nil
            let excess = av.map { (base - $0) * Double(a.trials) } ?? 0
            return (key, bv, b.trials, av, a.trials, excess)
        }.sorted { ($0.5, $1.0) > ($1.5, $0.0) }
        guard !rows.isEmpty else { return "<p class=\"note\">No version or slice breakdown of this task in these windows.</p>" }
        let variant = site.variant(showing: incident.startedAtMicros - day)
        var out = "<p class=\"note\">Baseline \(TimeFormat.minute(baseline.0)) – \(TimeFormat.minute(baseline.1)) UTC: \(Format.percent(base)) (n \(Format.integer(metric.rate(taskBefore).trials))); "
        out += "during the incident \(Format.percent(metric.value(taskAfter))) (n \(Format.integer(metric.rate(taskAfter).trials))). Ranked by excess failures: requests during the incident × how far below the task's baseline.</p>"
        out += "<div class=\"scroll\"><table data-cohorts><thead><tr><th scope=\"col\">Dimension</th><th scope=\"col\">Value</th><th scope=\"col\" class=\"num\">Baseline</th><th scope=\"col\" class=\"num\">n</th>"
        out += "<th scope=\"col\" class=\"num\">During</th><th scope=\"col\" class=\"num\">n</th><th scope=\"col\" class=\"num\">Change (pt)</th><th scope=\"col\" class=\"num\">Excess failures</th></tr></thead><tbody>"
        for (key, bv, bn, av, an, excess) in rows.prefix(30) {
            var value = HTML.text(key.value, limit: 60)
            if site.versionDimensions.contains(key.dimension) {
                let href = location.toRoot + variant.directory + Site.href(Site.versionPath(key.dimension)) + "#" + Site.taskAnchor(incident.task)
                value = "<a href=\"\(HTML.escape(href))\">\(value)</a>"
            }
            let change = (bv != nil && av != nil) ? Format.fixed((av! - bv!) * 100, digits: 1) : "new"
            out += "<tr><td>\(HTML.text(key.dimension, limit: 40))</td><th scope=\"row\">\(value)</th><td class=\"num\">\(Format.percent(bv))</td><td class=\"num\">\(Format.integer(bn))</td>"
            out += "<td class=\"num\">\(Format.percent(av))</td><td class=\"num\">\(Format.integer(an))</td><td class=\"num\">\(av == nil ? "–" : change)</td><td class=\"num\">\(Format.fixed(excess, digits: 1))</td></tr>"
        }
        out += "</tbody></table></div>"
        if rows.count > 30 { out += "<p class=\"note\">\(rows.count - 30) more values not shown.</p>" }
        return out
    }

    static func bucketStart(_ t: Int64, _ bucket: Int64) -> Int64 { RollupCube.floor(t, max(1, bucket)) }
}
