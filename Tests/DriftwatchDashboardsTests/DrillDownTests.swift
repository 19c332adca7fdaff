import DriftwatchAnalysis
@testable import DriftwatchDashboards
import DriftwatchTesting
import Foundation
import Testing

/// Issue #15 acceptance: the drill-down path overview chart → incident → version → example request ids works by
/// clicking in Chromium. A small driver script, added to a copy of each page (without the CSP, which would refuse
/// it), does at each page what a reader does: it finds the next link, scrolls it into view, takes the element
/// a pointer at the link's centre would hit (`elementFromPoint`, so a link covered by another element fails) and
/// clicks it with a mouse event; the browser follows the link. The trail survives navigation in `window.name`,
/// and the last page records it with the example ids it shows.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["DRIFTWATCH_SKIP_BROWSER_TESTS"] == nil))
struct DrillDownTests {
    static let defaultSteps = [
        "svg a[href*=\"incidents/\"] rect.incident-tab",  // the overview chart's incident band
        "a[data-drill=\"version\"]",  // the incident's version page
        "a[data-drill=\"examples\"]",  // that version's incident examples
    ]

    static func driver(_ steps: [String]) -> String {
        let list = String(decoding: try! JSONSerialization.data(withJSONObject: steps), as: UTF8.self)
        return """
        (function(){
        var steps=\(list);
        var trail=[];try{trail=JSON.parse(window.name||'[]');}catch(e){}
        function here(){var p=location.pathname.split('/');return decodeURIComponent(p.slice(-2).join('/'))+location.hash;}
        function finish(note){trail.push({page:here(),note:note});
          var ids=[];var scope=location.hash?document.getElementById(location.hash.slice(1)):document;
          if(scope)scope.querySelectorAll('[data-request-id]').forEach(function(e){ids.push(e.textContent);});
          document.body.setAttribute('data-trail',JSON.stringify(trail));document.body.setAttribute('data-ids',JSON.stringify(ids));}
        window.addEventListener('load',function(){
          var k=trail.length;
          if(k>=steps.length){finish('end');return;}
          var el=document.querySelector(steps[k]);
          if(!el){finish('missing '+steps[k]);return;}
          el.scrollIntoView({block:'center',inline:'center'});
          var r=el.getBoundingClientRect(),x=r.left+r.width/2,y=r.top+r.height/2,hit=document.elementFromPoint(x,y);
          if(!hit||!(hit===el||el.contains(hit))){finish('covered: '+steps[k]+' hit '+(hit?hit.tagName+'.'+hit.getAttribute('class'):'nothing'));return;}
          trail.push({page:here(),clicked:(el.closest('a')||el).getAttribute('href')});
          window.name=JSON.stringify(trail);
          hit.dispatchEvent(new MouseEvent('click',{bubbles:true,cancelable:true,view:window,clientX:x,clientY:y,button:0}));
        });
        })();
        """
    }

    struct Step: Decodable { var page: String; var clicked: String?; var note: String? }

    /// Writes every page with the driver and starts at `overview.html`; returns the trail and the ids shown at the end.
    static func click(through pages: [DashboardRenderer.Page], steps: [String] = defaultSteps) async throws -> (trail: [Step], ids: [String]) {
        let directory = TemporaryDirectory(prefix: "dw-drill")
        let script = driver(steps)
        try BrowserTests.write(pages, to: directory) { html in
            var lines = html.components(separatedBy: "\n")
            lines.removeAll { $0.hasPrefix("<meta http-equiv=\"Content-Security-Policy\"") }
            return lines.joined(separator: "\n").replacingOccurrences(of: "</body>", with: "<script>\(script)</script>\n</body>")
        }
        let load = try await Chromium.load(directory.file("overview.html"), width: 1400, height: 1000, budget: 20_000)
        let trail = try #require(attribute(load.dom, "data-trail"), "the driver did not finish: \(load.dom.prefix(300))")
        let ids = try #require(attribute(load.dom, "data-ids"))
        return (try JSONDecoder().decode([Step].self, from: Data(trail.utf8)), try JSONDecoder().decode([String].self, from: Data(ids.utf8)))
    }

    static func attribute(_ dom: String, _ name: String) -> String? {
        guard let start = dom.range(of: "\(name)=\"") else { return nil }
        return dom[start.upperBound...].prefix { $0 != "\"" }.replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func overviewChartToIncidentToVersionToExampleRequestIDs() async throws {
        var snapshot = try WorkloadSnapshot.make(hours: 8, rate: 30, inject: ["retrieval_index_change@3h", "tool_outage@5h"]).snapshot
        // Example ids per incident, as the runner reads them from the export or the store.
        for incident in snapshot.incidents {
            snapshot.examples[incident.id] = IncidentExamples(requestIDs: (1...5).map { "\(incident.id)-req-\($0)" })
        }
        let pages = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: snapshot)
        let (trail, ids) = try await Self.click(through: pages)
        #expect(trail.count == 4, "\(trail.map { "\($0.page) \($0.clicked ?? $0.note ?? "")" })")
        guard trail.count == 4 else { return }
        #expect(trail[0].page.hasSuffix("/overview.html"), "\(trail[0].page)")
        #expect(trail[1].page.hasPrefix("incidents/") && trail[1].page.hasSuffix(".html"), "\(trail[1].page)")
        #expect(trail[2].page.hasPrefix("versions/"), "\(trail[2].page)")
        #expect(trail[3].page.hasPrefix("incidents/") && trail[3].page.hasSuffix(".html#examples") && trail[3].note == "end", "\(trail[3].page)")
        // The ids shown are those of the incident whose band was clicked first, and of no other.
        let incident = String(trail[1].page.dropFirst("incidents/".count).dropLast(".html".count))
        #expect(snapshot.incidents.contains { $0.id == incident })
        #expect(trail[3].page == "incidents/\(incident).html#examples", "the examples reached are the first incident's")
        #expect(ids == (1...5).map { "\(incident)-req-\($0)" })
    }

    /// The driver can fail: a link hidden under another element is not clicked, and a missing link is reported.
    @Test func aCoveredOrMissingLinkStopsThePath() async throws {
        var snapshot = try WorkloadSnapshot.make(hours: 8, rate: 30, inject: ["retrieval_index_change@3h"]).snapshot
        for incident in snapshot.incidents { snapshot.examples[incident.id] = IncidentExamples(requestIDs: ["x"]) }
        let pages = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: snapshot)
        // Cover the overview's first chart with an opaque box.
        let covered = pages.map { page in
            page.fileName != "overview.html" ? page : DashboardRenderer.Page(fileName: page.fileName, html: page.html.replacingOccurrences(
                of: "<section class=\"panel\"", with: "<div style=\"position:fixed;inset:0;background:#fff;z-index:9\"></div><section class=\"panel\"", options: [], range: page.html.range(of: "<section class=\"panel\"")))
        }
        let (blocked, _) = try await Self.click(through: covered)
        #expect(blocked.count == 1 && (blocked[0].note ?? "").hasPrefix("covered:"), "\(blocked.map { $0.note ?? $0.clicked ?? "" })")
        let (missing, _) = try await Self.click(through: pages, steps: ["a[data-drill=\"no-such-link\"]"])
        #expect(missing.count == 1 && missing[0].note == "missing a[data-drill=\"no-such-link\"]")
    }
}
