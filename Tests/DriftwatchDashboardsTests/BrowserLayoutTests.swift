import DriftwatchAnalysis
import DriftwatchRuntime
@testable import DriftwatchDashboards
import DriftwatchTesting
import Foundation
import Logging
import Testing

/// Issue #15 item 4: the pages laid out by a real browser at a wide and a narrow window. A measuring script,
/// added to a copy of each page (without the CSP, which would refuse it), reads element boxes: nothing
/// sticks out of its card (tables scroll inside their wrapper instead), no header column is narrower than its
/// longest word, and no two SVG texts overlap.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["DRIFTWATCH_SKIP_BROWSER_TESTS"] == nil))
struct BrowserLayoutTests {
    static let measure = """
    (function(){
    var problems=[];
    function name(e){var c=e.getAttribute('class');return e.tagName.toLowerCase()+(c?'.'+c:'')+' "'+(e.textContent||'').trim().slice(0,40)+'"';}
    document.querySelectorAll('section.panel').forEach(function(card){
      var c=card.getBoundingClientRect();
      card.querySelectorAll('*').forEach(function(e){
        var s=e.closest('.scroll');if((s&&s!==e)||e.closest('.sr'))return;
        var r=e.getBoundingClientRect();if(r.width===0&&r.height===0)return;
        if(r.right>c.right+1||r.left<c.left-1)problems.push('overflows its card: '+name(e)+' '+Math.round(r.left)+'..'+Math.round(r.right)+' card '+Math.round(c.left)+'..'+Math.round(c.right));
        else if(e instanceof SVGElement){var g=e.ownerSVGElement&&e.ownerSVGElement.getBoundingClientRect();if(g&&(r.right>g.right+1||r.left<g.left-1))problems.push('cut off by its chart: '+name(e)+' '+Math.round(r.left)+'..'+Math.round(r.right)+' chart '+Math.round(g.left)+'..'+Math.round(g.right));}
        else if(e.clientWidth>0&&e.scrollWidth>e.clientWidth+1&&getComputedStyle(e).overflowX==='visible')problems.push('overflows its card: '+name(e)+' content '+e.scrollWidth+' in '+e.clientWidth);
      });
      if(card.scrollWidth>card.clientWidth+1)problems.push('card content wider than the card: '+name(card));
    });
    var ctx=document.createElement('canvas').getContext('2d');
    document.querySelectorAll('thead th').forEach(function(th){
      if(th.getBoundingClientRect().width===0)return;
      var cs=getComputedStyle(th);ctx.font=cs.font;
      var inner=th.clientWidth-parseFloat(cs.paddingLeft)-parseFloat(cs.paddingRight);
      th.textContent.split(/\\s+/).forEach(function(w){var ww=ctx.measureText(w).width;if(w&&ww>inner+1)problems.push('column narrower than its header word: '+name(th)+' '+Math.round(ww)+' > '+Math.round(inner));});
    });
    document.querySelectorAll('svg').forEach(function(svg){
      var boxes=[];
      svg.querySelectorAll('text').forEach(function(t){var r=t.getBoundingClientRect();if(r.width>0)boxes.push([t,r]);});
      for(var i=0;i<boxes.length;i++)for(var j=i+1;j<boxes.length;j++){var a=boxes[i][1],b=boxes[j][1];
        var ox=Math.min(a.right,b.right)-Math.max(a.left,b.left),oy=Math.min(a.bottom,b.bottom)-Math.max(a.top,b.top);
        if(ox>2&&oy>3)problems.push('labels overlap: '+name(boxes[i][0])+' / '+name(boxes[j][0]));}
    });
    document.body.setAttribute('data-checked',String(document.querySelectorAll('section.panel').length));
    document.body.setAttribute('data-problems',JSON.stringify(problems.slice(0,40)));
    })();
    """

    /// `html` with the CSP removed and the measuring script appended.
    static func instrumented(_ html: String) -> String {
        var lines = html.components(separatedBy: "\n")
        lines.removeAll { $0.hasPrefix("<meta http-equiv=\"Content-Security-Policy\"") }
        return lines.joined(separator: "\n").replacingOccurrences(of: "</body>", with: "<script>\(measure)</script>\n</body>")
    }

    /// The problems the script recorded (nil: it did not run).
    static func problems(_ dom: String) throws -> [String]? {
        guard let start = dom.range(of: "data-problems=\"") else { return nil }
        let raw = dom[start.upperBound...].prefix { $0 != "\"" }
        let json = raw.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode([String].self, from: Data(json.utf8))
    }

    /// Every kind of page — the range pages, each incident's page, each version page, and the overview in the
    /// 24 h and 30 d ranges — at both widths; each page under 2 MB; screenshots at 1400 px kept for a person.
    @Test(arguments: [1400, 800])
    func pagesFitTheirCards(width: Int) async throws {
        let w = try WorkloadSnapshot.make(hours: 8, rate: 30, inject: ["retrieval_index_change@3h", "tool_outage@5h"])
        var snapshot = w.snapshot
        for incident in snapshot.incidents {
            snapshot.examples[incident.id] = IncidentExamples(requestIDs: (1...20).map { "req-\(incident.id)-\($0)-2026-12-07T10:00:00Z" })
        }
        let directory = TemporaryDirectory(prefix: "dw-layout")
        let pages = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: snapshot)
        for page in pages { #expect(page.html.utf8.count < 2_000_000, "\(page.fileName) is \(page.html.utf8.count) bytes") }
        let checked = pages.filter { page in
            page.fileName != "index.html" && (!page.fileName.contains("/") || page.fileName.hasPrefix("incidents/") || page.fileName.hasPrefix("versions/")
                || page.fileName == "24h/overview.html" || page.fileName == "30d/overview.html")
        }
        #expect(checked.contains { $0.fileName.hasPrefix("incidents/") } && checked.contains { $0.fileName.hasPrefix("versions/") })
        try BrowserTests.write(checked, to: directory, Self.instrumented)
        for page in checked {
            let load = try await Chromium.load(directory.file(page.fileName), screenshot: width == 1400, width: width, height: 1400)
            let problems = try #require(try Self.problems(load.dom), "\(page.fileName): the measuring script did not run")
            #expect(problems.isEmpty, "\(page.fileName) at \(width) px: \(problems)")
            #expect(load.dom.contains("data-layout=\"ok\""), "\(page.fileName) at \(width) px overflows the window")
            if let png = load.screenshot { try Chromium.keep(png, as: "layout-\(width)-\(page.fileName).png") }
        }
    }

