@testable import DriftwatchAnalysis
import DriftwatchDrift
@testable import DriftwatchDashboards
import Foundation
import Testing

/// Issue #15 items 4 and 5: a page per incident, version pages, every page in three ranges, links that lead
/// somewhere, and a drift page without repeated charts.
@Suite struct IncidentPageTests {
    static let workload: WorkloadSnapshot = try! WorkloadSnapshot.make(hours: 8, rate: 30, inject: ["retrieval_index_change@3h", "tool_outage@5h"])

    /// The workload's snapshot with example ids and outbox notifications for its first incident.
    static var annotated: (DashboardSnapshot, Incident) {
        var snapshot = workload.snapshot
        let incident = snapshot.incidents[0]
        snapshot.examples[incident.id] = IncidentExamples(requestIDs: ["req-a1", "req-b2", "req o'3"], labels: ["failing", "failing", "passing"],
                                                          exportPath: "/var/lib/driftwatch/exports/\(incident.id).jsonl", total: 57)
        let other = snapshot.incidents.count > 1 ? snapshot.incidents[1].id : "inc-none"
        snapshot.notifications = [
            NotificationSummary(id: "n2", receiver: "pager", kind: "pagerduty", event: "resolved", incidentIDs: [incident.id],
                                createdAtMicros: incident.detectedAtMicros + 7_200_000_000, status: "pending", attempts: 2,
                                deliveredAtMicros: nil, lastError: "pager: events.pagerduty.com: HTTP 503 Service Unavailable"),
            NotificationSummary(id: "n1", receiver: "chat", kind: "slack", event: "firing", incidentIDs: [incident.id],
                                createdAtMicros: incident.detectedAtMicros + 60_000_000, status: "delivered", attempts: 1,
                                deliveredAtMicros: incident.detectedAtMicros + 61_000_000, lastError: nil),
            NotificationSummary(id: "n3", receiver: "someone-else", kind: "email", event: "firing", incidentIDs: [other],
                                createdAtMicros: incident.detectedAtMicros, status: "delivered", attempts: 1, deliveredAtMicros: nil, lastError: nil),
        ]
        return (snapshot, incident)
    }

    static func pages(_ snapshot: DashboardSnapshot, range: Int64 = DashboardRenderer.defaultRangeMicros) -> [String: String] {
        Dictionary(uniqueKeysWithValues: DashboardRenderer(rangeMicros: range).renderAll(DashboardDefinitionLoader().defaults(), snapshot: snapshot).map { ($0.fileName, $0.html) })
    }

