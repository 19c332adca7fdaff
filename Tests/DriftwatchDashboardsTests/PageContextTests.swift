@testable import DriftwatchAnalysis
@testable import DriftwatchDashboards
import Foundation
import Testing

/// Issue #15 item 4: one range on every page, incidents shaded on the charts of their scope, and per-tool
/// numbers from one computation.
@Suite struct PageContextTests {
    static let hour = RenderingTests.hour, t0 = RenderingTests.t0

    static func incident(id: String, task: String, from: Int64, to: Int64?) -> Incident {
        let resolved = to.map { ",\"resolved_at_us\":\($0)" } ?? ""
        let doc = """
        {"id":"\(id)","status":"\(to == nil ? "open" : "resolved")","started_at":"x","detected_at":"x","updated_at":"x","metric":"success_rate",
         "scope":{"task":"\(task)"},"baseline":{"value":0.9,"n":1000},"current":{"value":0.6,"n":500},
         "p_value":1e-9,"adjusted_p_value":1e-8,"component":"model","confidence":0.9,"evidence":[],
         "recommendation":{"action":"rollback","summary":"roll back","details":{}},
         "severity":9,"primary_dimension":"","primary_value":"","started_at_us":\(from),"detected_at_us":\(from),"updated_at_us":\(from)\(resolved)}
        """
        return try! JSONDecoder().decode(Incident.self, from: Data(doc.utf8))
    }

    @Test func everyPageShowsTheSameConfiguredRangeInItsHeader() throws {
        let defs = DashboardDefinitionLoader().defaults()
        #expect(defs.allSatisfy { $0.rangeMicros == nil }, "shipped pages do not set their own range")
        for (range, label) in [(DashboardRenderer.defaultRangeMicros, "Last 7 d: "), (24 * Self.hour, "Last 24 h: ")] {
            // The configured range's pages (at the root; the 24 h and 30 d ones are in their directories).
            let pages = DashboardRenderer(rangeMicros: range).renderAll(defs, snapshot: RenderingTests.snapshot).filter { !$0.fileName.contains("/") }
            let headers = Set(pages.map { $0.html.components(separatedBy: "<p class=\"range\" data-range>")[1].components(separatedBy: "</p>")[0] })
            #expect(headers.count == 1, "\(headers)")
            #expect(headers.first!.hasPrefix(label), "\(headers)")
            #expect(headers.first!.hasSuffix("2025-01-06 03:00 UTC"))
        }
        // A page with its own range says so in its header.
        var custom = defs[0]
        custom.rangeMicros = 2 * Self.hour
        let html = DashboardRenderer().render(custom, snapshot: RenderingTests.snapshot, navigation: defs)
        #expect(html.contains("data-range>Last 2 h: 2025-01-06 01:00 – 2025-01-06 03:00 UTC</p>"))
    }

    @Test func incidentsAreShadedOnTheChartsOfTheirTaskAndLinkToTheirPage() {
        var snapshot = RenderingTests.snapshot
        snapshot.incidents = [Self.incident(id: "inc-refunds", task: "refunds", from: Self.t0 + Self.hour, to: Self.t0 + 2 * Self.hour),
                              Self.incident(id: "inc-elsewhere", task: "not-on-this-page", from: Self.t0, to: nil)]
        let overview = RenderingTests.page("overview", snapshot)
        let charts = overview.components(separatedBy: "<svg ").count - 1
        let bands = overview.components(separatedBy: "class=\"incident-band\"").count - 1
        #expect(charts > 0 && bands == charts, "one band per time chart showing refunds: \(bands) of \(charts)")
        #expect(overview.contains("<a href=\"incidents/inc-refunds.html\"><rect class=\"incident-tab\""))
        #expect(!overview.contains("inc-elsewhere"), "an incident of a task no chart shows is not drawn")
        let incidents = RenderingTests.page("incidents", snapshot)
        #expect(incidents.contains("<article id=\"incident-inc-refunds\""))
    }

    static var toolSnapshot: DashboardSnapshot {
        func counters(_ tools: [(String, Int64, Int64, Int64)], requests: Int64, toolLatency: Double = 0,
                      called: Int64 = 0, expected: Int64 = 0, hits: Int64 = 0) -> MetricCounters {
            var c = RenderingTests.counters(requests: requests, successes: requests)
            c.tools = tools.map { MetricCounters.ToolCount(name: $0.0, calls: $0.1, errors: $0.2, timeouts: $0.3) }
            c.stageLatencySums[1] = toolLatency
            c.toolsCalled = called; c.toolsExpected = expected; c.toolPrecisionHits = hits; c.toolRecallHits = hits
            return c
        }
        // 100 requests of "agent" each call search and lookup; search fails 20 times, lookup never.
        let both = [("search", Int64(100), Int64(20), Int64(5)), ("lookup", Int64(100), Int64(0), Int64(0))]
        return DashboardSnapshot(
            generatedAtMicros: t0 + 2 * hour, dataThroughMicros: t0 + hour + 1, bucketMicros: hour,
            rollups: [
                RenderingTests.row(0, ScopeKey(task: "agent"), counters(both, requests: 100, called: 200, expected: 200, hits: 200)),
                RenderingTests.row(0, ScopeKey(task: "agent", dimension: "tool", value: "search@1"), counters(both, requests: 100, toolLatency: 5000)),
                RenderingTests.row(0, ScopeKey(task: "agent", dimension: "tool", value: "lookup@2"), counters(both, requests: 100, toolLatency: 5000)),
                // A task that expects no tools but calls one now and then.
                RenderingTests.row(0, ScopeKey(task: "chat"), counters([("lookup", 3, 0, 0)], requests: 50, called: 3)),
            ])
    }

    @Test func toolsPageIsPerToolWithOneErrorRatePerTool() {
        let html = RenderingTests.page("tools", Self.toolSnapshot)
        // The tool table and the version table agree: search fails 20% of its calls, lookup 0%; neither is the
        // request-level blend (20 of 200 calls, 10%).
        #expect(RenderingTests.cell(html, row: "search", metric: "tool_error_rate") == "20.0%")
        #expect(RenderingTests.cell(html, row: "lookup", metric: "tool_error_rate") == "0.0%")
        #expect(RenderingTests.cell(html, row: "search@1", metric: "tool_error_rate") == "20.0%")
        #expect(RenderingTests.cell(html, row: "lookup@2", metric: "tool_error_rate") == "0.0%")
        #expect(RenderingTests.cell(html, row: "search", metric: "tool_latency") == "50 ms")
        // The error-rate chart has one series per tool, not per task.
        let errorPanel = html.components(separatedBy: "<h2 id=\"p1-h\">")[1].components(separatedBy: "</section>")[0]
        #expect(errorPanel.contains("<title>search</title>") && errorPanel.contains("<title>lookup</title>"))
        #expect(!errorPanel.contains("<title>agent</title>"))
        // No precision for a task that expects no tools.
        #expect(RenderingTests.cell(html, row: "chat", metric: "tool_precision") == "–")
        #expect(RenderingTests.cell(html, row: "agent", metric: "tool_precision") == "100.0%")
    }
}
