@testable import DriftwatchAnalysis
@testable import DriftwatchDashboards
import Foundation
import Testing

/// Issue #15 item 4: layout, axes, labels and partial buckets, checked on the rendered markup.
@Suite struct ReadableLayoutTests {
    @Test func tablesScrollInsteadOfSquashingAndChartsSpanTheCard() {
        for page in DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: RenderingTests.snapshot) {
            let style = page.html.components(separatedBy: "<style>")[1].components(separatedBy: "</style>")[0]
            #expect(!style.contains("body{margin:0;overflow-wrap:anywhere}"), "body-wide breaking squashes table columns")
            #expect(style.contains(".scroll{overflow-x:auto"))
            #expect(style.contains(".chart{width:100%;height:auto;display:block}"), "no max-width: the chart follows the card")
            // Every table sits in a horizontal scroller.
            let tables = page.html.components(separatedBy: "<table").count - 1
            let wrapped = page.html.components(separatedBy: "<div class=\"scroll\"><table").count - 1
            #expect(tables == wrapped, "\(page.fileName): \(tables - wrapped) tables not wrapped")
        }
    }

    @Test func truncatedLabelsStayDistinct() {
        let labels = ["refunds · index@2026-12-01-reindex-aaaaaaaa", "refunds · index@2026-12-01-reindex-bbbbbbbb",
                      "refunds · index@2026-12-01-reindex-aaaaaaaa-2", "short"]
        let cut = Labels.distinct(labels, limit: 24)
        #expect(Set(cut).count == labels.count, "\(cut)")
        #expect(cut.allSatisfy { $0.count <= 24 })
        #expect(cut[3] == "short")
        // Identical long labels still differ.
        let same = Labels.distinct([String](repeating: String(repeating: "x", count: 60), count: 3), limit: 20)
        #expect(Set(same).count == 3, "\(same)")

        let chart = BarChart(id: "b", title: "t", unitLabel: "u", groups: ["g"],
                             rows: labels.map { BarChart.Row(label: $0, values: [0.5]) }, format: { Format.percent($0) }, maxValue: 1)
        let svg = chart.render(description: "d")
        for label in labels { #expect(svg.contains("<title>\(HTML.escape(label))</title>"), "full text of \(label) in a tooltip") }
        // Legends too.
        let legend = DashboardRenderer().legend(labels.map { String(repeating: "-", count: 30) + $0 })
        let items = legend.components(separatedBy: "</span>").dropFirst().map { $0.components(separatedBy: "</bdi>")[0].components(separatedBy: ">").last! }
        #expect(Set(items).count == labels.count, "\(items)")
        let texts = svg.components(separatedBy: "class=\"bar-label\"").dropFirst().filter { $0.contains("text-anchor=\"end\"") }
            .map { $0.components(separatedBy: ">")[1].components(separatedBy: "<")[0] }
        #expect(Set(texts).count == labels.count, "\(texts)")
    }

    @Test func yAxisZoomsToTheDataAndSaysWhenItDoesNotStartAtZero() {
        let near = LineChart.yRange([0.90, 0.93, 0.98], percentage: true)
        #expect(near.lo >= 0.8 && near.lo <= 0.9, "an 8-point gap near 90% gets most of the height: \(near)")
        #expect(near.hi <= 1)
        let wide = LineChart.yRange([0.05, 0.9], percentage: true)
        #expect(wide.lo == 0, "zero is kept when it is close")
        let counts = LineChart.yRange([1000, 1040, 1100], percentage: false)
        #expect(counts.lo >= 900, "\(counts)")

        func chart(_ values: [Double?]) -> String {
            LineChart(id: "c", title: "t", unitLabel: "u", slots: [0, 10, 20], resolution: 10,
                      series: [.init(name: "s", values: values)], markers: [], format: { Format.percent($0) }, percentage: true)
                .render(description: "d")
        }
        #expect(chart([0.90, 0.93, 0.98]).contains("class=\"zero-note\""))
        #expect(!chart([0.05, 0.5, 0.9]).contains("class=\"zero-note\""))
        // The versions chart zooms too: dots with whiskers instead of bars from zero.
        let versions = RenderingTests.page("versions")
        #expect(versions.contains("<circle "))
    }

    @Test func partialFirstAndLastBucketsAreMarked() {
        // Data from t0 (inside the 7-day range) through t0 + 2 h + 1 µs: first and last hour incomplete.
        let html = RenderingTests.page("overview")
        #expect(html.contains("class=\"partial\""))
        #expect(html.contains("last bucket, data only through 2025-01-06 02:00 UTC"))
        #expect(html.contains("first bucket of data, from 2025-01-06 00:00 UTC"))
        #expect(html.contains("class=\"note partial-note\""))
        // Data covering the whole range: only the last bucket is.
        var full = RenderingTests.snapshot
        let renderer = DashboardRenderer(rangeMicros: 2 * RenderingTests.hour)
        full.dataThroughMicros = RenderingTests.t0 + 2 * RenderingTests.hour + 1
        let page = renderer.render(DashboardDefinitionLoader().defaults()[0], snapshot: full, navigation: [])
        #expect(!page.contains("first bucket of data"))
        #expect(page.contains("last bucket, data only through"))
    }

    @Test func deployLabelsDoNotOverlap() {
        let xs: [Double] = [100, 105, 110, 300, 985, 990]
        let widths = [Double](repeating: 120, count: xs.count)
        let places = LineChart.placeLabels(xs: xs, widths: widths, maxX: 1000)
        var boxes: [(row: Int, a: Double, b: Double)] = []
        for (k, p) in places.enumerated() {
            guard let p else { continue }
            let box = p.endAnchored ? (xs[k] - 3 - widths[k], xs[k] - 3) : (xs[k] + 3, xs[k] + 3 + widths[k])
            #expect(box.0 >= 0 && box.1 <= 1000, "label \(k) stays on the canvas")
            for o in boxes where o.row == p.row { #expect(box.1 <= o.a || box.0 >= o.b, "label \(k) overlaps") }
            boxes.append((p.row, box.0, box.1))
        }
        #expect(places[0]!.row != places[1]!.row && places[1]!.row != places[2]!.row, "close deploys stack in rows")
        #expect(places[4]!.endAnchored, "a deploy near the right edge is labelled to its left")
    }
}