    /// The inner text of the section with `id`.
    static func section(_ html: String, _ id: String) -> String {
        guard let start = html.range(of: "<section class=\"panel\" id=\"\(id)\"") else { return "" }
        let rest = html[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</section>")?.upperBound ?? rest.endIndex)])
    }

    @Test func theIncidentPageHasItsNumbersTimelineEvidenceExamplesAndNotifications() throws {
        let (snapshot, incident) = Self.annotated
        #expect(!Self.workload.snapshot.incidents.isEmpty)
        let pages = Self.pages(snapshot)
        let html = try #require(pages["incidents/\(incident.id).html"])
        // Headline: baseline → latest of the incident's own metric.
        let latest = incident.latest ?? incident.current
        #expect(Self.section(html, "headline").contains("\(Format.percent(incident.baseline.value)) → \(Format.percent(latest.value))"))
        // Timeline: onset, detection (and resolution) as event lines, the incident shaded.
        let timeline = Self.section(html, "timeline")
        #expect(timeline.contains("<svg class=\"chart\""))
        #expect(timeline.contains("<title>onset at \(TimeFormat.minute(incident.startedAtMicros)) UTC</title>"))
        #expect(timeline.contains("<title>detected at \(TimeFormat.minute(incident.detectedAtMicros)) UTC</title>"))
        if let resolved = incident.resolvedAtMicros {
            #expect(timeline.contains("<title>resolved at \(TimeFormat.minute(resolved)) UTC</title>"))
        }
        #expect(timeline.components(separatedBy: "class=\"incident-band\"").count == 2)
        // Evidence: one row per signal.
        let evidence = Self.section(html, "evidence")
        #expect(!incident.evidence.isEmpty)
        #expect(evidence.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == min(incident.evidence.count, 100))
        // Cohorts of the task, before and during.
        #expect(Self.section(html, "cohorts").contains("<table data-cohorts>"))
        // Examples: every id, and commands that print them (quoted for a shell where needed).
        let examples = Self.section(html, "examples")
        for id in ["req-a1", "req-b2", "req o&#39;3"] { #expect(examples.contains("<code data-request-id>\(id)</code>"), "\(id)") }
        #expect(examples.contains("driftwatch records --ids-from /var/lib/driftwatch/exports/\(incident.id).jsonl"))
        #expect(examples.contains("driftwatch records --id req-a1 --id req-b2 --id &#39;req o&#39;\\&#39;&#39;3&#39;"))
        // Notifications: this incident's two, oldest first, with the delivery error; not the other incident's.
        let notes = Self.section(html, "notifications")
        #expect(notes.contains("data-notifications=\"2\""))
        #expect(notes.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 2)
        let chat = try #require(notes.range(of: "chat")), pager = try #require(notes.range(of: "pager"))
        #expect(chat.lowerBound < pager.lowerBound)
        #expect(notes.contains("HTTP 503 Service Unavailable") && !notes.contains("someone-else"))
        // Recommendation shown whole.
        #expect(Self.section(html, "recommendation").contains(HTML.escape(incident.recommendation.summary)))
    }

    @Test func withoutAnExportThePageGivesTheQueryThatFindsTheExamples() throws {
        var snapshot = Self.workload.snapshot
        let incident = snapshot.incidents[0]
        snapshot.examples[incident.id] = IncidentExamples(requestIDs: ["r1", "r2"])
        let html = try #require(Self.pages(snapshot)["incidents/\(incident.id).html"])
        let examples = Self.section(html, "examples")
        let query = ExampleQuery(incident: incident)
        #expect(query.task == incident.task && query.fromMicros == incident.startedAtMicros && query.toMicros == incident.resolvedAtMicros)
        #expect(examples.contains(HTML.escape(DashboardRenderer.command(["records"] + query.arguments))))
        #expect(examples.contains("driftwatch records --id r1 --id r2"))
        #expect(!examples.contains("--ids-from"))
    }

    @Test func exampleQueriesNarrowToTheIncidentsScope() {
        var incident = PageContextTests.incident(id: "inc-1", task: "refunds", from: 1_736_121_600_000_000, to: 1_736_125_200_000_000)
        incident.primaryScope = ScopeKey(task: "refunds", dimension: Dimension.model, value: "support-ft@ft-8")
        #expect(ExampleQuery(incident: incident).arguments == ["--task", "refunds", "--from", "2025-01-06T00:00:00Z", "--to", "2025-01-06T01:00:00Z",
                                                               "--outcome", "failure", "--model", "support-ft", "--model-version", "ft-8", "--limit", "20"])
        incident.primaryScope = ScopeKey(task: "refunds", dimension: "language", value: "de")
        #expect(ExampleQuery(incident: incident).arguments.suffix(4) == ["--slice", "language=de", "--limit", "20"])
        #expect(DashboardRenderer.shellQuoted("a b") == "'a b'" && DashboardRenderer.shellQuoted("it's") == "'it'\\''s'")
        #expect(DashboardRenderer.shellQuoted("language=de") == "language=de")
    }

