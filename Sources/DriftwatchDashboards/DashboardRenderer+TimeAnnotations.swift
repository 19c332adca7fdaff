import DriftwatchAnalysis

extension DashboardRenderer {
    /// Chart slots whose bucket is incomplete: the last one when the data ends inside it, and the first when
    /// the data starts in it (it may start mid-bucket). Either would otherwise read as a traffic drop.
    func partialSlots(_ c: PanelContext) -> [Int: String] {
        let slots = c.cube.slots
        guard let first = slots.first, let last = slots.last else { return [:] }
        var out: [Int: String] = [:]
        if c.cube.from > c.cube.rangeStart {
            out[0] = "first bucket of data, from \(TimeFormat.minute(first)) UTC: the data may start inside it"
        }
        if let through = c.snapshot.dataThroughMicros, through < last + c.cube.resolution {
            out[slots.count - 1] = "last bucket, data only through \(TimeFormat.minute(through)) UTC"
        }
        return out
    }

    /// Incidents of the shown tasks overlapping the chart, each from its start to its resolution (or the
    /// newest data while open), linking to its own page.
    func incidentBands(tasks: Set<String>, _ c: PanelContext) -> [LineChart.Band] {
        let now = c.snapshot.dataThroughMicros ?? c.snapshot.generatedAtMicros
        return c.snapshot.incidents
            .filter { i in i.scope["task"].map { tasks.contains($0) } ?? true }
            .filter { ($0.resolvedAtMicros ?? now) >= c.cube.from && $0.startedAtMicros <= c.cube.to }
            .sorted { ($0.startedAtMicros, $0.id) < ($1.startedAtMicros, $1.id) }
            .prefix(30)
            .map { i in
                let scope = i.scope.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                let end = i.resolvedAtMicros.map { "resolved \(TimeFormat.minute($0)) UTC" } ?? "open"
                let label = "Incident \(i.id): \(i.metric) regression in \(scope), started \(TimeFormat.minute(i.startedAtMicros)) UTC, \(end)"
                return LineChart.Band(fromMicros: i.startedAtMicros, toMicros: i.resolvedAtMicros ?? now, label: label,
                                      href: c.incidentLink(i.id))
            }
    }

    /// The element id of an incident's entry (percent-encoded: ids come from stored data).
    static func incidentAnchor(_ id: String) -> String { "incident-" + HTML.percentEncode(id) }
}
