/// An inline SVG line chart over time: one path per series (colour and dash pattern both vary, so series stay
/// apart without colour), axis titles with units, deploy markers as labelled vertical lines, and hover bands
/// whose `<title>` lists every series' value at that time. Everything readable without JavaScript.
struct LineChart {
    struct Series {
        var name: String
        /// One value per slot (nil: no data).
        var values: [Double?]
    }

    struct Marker {
        var atMicros: Int64
        var label: String
    }

    var id: String
    var title: String
    var unitLabel: String
    var slots: [Int64]
    var resolution: Int64
    var series: [Series]
    var markers: [Marker]
    var format: (Double) -> String
    var percentage: Bool

    static let width = 760.0, height = 260.0
    static let left = 70.0, right = 16.0, top = 14.0, bottom = 46.0
    static let dashes = ["", "6 3", "2 2", "8 3 2 3", "4 4", "1 3", "10 2"]

    func render(description: String) -> String {
        let w = Self.width, h = Self.height
        let plotW = w - Self.left - Self.right, plotH = h - Self.top - Self.bottom
        let all = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
        var lo = all.min() ?? 0, hi = all.max() ?? 1
        if percentage { lo = max(0, lo); hi = min(1, hi) }
        if lo > 0 && (!percentage || lo < 0.5 * hi) { lo = 0 }
        if hi - lo < 1e-9 { hi = lo + (lo == 0 ? 1 : abs(lo) * 0.1) }
        let ticks = Self.niceTicks(lo, hi)
        lo = min(lo, ticks.first ?? lo); hi = max(hi, ticks.last ?? hi)
        let t0 = Double(slots.first ?? 0), t1 = Double((slots.last ?? 0) + resolution)
        func x(_ t: Double) -> Double { Self.left + (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5) * plotW }
        func y(_ v: Double) -> Double { Self.top + plotH - (v - lo) / (hi - lo) * plotH }
        func mid(_ i: Int) -> Double { x(Double(slots[i]) + Double(resolution) / 2) }

        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title id=\"\(id)-t\">\(HTML.escape(title))</title><desc id=\"\(id)-d\">\(HTML.escape(description))</desc>"
        // Grid and y ticks.
        for v in ticks {
            let yy = f(y(v))
            s += "<line class=\"grid\" x1=\"\(f(Self.left))\" x2=\"\(f(w - Self.right))\" y1=\"\(yy)\" y2=\"\(yy)\"/>"
            s += "<text class=\"tick\" x=\"\(f(Self.left - 6))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(format(v)))</text>"
        }
        // X ticks: about six, on slot boundaries.
        if !slots.isEmpty {
            let step = max(1, slots.count / 6)
            for i in stride(from: 0, to: slots.count, by: step) {
                let xx = f(x(Double(slots[i])))
                s += "<line class=\"axis\" x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(f(Self.top + plotH))\" y2=\"\(f(Self.top + plotH + 4))\"/>"
                s += "<text class=\"tick\" x=\"\(xx)\" y=\"\(f(Self.top + plotH + 16))\" text-anchor=\"middle\">\(TimeFormat.tick(slots[i]))</text>"
            }
        }
        s += "<line class=\"axis\" x1=\"\(f(Self.left))\" x2=\"\(f(w - Self.right))\" y1=\"\(f(Self.top + plotH))\" y2=\"\(f(Self.top + plotH))\"/>"
        s += "<line class=\"axis\" x1=\"\(f(Self.left))\" x2=\"\(f(Self.left))\" y1=\"\(f(Self.top))\" y2=\"\(f(Self.top + plotH))\"/>"
        s += "<text class=\"axis-title\" x=\"\(f(Self.left + plotW / 2))\" y=\"\(f(h - 6))\" text-anchor=\"middle\">Time (UTC)</text>"
        s += "<text class=\"axis-title\" transform=\"translate(14 \(f(Self.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(unitLabel))</text>"
        // Deploy markers.
        var lastLabelX = -Double.infinity
        for m in markers where Double(m.atMicros) >= t0 && Double(m.atMicros) <= t1 {
            let px = x(Double(m.atMicros))
            let xx = f(px)
            s += "<g class=\"marker\"><title>\(HTML.short("Deploy: \(m.label) at \(TimeFormat.minute(m.atMicros)) UTC", limit: 200))</title>"
            s += "<line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(f(Self.top))\" y2=\"\(f(Self.top + plotH))\"/>"
            // Labels only where they do not overlap the previous one; the line's title always has the full text.
            if px - lastLabelX > 110 && px < w - Self.right - 60 {
                s += "<text x=\"\(xx)\" y=\"\(f(Self.top + 8))\" dx=\"3\">\(HTML.short(m.label, limit: 18))</text>"
                lastLabelX = px
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
            let bw = f(max(0.5, plotW / Double(max(1, slots.count))))
            for i in slots.indices {
                let values = series.compactMap { line in line.values[i].map { "\(HTML.short(line.name, limit: 40)): \(HTML.escape(format($0)))" } }
                if values.isEmpty { continue }
                s += "<rect class=\"hover\" x=\"\(f(x(Double(slots[i]))))\" y=\"\(f(Self.top))\" width=\"\(bw)\" height=\"\(f(plotH))\"><title>\(TimeFormat.minute(slots[i])) UTC&#10;\(values.joined(separator: "&#10;"))</title></rect>"
            }
        }
        s += "</svg>"
        return s
    }

    /// Two decimals are plenty for a 760-unit canvas.
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
        if let last = ticks.last, last < hi { ticks.append(last + step) }
        return ticks
    }
}