    /// Every relative link of every page (navigation, range switcher, incident bands and lists, version pages,
    /// anchors) names a generated page, and its `#fragment` an element of that page.
    @Test(arguments: [DashboardRenderer.defaultRangeMicros, Int64(24 * 3_600_000_000)] as [Int64])
    func everyLinkLeadsToAGeneratedPage(range: Int64) throws {
        let pages = Self.pages(Self.annotated.0, range: range)
        var checked = 0
        for (name, html) in pages {
            for href in html.components(separatedBy: "href=\"").dropFirst().map({ String($0.prefix { $0 != "\"" }) }) {
                guard !href.hasPrefix("file:"), !href.hasPrefix("/") else { continue }
                let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                var target = name
                if !parts[0].isEmpty {
                    var path = name.split(separator: "/").dropLast().map(String.init)
                    for segment in parts[0].split(separator: "/").map(String.init) {
                        if segment == ".." { #expect(!path.isEmpty, "\(name): \(href) leaves the site"); path = Array(path.dropLast()) } else { path.append(Self.percentDecode(segment)) }
                    }
                    target = path.joined(separator: "/")
                }
                let page = pages[target]
                #expect(page != nil, "\(name): \(href) → \(target) is not a generated page")
                if parts.count == 2, let page {
                    #expect(page.contains("id=\"\(parts[1])\""), "\(name): \(href) → no element #\(parts[1]) in \(target)")
                }
                checked += 1
            }
        }
        #expect(checked > 300)
        // The configured range at the root, 24 h and 30 d beside it (24 h is not written twice).
        let directories = Set(pages.keys.compactMap { $0.contains("/") ? String($0.split(separator: "/")[0]) : nil })
        #expect(directories == (range == 24 * 3_600_000_000 ? ["30d", "incidents", "versions"] : ["24h", "30d", "incidents", "versions"]))
    }

    static func percentDecode(_ s: String) -> String {
        let u = Array(s.utf8)
        var bytes: [UInt8] = []
        var k = 0
        while k < u.count {
            if u[k] == UInt8(ascii: "%"), k + 2 < u.count, let v = UInt8(String(decoding: u[(k + 1)...(k + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                k += 3
            } else {
                bytes.append(u[k])
                k += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func eachRangeCoversItsOwnTimeAndTheSwitcherMarksIt() throws {
        let pages = Self.pages(Self.workload.snapshot)
        for (path, label) in [("overview.html", "Last 7 d: "), ("24h/overview.html", "Last 24 h: "), ("30d/overview.html", "Last 30 d: "),
                              ("24h/versions/model_version.html", "Last 24 h: ")] {
            let html = try #require(pages[path], "\(path)")
            #expect(html.contains("<p class=\"range\" data-range>\(label)"), "\(path)")
            let current = html.components(separatedBy: "<nav class=\"ranges\"")[1].components(separatedBy: "aria-current=\"page\">")
            #expect(current.count == 2 && current[1].hasPrefix(label.dropFirst(5).dropLast(2)), "\(path): the switcher marks its own range")
        }
        // The workload is 8 h long: the 24 h overview starts its charts at the data, the 30 d one at a coarser resolution.
        #expect(pages["30d/overview.html"]!.contains("resolution 3 h"))
        #expect(pages["overview.html"]!.contains("resolution 1 h"))
    }

    @Test func chartBandsAndIncidentListsLinkToTheIncidentPage() throws {
        let (snapshot, incident) = Self.annotated
        let pages = Self.pages(snapshot)
        #expect(pages["overview.html"]!.contains("<a href=\"incidents/\(incident.id).html\"><rect class=\"incident-tab\""))
        #expect(pages["24h/overview.html"]!.contains("<a href=\"../incidents/\(incident.id).html\"><rect class=\"incident-tab\""))
        #expect(pages["incidents.html"]!.contains("<a href=\"incidents/\(incident.id).html\" data-drill=\"incident\">"))
        let incidentPage = pages["incidents/\(incident.id).html"]!
        #expect(incidentPage.contains("data-drill=\"version\""))
        #expect(incidentPage.contains("href=\"../slices.html\" data-drill=\"slices\""))
    }

    @Test func theVersionPageComparesCanaryAndStableAndLinksToExamples() throws {
        let (snapshot, _) = Self.annotated
        let pages = Self.pages(snapshot)
        for incident in snapshot.incidents {
            // The incident page's first version link, followed.
            let html = try #require(pages["incidents/\(incident.id).html"])
            let link = try #require(html.components(separatedBy: "\" data-drill=\"version\"").first?.components(separatedBy: "href=\"").last)
            #expect(link.hasPrefix("../versions/") && link.hasSuffix("#\(Site.taskAnchor(incident.task))"), "\(link)")
            let target = String(link.dropFirst(3).prefix { $0 != "#" })
            let version = try #require(pages[target], "\(target)")
            #expect(version.contains("id=\"\(Site.taskAnchor(incident.task))\""))
            #expect(version.contains("href=\"../incidents/\(incident.id).html#examples\" data-drill=\"examples\""), "\(target) links to the examples of \(incident.id)")
        }
        let index = try #require(pages["versions/index_version.html"])
        #expect(index.contains("<tr data-role=\"canary\">") && index.contains("<tr data-role=\"stable\">"))
        #expect(index.contains("canary: ") && index.contains("stable: "), "the chart's series are named by role")
    }

    /// The drift page draws one chart per drifted feature, however many scopes it drifted in, with legends of
    /// boxes for its bar charts, and recommendations shown whole.
    @Test func theDriftPageDrawsEachFeatureOnce() throws {
        let report = try #require(Self.workload.snapshot.drift)
        let html = try #require(Self.pages(Self.workload.snapshot)["drift.html"])
        let features = Set(report.drifted.map(\.feature))
        #expect(report.drifted.count > features.count, "the workload drifts some feature in several scopes")
        let shown = min(features.count, 12)
        #expect(html.components(separatedBy: "<h3 data-feature>").count - 1 == shown)
        let charts = html.components(separatedBy: "<svg ").dropFirst().map { $0.components(separatedBy: "</svg>")[0].replacingOccurrences(of: #"p0-f\d+"#, with: "", options: .regularExpression) }
        #expect(charts.count == shown)
        #expect(Set(charts).count == charts.count, "no two identical charts")
        #expect(!html.contains("class=\"swatch\""), "bar charts have box legends, not line swatches")
        #expect(html.components(separatedBy: "<ul class=\"legend\"").count - 1 == shown)
        for r in report.recommendations.prefix(20) { #expect(html.contains(HTML.escape(r.reason)), "\(r.reason)") }
    }

    @Test func renderingIsDeterministic() {
        let (snapshot, _) = Self.annotated
        let a = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: snapshot)
        let b = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: snapshot)
        #expect(a == b)
        #expect(a.count == Set(a.map(\.fileName)).count, "no file written twice")
    }
}
