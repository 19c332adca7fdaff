/// An inline SVG line chart over time: one path per series (colour and dash pattern both vary, so series stay
/// apart without colour), axis titles with units, deploy markers as labelled vertical lines, incidents as
/// shaded bands linking to their page, partial buckets hatched, and hover bands whose `<title>` lists every
/// series' value at that time. Everything readable without JavaScript.
struct LineChart {
    struct Series {
        var name: String
        /// One value per slot (nil: no data).
        var values: [Double?]
    }

    struct Marker {
        var atMicros: Int64
        var label: String
        /// An incident's own moment (onset, detection, resolution) rather than a deploy: drawn solid.
        var isEvent = false
    }

    /// A time interval to shade (an incident), with an optional link.
    struct Band {
        var fromMicros: Int64
        var toMicros: Int64
        var label: String
        var href: String?
    }

    var id: String
    var title: String
    var unitLabel: String
    var slots: [Int64]
    var resolution: Int64
    var series: [Series]
    var markers: [Marker]
    var bands: [Band] = []
    /// Slot indices whose bucket is incomplete, with why (hatched, so a short bucket does not read as a drop).
    var partial: [Int: String] = [:]
    var format: (Double) -> String
    var percentage: Bool

    /// The canvas is about as wide as a card on a wide screen, so text is drawn near its nominal size; the SVG
    /// is styled `width:100%` and scales with the card.
    static let width = 1000.0, height = 280.0
    static let left = 70.0, right = 16.0, top = 14.0, bottom = 46.0
    static let dashes = ["", "6 3", "2 2", "8 3 2 3", "4 4", "1 3", "10 2"]
    /// Deploy labels: rows stacked at the top of the plot, width estimated per character at 10 px.
    static let labelRows = 3, labelCharWidth = 6.5, labelRowHeight = 12.0

    /// The y range: the data's, padded and rounded to ticks; zero is included only when it is close, so an
    /// 8-point gap near 90% is not flattened against a 0–100% axis.
    static func yRange(_ values: [Double], percentage: Bool) -> (lo: Double, hi: Double, ticks: [Double]) {
        let finite = values.filter(\.isFinite)
        guard var lo = finite.min(), var hi = finite.max() else { return (0, 1, niceTicks(0, 1)) }
        let span = hi - lo
        let pad = span > 1e-12 ? span * 0.08 : max(abs(hi) * 0.05, percentage ? 0.01 : 1)
        let dataMin = lo
        lo -= pad; hi += pad
        if dataMin >= 0 { lo = max(0, lo) }
        if percentage { hi = min(1, hi); lo = max(0, lo) }
        if lo > 0 && lo < (hi - lo) * 0.5 { lo = 0 }
        let ticks = niceTicks(lo, hi)
        var top = max(hi, ticks.last ?? hi)
        if percentage && top > 1 && top < 1 + 1e-9 { top = 1 }  // rounding in the tick steps
        return (min(lo, ticks.first ?? lo), top, ticks)
    }

    /// Places labels left to right in the first row where they do not overlap a label already there; a label
    /// that would run past `maxX` is drawn ending at its line. Nil: no row free (the line's `<title>` still
    /// has the text).
    static func placeLabels(xs: [Double], widths: [Double], maxX: Double) -> [(row: Int, endAnchored: Bool)?] {
        var rowEnds = [Double](repeating: -.infinity, count: labelRows)
        var rowBoxes = [[(Double, Double)]](repeating: [], count: labelRows)
        var out: [(row: Int, endAnchored: Bool)?] = []
        for (x, width) in zip(xs, widths) {
            let endAnchored = x + 3 + width > maxX
            let box = endAnchored ? (x - 3 - width, x - 3) : (x + 3, x + 3 + width)
            var placed: (row: Int, endAnchored: Bool)?
            for row in 0..<labelRows where box.0 > rowEnds[row] + 4 && !rowBoxes[row].contains(where: { $0.0 < box.1 + 4 && box.0 < $0.1 + 4 }) {
                rowEnds[row] = max(rowEnds[row], box.1)
                rowBoxes[row].append(box)
                placed = (row, endAnchored)
                break
            }
            out.append(placed)
        }
        return out
    }

