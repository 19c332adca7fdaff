/// A horizontal bar chart in inline SVG: one row per label, one bar per group (e.g. reference and current),
/// optional interval whiskers. Values are drawn from zero; labels are truncated with the full text in `<title>`.
struct BarChart {
    struct Row {
        var label: String
        /// One value per group (nil: no bar).
        var values: [Double?]
        /// Interval per group, drawn as a whisker.
        var intervals: [(Double, Double)?] = []
    }

    var id: String
    var title: String
    var unitLabel: String
    var groups: [String]
    var rows: [Row]
    var format: (Double) -> String
    var maxValue: Double?

    func render(description: String) -> String {
        let labelW = 190.0, right = 70.0, width = 760.0
        let barH = 12.0, gap = 8.0
        let rowH = Double(max(1, groups.count)) * barH + gap
        let top = 8.0, bottom = 34.0
        let height = top + rowH * Double(rows.count) + bottom
        let plotW = width - labelW - right
        let hi = maxValue ?? max(rows.flatMap { $0.values.compactMap { $0 } + $0.intervals.compactMap { $0?.1 } }.max() ?? 1, 1e-9)
        func x(_ v: Double) -> Double { labelW + max(0, min(1, v / hi)) * plotW }
        func f(_ v: Double) -> String { Format.fixed(v, digits: 1) }
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height.rounded(.up)))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title id=\"\(id)-t\">\(HTML.escape(title))</title><desc id=\"\(id)-d\">\(HTML.escape(description))</desc>"
        for (r, row) in rows.enumerated() {
            let y0 = top + rowH * Double(r)
            s += "<g><title>\(HTML.short(row.label, limit: 200))</title><text class=\"bar-label\" x=\"\(f(labelW - 6))\" y=\"\(f(y0 + rowH / 2))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.short(row.label, limit: 30))</text></g>"
            for (g, value) in row.values.enumerated() {
                guard let value, value.isFinite else { continue }
                let y = y0 + Double(g) * barH
                s += "<rect x=\"\(f(labelW))\" y=\"\(f(y))\" width=\"\(f(x(value) - labelW))\" height=\"\(f(barH - 2))\" fill=\"\(Palette.color(g))\"><title>\(HTML.short(groups[g] + ": " + format(value), limit: 120))</title></rect>"
                if g < row.intervals.count, let (lo, up) = row.intervals[g], lo.isFinite, up.isFinite {
                    let ym = f(y + (barH - 2) / 2)
                    s += "<line x1=\"\(f(x(lo)))\" x2=\"\(f(x(up)))\" y1=\"\(ym)\" y2=\"\(ym)\" stroke=\"#000\" stroke-width=\"1.2\"/>"
                }
                s += "<text class=\"bar-label\" x=\"\(f(x(value) + 4))\" y=\"\(f(y + barH / 2))\" dominant-baseline=\"middle\">\(HTML.escape(format(value)))</text>"
            }
        }
        let axisY = top + rowH * Double(rows.count)
        s += "<line class=\"axis\" x1=\"\(f(labelW))\" x2=\"\(f(labelW + plotW))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY))\"/>"
        for v in LineChart.niceTicks(0, hi) where v <= hi * 1.0001 {
            s += "<text class=\"tick\" x=\"\(f(x(v)))\" y=\"\(f(axisY + 13))\" text-anchor=\"middle\">\(HTML.escape(format(v)))</text>"
        }
        s += "<text class=\"axis-title\" x=\"\(f(labelW + plotW / 2))\" y=\"\(f(height - 4))\" text-anchor=\"middle\">\(HTML.escape(unitLabel))</text>"
        s += "</svg>"
        return s
    }
}
