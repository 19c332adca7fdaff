@testable import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchStatistics
@testable import DriftwatchDashboards
import Foundation
import Testing

@Suite struct RenderingTests {
    static let hour: Int64 = 3_600_000_000
    static let t0: Int64 = 1_736_121_600_000_000

    static func counters(requests: Int64, successes: Int64, latency: [Double] = [], cost: Double = 0,
                         checks: [(String, Int64, Int64)] = []) -> MetricCounters {
        var c = MetricCounters()
        c.requests = requests
        c.outcomes = requests
        c.successes = successes
        c.failures = requests - successes
        c.costUSD = cost
        for l in latency { c.latency.add(l) }
        c.checks = checks.map { MetricCounters.CheckCount(name: $0.0, passed: $0.1, failed: $0.2) }
        return c
    }

    static func row(_ hourIndex: Int64, _ scope: ScopeKey, _ c: MetricCounters) -> RollupTable.Row {
        RollupTable.Row(bucketMicros: hour, startMicros: t0 + hourIndex * hour, scope: scope, counters: c)
    }

    static let snapshot = DashboardSnapshot(
        generatedAtMicros: t0 + 3 * hour, dataThroughMicros: t0 + 2 * hour + 1, bucketMicros: hour,
        rollups: [
            row(0, ScopeKey(task: "refunds"), counters(requests: 100, successes: 90, latency: [100, 200, 300], cost: 0.5, checks: [("schema", 95, 5)])),
            row(1, ScopeKey(task: "refunds"), counters(requests: 50, successes: 25, latency: [400], cost: 0.25, checks: [("schema", 40, 10)])),
            row(2, ScopeKey(task: "refunds"), counters(requests: 10, successes: 10)),
            row(0, ScopeKey(task: "refunds", dimension: "model_version", value: "m@1"), counters(requests: 100, successes: 90)),
            row(1, ScopeKey(task: "refunds", dimension: "model_version", value: "m@1"), counters(requests: 30, successes: 20)),
            row(1, ScopeKey(task: "refunds", dimension: "model_version", value: "m@2"), counters(requests: 20, successes: 5)),
            row(2, ScopeKey(task: "refunds", dimension: "model_version", value: "m@1"), counters(requests: 5, successes: 4)),
            row(2, ScopeKey(task: "refunds", dimension: "model_version", value: "m@2"), counters(requests: 5, successes: 5)),
            row(0, ScopeKey(task: "refunds", dimension: "language", value: "de"), counters(requests: 40, successes: 30)),
            row(0, ScopeKey(task: "orders"), counters(requests: 7, successes: 7)),
        ],
        versions: [
            .init(component: "model:m", version: "1", firstSeenMicros: t0, lastSeenMicros: t0 + 2 * hour, requests: 135),
            .init(component: "model:m", version: "2", firstSeenMicros: t0 + hour + 60_000_000, lastSeenMicros: t0 + 2 * hour, requests: 25),
        ])

    static func page(_ id: String, _ snapshot: DashboardSnapshot = snapshot) -> String {
        let defs = DashboardDefinitionLoader().defaults()
        return DashboardRenderer().render(defs.first { $0.id == id }!, snapshot: snapshot, navigation: defs)
    }

    /// The text of the `data-metric` cell in the table row whose header is `row`.
    static func cell(_ html: String, row: String, metric: String) -> String? {
        guard let r = html.range(of: "<th scope=\"row\"><bdi>\(row)</bdi></th>") else { return nil }
        let rest = html[r.upperBound...]
        guard let end = rest.range(of: "</tr>"), let m = rest[..<end.lowerBound].range(of: "data-metric=\"\(metric)\">") else { return nil }
        let after = rest[m.upperBound...]
        return String(after[..<after.range(of: "</td>")!.lowerBound])
    }

    @Test func overviewTotalsAreTheSumsOfTheBuckets() {
        let html = Self.page("overview")
        #expect(Self.cell(html, row: "refunds", metric: "requests") == "160")
        #expect(Self.cell(html, row: "refunds", metric: "success_rate") == "78.1%")  // 125 / 160
        #expect(Self.cell(html, row: "refunds", metric: "check_pass_rate") == "90.0%")  // 135 / 150
        #expect(Self.cell(html, row: "refunds", metric: "cost_per_request") == "$0.00469")  // 0.75 / 160
        #expect(Self.cell(html, row: "orders", metric: "requests") == "7")
        // Per-bucket values in the data table, and a deploy marker for m@2 only (m@1 is the first version).
        #expect(html.contains("<td class=\"num\">90.0%</td>"))
        #expect(html.contains("<td class=\"num\">50.0%</td>"))
        #expect(html.contains("Deploy: model:m 2 at 2025-01-06 01:01 UTC"))
        #expect(!html.contains("Deploy: model:m 1 "))
    }