    /// The pages of a 10-million-record store (many tasks, versions and tools): the overview, tools and versions
    /// pages, the biggest version page and the 30 d overview lay out at both widths.
    @Test func tenMillionRecordPagesFitTheirCards() async throws {
        let directory = TemporaryDirectory(prefix: "dw-layout-scale")
        let (store, _, _) = try DashboardScaleTests.tenMillionRecordStore(in: directory)
        let runner = try DashboardRunner(store: store, configuration: DriftwatchConfiguration(), logger: Logger(label: "test"))
        let pages = try runner.render(to: nil).pages
        let biggestVersionPage = try #require(pages.filter { $0.fileName.hasPrefix("versions/") }.max { $0.html.utf8.count < $1.html.utf8.count })
        let checked = pages.filter { ["overview.html", "tools.html", "versions.html", "30d/overview.html", biggestVersionPage.fileName].contains($0.fileName) }
        #expect(checked.count == 5)
        try BrowserTests.write(checked, to: directory, Self.instrumented)
        for width in [1400, 800] {
            for page in checked {
                let load = try await Chromium.load(directory.file(page.fileName), screenshot: width == 1400, width: width, height: 1400)
                let problems = try #require(try Self.problems(load.dom), "\(page.fileName): the measuring script did not run")
                #expect(problems.isEmpty, "10M store, \(page.fileName) at \(width) px: \(problems)")
                #expect(load.dom.contains("data-layout=\"ok\""), "10M store, \(page.fileName) at \(width) px overflows the window")
                if let png = load.screenshot { try Chromium.keep(png, as: "layout-10M-\(width)-\(page.fileName).png") }
            }
        }
    }

    /// Many deploys close together (model, template, index and tool versions within minutes), with long
    /// version names sharing a prefix, and a long incident: the real font's label boxes must not overlap.
    @Test func crowdedDeployLabelsDoNotOverlap() async throws {
        var snapshot = RenderingTests.snapshot
        let t0 = RenderingTests.t0, minute: Int64 = 60_000_000
        for (k, component) in ["model:m", "template:refund_answer", "index", "tool:refund_api", "model:m", "index", "template:refund_answer", "tool:search"].enumerated() {
            snapshot.versions.append(.init(component: component, version: "2026-12-01-build-\(1000 + k)-WWWWWWWW",
                                           firstSeenMicros: t0 + RenderingTests.hour + Int64(k * 4) * minute,
                                           lastSeenMicros: t0 + 2 * RenderingTests.hour, requests: 10))
            snapshot.versions.append(.init(component: component, version: "0", firstSeenMicros: t0 - 100 * RenderingTests.hour,
                                           lastSeenMicros: t0, requests: 10))
        }
        snapshot.incidents = [PageContextTests.incident(id: "inc-1", task: "refunds", from: t0 + RenderingTests.hour, to: nil)]
        let html = DashboardRenderer().render(DashboardDefinitionLoader().defaults()[0], snapshot: snapshot, navigation: DashboardDefinitionLoader().defaults())
        #expect(html.components(separatedBy: "<g class=\"marker\">").count - 1 >= 16, "every deploy drawn on the first two charts")
        let directory = TemporaryDirectory(prefix: "dw-layout-deploys")
        try AtomicFileWriter.write(Self.instrumented(html), to: directory.file("overview.html"))
        for width in [1400, 800] {
            let load = try await Chromium.load(directory.file("overview.html"), screenshot: width == 800, width: width, height: 1200)
            let problems = try #require(try Self.problems(load.dom))
            #expect(problems.isEmpty, "at \(width) px: \(problems)")
            if let png = load.screenshot { try Chromium.keep(png, as: "layout-deploys-800.png") }
        }
    }

    /// The measurement can fail: a wide unbreakable line outside a scroller, and overlapping SVG labels.
    @Test func theMeasurementCatchesOverflowAndOverlap() async throws {
        let directory = TemporaryDirectory(prefix: "dw-layout-bad")
        let page = DashboardRenderer().render(DashboardDefinitionLoader().defaults()[0], snapshot: RenderingTests.snapshot, navigation: [])
        let bad = page.replacingOccurrences(of: "</section>", with: "<p>\(String(repeating: "x", count: 400))</p><svg width=\"300\" height=\"40\"><text x=\"10\" y=\"20\">overlapping</text><text x=\"14\" y=\"22\">overlapping</text></svg></section>")
        try AtomicFileWriter.write(Self.instrumented(bad), to: directory.file("bad.html"))
        let load = try await Chromium.load(directory.file("bad.html"), width: 800, height: 1200)
        let problems = try #require(try Self.problems(load.dom))
        #expect(problems.contains { $0.hasPrefix("overflows its card: p") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("labels overlap:") }, "\(problems)")
    }
}
