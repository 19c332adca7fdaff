/// A horizontal bar chart in inline SVG: one row per label, one bar per group (e.g. reference and current),
/// optional interval whiskers. Labels are cut so they stay distinct, with the full text in `<title>`.
/// With `zoom`, the axis covers only the data and rows are drawn as dots with whiskers, since a bar that does
/// not start at zero would exaggerate the difference by its length.
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
    var zoom = false

    static let width = 1000.0, labelWidth = 300.0, labelLimit = 38

    /// The axis: zero to the largest value, or with `zoom` the padded data range on round ticks (zero kept
    /// when it is close).
    func axis() -> (lo: Double, hi: Double) {
        var all: [Double] = []
        for row in rows {
            all += row.values.compactMap { $0 }
            for case let (a, b)? in row.intervals { all += [a, b] }
        }
        all = all.filter(\.isFinite)
        guard zoom, let lo = all.min(), let hi = all.max() else {
            return (0, maxValue ?? max(all.max() ?? 1, 1e-9))
        }
        let pad = max((hi - lo) * 0.1, 0.01 * max(abs(hi), 1e-9))
        var a = max(lo >= 0 ? 0 : -.infinity, lo - pad), b = hi + pad
        if let maxValue { b = min(b, maxValue) }
        if a > 0 && a < (b - a) * 0.5 { a = 0 }
        let ticks = LineChart.niceTicks(a, b)
        a = max(lo >= 0 ? 0 : -.infinity, ticks.first ?? a)
        b = ticks.last ?? b
        if let maxValue { b = min(b, maxValue) }
        return (a, b > a ? b : a + 1)
    }

    func render(description: String) -> String {
        let labelW = Self.labelWidth, right = 80.0, width = Self.width
        let barH = 12.0, gap = 8.0
        let rowH = Double(max(1, groups.count)) * barH + gap
        let top = 8.0, bottom = 34.0
        let height = top + rowH * Double(rows.count) + bottom
        let plotW = width - labelW - right
        let (lo, hi) = axis()
        func x(_ v: Double) -> Double { labelW + max(0, min(1, (v - lo) / (hi - lo))) * plotW }
        func f(_ v: Double) -> String { Format.fixed(v, digits: 1) }
        let labels = Labels.distinct(rows.map(\.label), limit: Self.labelLimit)
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height.rounded(.up)))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title id=\"\(id)-t\">\(HTML.escape(title))</title><desc id=\"\(id)-d\">\(HTML.escape(description))</desc>"
        for v in LineChart.niceTicks(lo, hi) where v >= lo - 1e-12 && v <= hi * 1.0001 + 1e-12 {
            s += "<line class=\"grid\" x1=\"\(f(x(v)))\" x2=\"\(f(x(v)))\" y1=\"\(f(top))\" y2=\"\(f(top + rowH * Double(rows.count)))\"/>"
        }
        for (r, row) in rows.enumerated() {
            let y0 = top + rowH * Double(r)
            s += "<g><title>\(HTML.short(row.label, limit: 200))</title><text class=\"bar-label\" x=\"\(f(labelW - 6))\" y=\"\(f(y0 + rowH / 2))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(labels[r]))</text></g>"
            for (g, value) in row.values.enumerated() {
                guard let value, value.isFinite else { continue }
                let y = y0 + Double(g) * barH
                let ym = f(y + (barH - 2) / 2)
                let tip = "<title>\(HTML.short(groups[g] + ": " + format(value), limit: 120))</title>"
                if zoom {
                    s += "<circle cx=\"\(f(x(value)))\" cy=\"\(ym)\" r=\"4.5\" fill=\"\(Palette.color(g))\">\(tip)</circle>"
                } else {
                    s += "<rect x=\"\(f(labelW))\" y=\"\(f(y))\" width=\"\(f(x(value) - labelW))\" height=\"\(f(barH - 2))\" fill=\"\(Palette.color(g))\">\(tip)</rect>"
                }
                var labelX = x(value)
                if g < row.intervals.count, let (a, b) = row.intervals[g], a.isFinite, b.isFinite {
                    s += "<line x1=\"\(f(x(a)))\" x2=\"\(f(x(b)))\" y1=\"\(ym)\" y2=\"\(ym)\" stroke=\"#000\" stroke-width=\"1.2\"/>"
                    labelX = max(labelX, x(b))
                }
                s += "<text class=\"bar-label\" x=\"\(f(labelX + 6))\" y=\"\(f(y + barH / 2))\" dominant-baseline=\"middle\">\(HTML.escape(format(value)))</text>"
            }
        }
        let axisY = top + rowH * Double(rows.count)
        s += "<line class=\"axis\" x1=\"\(f(labelW))\" x2=\"\(f(labelW + plotW))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY))\"/>"
        for v in LineChart.niceTicks(lo, hi) where v >= lo - 1e-12 && v <= hi * 1.0001 + 1e-12 {
            s += "<text class=\"tick\" x=\"\(f(x(v)))\" y=\"\(f(axisY + 13))\" text-anchor=\"middle\">\(HTML.escape(format(v)))</text>"
        }
        s += "<text class=\"axis-title\" x=\"\(f(labelW + plotW / 2))\" y=\"\(f(height - 4))\" text-anchor=\"middle\">\(HTML.escape(unitLabel))</text>"
        if lo > 0 {
            s += "<text class=\"zero-note\" x=\"4\" y=\"\(f(height - 4))\">axis starts at \(HTML.escape(format(lo))), not 0</text>"
        }
        s += "</svg>"
        return s
    }
}