    @Test func pagesAreSelfContained() {
        for page in DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: Self.snapshot) {
            let html = page.html
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
            #expect(html.hasSuffix("</html>\n"))
            #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
            #expect(html.components(separatedBy: "<script").count == 2, "exactly one (inline) script in \(page.fileName)")
            let external = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            #expect(!external.contains("http://") && !external.contains("https://") && !external.contains("//cdn"), "\(page.fileName)")
            #expect(!html.contains("src="), "no external or embedded resources in \(page.fileName)")
        }
    }

    @Test func everyChartHasATitleDescriptionAndDataTable() {
        let html = Self.page("overview")
        let charts = html.components(separatedBy: "<svg ").count - 1
        #expect(charts == 8)
        #expect(html.components(separatedBy: "role=\"img\" aria-labelledby=").count - 1 == charts)
        #expect(html.components(separatedBy: "<desc id=").count - 1 == charts)
        #expect(html.components(separatedBy: "<summary>Data table</summary>").count - 1 == charts)
        #expect(html.contains("Success rate (%)"))
        #expect(html.contains("Time (UTC)"))
        #expect(html.contains(Palette.okabeIto[0]))
    }

    @Test func winRateCountsBucketsWhereBothVersionsServed() {
        func cell(_ h: Int64, _ n: Int64, _ s: Int64) -> RollupCube.Cell { .init(start: h, counters: Self.counters(requests: n, successes: s)) }
        let old = [cell(0, 100, 90), cell(1, 100, 80), cell(2, 100, 70), cell(3, 100, 50)]
        let new = [cell(1, 50, 45), cell(2, 50, 35), cell(3, 5, 5), cell(4, 100, 100)]
        let w = DashboardRenderer.winRate(new: new, old: old)!
        // Hour 1: 90% > 80% (win); hour 2: 70% = 70% (tie); hour 3: too few; hour 4: old absent.
        #expect(w.buckets == 2)
        #expect(w.rate == 0.75)
        #expect(abs(w.delta - (80.0 / 100 - 150.0 / 200)) < 1e-12)
        #expect(DashboardRenderer.winRate(new: [cell(9, 50, 50)], old: old) == nil)
    }

    @Test func versionsPageShowsEachVersionSideBySide() {
        let html = Self.page("versions")
        #expect(html.contains("<bdi>m@2</bdi>"))
        #expect(html.contains("<bdi>m@1</bdi>"))
        #expect(html.contains("data-metric=\"success_rate\">84.4%"))  // m@1: 114 / 135
        #expect(html.contains("data-metric=\"success_rate\">40.0%"))  // m@2: 10 / 25
    }

    @Test func heatmapShowsRateAndCount() {
        let html = Self.page("slices")
        #expect(html.contains("language=de"))
        #expect(html.contains("data-n=\"40\">75.0%<small>n 40</small>"))
    }

    @Test func emptySnapshotRendersEveryPage() {
        let empty = DashboardSnapshot(generatedAtMicros: Self.t0, dataThroughMicros: nil, bucketMicros: Self.hour, rollups: [])
        for page in DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: empty) {
            #expect(page.html.hasSuffix("</html>\n"))
        }
        #expect(Self.page("drift", empty).contains("Drift detection has not run yet"))
    }

    @Test func hostileLogContentIsEscapedEverywhere() throws {
        let w = try WorkloadSnapshot.make(hours: 3, rate: 30, hostile: true)
        let pages = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: w.snapshot)
        for page in pages {
            let html = page.html
            #expect(!html.contains("<script>document.title"), "\(page.fileName)")
            #expect(!html.contains("<img"), "\(page.fileName)")
            #expect(!html.contains("</td></tr></table></svg>"), "\(page.fileName)")
            #expect(html.components(separatedBy: "<script").count == 2, "\(page.fileName)")
            #expect(!html.contains("href=\"javascript:"), "\(page.fileName)")
            #expect(!html.contains("' onmouseover='"), "\(page.fileName)")
            // The long strings are cut in text, kept whole only inside title attributes.
            let withoutTitles = html.replacingOccurrences(of: #"title="[^"]*""#, with: "", options: .regularExpression)
            #expect(!withoutTitles.contains(String(repeating: "W", count: 200)), "\(page.fileName)")
            #expect(html.utf8.count < 2_000_000, "\(page.fileName)")
        }
        let incidents = pages.first { $0.fileName == "incidents.html" }!.html
        #expect(incidents.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
        #expect(incidents.contains("href=\"javascript%3Adocument.title%3D%27pwned%27\""))
    }
}