    func render(description: String) -> String {
        let w = Self.width, h = Self.height
        let (lo, hi, ticks) = Self.yRange(series.flatMap { $0.values.compactMap { $0 } }, percentage: percentage)
        // Room for the widest tick label beside the rotated axis title (about 6.8 units a character at 11 px).
        let left = max(Self.left, 32 + Double(ticks.map { format($0).count }.max() ?? 0) * 6.8)
        let plotW = w - left - Self.right, plotH = h - Self.top - Self.bottom
        let t0 = Double(slots.first ?? 0), t1 = Double((slots.last ?? 0) + resolution)
        func x(_ t: Double) -> Double { left + (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5) * plotW }
        func y(_ v: Double) -> Double { Self.top + plotH - (v - lo) / (hi - lo) * plotH }
        func mid(_ i: Int) -> Double { x(Double(slots[i]) + Double(resolution) / 2) }
        let slotW = f(max(0.5, plotW / Double(max(1, slots.count))))

        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title id=\"\(id)-t\">\(HTML.escape(title))</title><desc id=\"\(id)-d\">\(HTML.escape(description))</desc>"
        if !partial.isEmpty {
            s += "<defs><pattern id=\"\(id)-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8a8a99\" stroke-width=\"2\"/></pattern></defs>"
        }
        // Incident bands under everything else.
        for band in bands {
            let a = max(t0, Double(band.fromMicros)), b = min(t1, Double(band.toMicros))
            guard b > a || (b == a && a > t0 && a < t1) else { continue }
            s += "<rect class=\"incident-band\" x=\"\(f(x(a)))\" y=\"\(f(Self.top))\" width=\"\(f(max(2, x(b) - x(a))))\" height=\"\(f(plotH))\"/>"
        }
        for (i, why) in partial.sorted(by: { $0.key < $1.key }) where slots.indices.contains(i) {
            s += "<rect class=\"partial\" x=\"\(f(x(Double(slots[i]))))\" y=\"\(f(Self.top))\" width=\"\(slotW)\" height=\"\(f(plotH))\" fill=\"url(#\(id)-hatch)\"><title>\(HTML.escape(why))</title></rect>"
        }
        // Grid and y ticks.
        for v in ticks {
            let yy = f(y(v))
            s += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(w - Self.right))\" y1=\"\(yy)\" y2=\"\(yy)\"/>"
            s += "<text class=\"tick\" x=\"\(f(left - 6))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(format(v)))</text>"
        }
        // X ticks: about eight, on slot boundaries.
        if !slots.isEmpty {
            let step = max(1, (slots.count + 7) / 8)  // at least 1/8 of the width apart: a tick label is ~70 units
            for i in stride(from: 0, to: slots.count, by: step) {
                let xx = f(x(Double(slots[i])))
                s += "<line class=\"axis\" x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(f(Self.top + plotH))\" y2=\"\(f(Self.top + plotH + 4))\"/>"
                s += "<text class=\"tick\" x=\"\(xx)\" y=\"\(f(Self.top + plotH + 19))\" text-anchor=\"middle\">\(TimeFormat.tick(slots[i]))</text>"
            }
        }
        s += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(w - Self.right))\" y1=\"\(f(Self.top + plotH))\" y2=\"\(f(Self.top + plotH))\"/>"
        s += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(Self.top))\" y2=\"\(f(Self.top + plotH))\"/>"
        s += "<text class=\"axis-title\" x=\"\(f(left + plotW / 2))\" y=\"\(f(h - 6))\" text-anchor=\"middle\">Time (UTC)</text>"
        s += "<text class=\"axis-title\" transform=\"translate(14 \(f(Self.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(unitLabel))</text>"
        if lo > 0 {
            s += "<text class=\"zero-note\" x=\"4\" y=\"\(f(h - 6))\">y axis starts at \(HTML.escape(format(lo))), not 0</text>"
        }
        // Deploy markers, labels stacked so none overlap.
        let shown = markers.filter { Double($0.atMicros) >= t0 && Double($0.atMicros) <= t1 }
        let short = Labels.distinct(shown.map(\.label), limit: 22)
        let xs = shown.map { x(Double($0.atMicros)) }
        let places = Self.placeLabels(xs: xs, widths: short.map { Double($0.count) * Self.labelCharWidth }, maxX: w - Self.right)
        for (k, m) in shown.enumerated() {
            let xx = f(xs[k])
            let tip = m.isEvent ? "\(m.label) at \(TimeFormat.minute(m.atMicros)) UTC" : "Deploy: \(m.label) at \(TimeFormat.minute(m.atMicros)) UTC"
            s += "<g class=\"marker\(m.isEvent ? " event" : "")\"><title>\(HTML.short(tip, limit: 200))</title>"
            s += "<line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(f(Self.top))\" y2=\"\(f(Self.top + plotH))\"/>"
            if let place = places[k] {
                let ty = f(Self.top + 9 + Double(place.row) * Self.labelRowHeight)
                s += "<text x=\"\(xx)\" y=\"\(ty)\" dx=\"\(place.endAnchored ? -3 : 3)\"\(place.endAnchored ? " text-anchor=\"end\"" : "")>\(HTML.escape(short[k]))</text>"
            }
            s += "</g>"
        }
        // Series.
        for (k, line) in series.enumerated() {
            var d = ""
            var pen = false
            for (i, v) in line.values.enumerated() {
                guard let v, v.isFinite else { pen = false; continue }
                d += (pen ? "L" : "M") + f(mid(i)) + " " + f(y(v))
                pen = true
            }
            let single = line.values.compactMap { $0 }.count == 1
            let dash = Self.dashes[k % Self.dashes.count]
            s += "<path class=\"series\" d=\"\(d)\" stroke=\"\(Palette.color(k))\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")\(single ? " stroke-linecap=\"round\" stroke-width=\"6\"" : "")><title>\(HTML.short(line.name))</title></path>"
        }
        // Hover bands.
        if !series.isEmpty {
            for i in slots.indices {
                let values = series.compactMap { line in line.values[i].map { "\(HTML.short(line.name, limit: 40)): \(HTML.escape(format($0)))" } }
                if values.isEmpty { continue }
                let note = partial[i].map { "&#10;(\(HTML.escape($0)))" } ?? ""
                s += "<rect class=\"hover\" x=\"\(f(x(Double(slots[i]))))\" y=\"\(f(Self.top))\" width=\"\(slotW)\" height=\"\(f(plotH))\"><title>\(TimeFormat.minute(slots[i])) UTC&#10;\(values.joined(separator: "&#10;"))\(note)</title></rect>"
            }
        }
        // Incident tabs on top, so the hover bands do not swallow the click.
        for band in bands {
            let a = max(t0, Double(band.fromMicros)), b = min(t1, Double(band.toMicros))
            guard b > a || (b == a && a > t0 && a < t1) else { continue }
            let tab = "<rect class=\"incident-tab\" x=\"\(f(x(a)))\" y=\"\(f(Self.top + plotH - 8))\" width=\"\(f(max(6, x(b) - x(a))))\" height=\"8\"><title>\(HTML.short(band.label, limit: 200))</title></rect>"
            s += band.href.map { "<a href=\"\(HTML.escape($0))\">\(tab)</a>" } ?? tab
        }
        s += "</svg>"
        return s
    }

    /// One decimal is plenty for a 1000-unit canvas.
    func f(_ v: Double) -> String { Format.fixed(v, digits: 1) }

    /// Round tick values covering [lo, hi], four to six of them.
    static func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite else { return [lo] }
        let raw = span / 5
        var p = 1.0
        while p * 10 <= raw { p *= 10 }
        while p > raw { p /= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * p }.first { $0 >= raw } ?? p * 10
        var ticks: [Double] = []
        var v = (lo / step).rounded(.down) * step
        while v <= hi + step * 0.001 {
            ticks.append(v)
            v += step
        }
        if let last = ticks.last, last < hi - step * 0.001 { ticks.append(last + step) }
        return ticks
    }
}
