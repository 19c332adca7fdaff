@testable import DriftwatchDashboards
import DriftwatchTesting
import Foundation
import Testing

/// Opens rendered pages in headless Chromium. Requires Debian's `chromium` package; set
/// DRIFTWATCH_SKIP_BROWSER_TESTS=1 to skip them on a machine without it.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["DRIFTWATCH_SKIP_BROWSER_TESTS"] == nil))
struct BrowserTests {
    /// Writes `pages` (their subdirectories made), each through `transform`.
    static func write(_ pages: [DashboardRenderer.Page], to directory: TemporaryDirectory,
                      _ transform: (String) -> String = { $0 }) throws {
        for page in pages {
            let path = directory.file(page.fileName)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFileWriter.write(transform(page.html), to: path)
        }
    }

    @Test func chromiumIsInstalled() {
        #expect(Chromium.isAvailable, "install Debian's chromium package (apt-get install -y chromium)")
    }

    @Test func generatedWorkloadPagesLoadCleanlyWithTheExpectedNumbers() async throws {
        let w = try WorkloadSnapshot.make()
        let directory = TemporaryDirectory(prefix: "dw-pages")
        let pages = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: w.snapshot)
        try Self.write(pages, to: directory)
        // The range pages of the configured range (24 h and 30 d are the same code), and an incident and a version page.
        let shown = pages.filter { !$0.fileName.contains("/") && $0.fileName != "index.html" }
            + [pages.first { $0.fileName.hasPrefix("incidents/") }, pages.first { $0.fileName.hasPrefix("versions/") }].compactMap { $0 }
        #expect(shown.count == 9)
        for page in shown {
            let load = try await Chromium.load(directory.file(page.fileName), screenshot: page.fileName == "overview.html")
            #expect(load.consoleMessages.isEmpty, "\(page.fileName): \(load.consoleMessages)")
            #expect(load.pageRequests.isEmpty, "\(page.fileName): \(load.pageRequests)")
            #expect(load.dom.contains("data-layout=\"ok\""), "\(page.fileName) overflows horizontally or its script did not run")
            #expect(load.dom.contains("<title>Driftwatch — "))
            switch page.fileName {
            case "overview.html":
                #expect(load.dom.components(separatedBy: "<svg ").count - 1 == 8)
                for (task, count) in w.requestsByTask {
                    let rate = Format.percent(w.successRateByTask[task])
                    #expect(load.dom.contains("<th scope=\"row\"><bdi>\(task)</bdi></th><td class=\"num\" data-metric=\"requests\">\(Format.integer(Int64(count)))</td><td class=\"num\" data-metric=\"success_rate\">\(rate)</td>"),
                            "overview totals for \(task): \(count) requests, \(rate)")
                }
                let png = try #require(load.screenshot)
                #expect(png.count > 10_000)
                #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                try Chromium.keep(png, as: "dashboard-overview.png")
            case "incidents.html":
                #expect(load.dom.contains("data-panel=\"incidents\""))
                #expect(load.dom.contains("retrieval_fix"), "the injected index change is attributed to retrieval")
            case "versions.html":
                #expect(load.dom.contains("Win rate vs previous"))
            case "slices.html":
                #expect(load.dom.contains("class=\"heat\""))
            case "drift.html":
                #expect(load.dom.contains("data-drifted="))
            case "tools.html":
                #expect(load.dom.contains("data-metric=\"tool_precision\""))
            case let name where name.hasPrefix("incidents/"):
                #expect(load.dom.contains("data-panel=\"incident-timeline\"") && load.dom.contains("class=\"marker event\""))
            case let name where name.hasPrefix("versions/"):
                #expect(load.dom.contains("data-panel=\"version-history\""))
            default: break
            }
        }
    }

    /// The checks above can fail: a page loading an external image is caught by the network check, and the
    /// same page under our Content-Security-Policy is blocked and caught by the console check.
    @Test func externalLoadsAreCaught() async throws {
        let directory = TemporaryDirectory(prefix: "dw-external")
        let open = "<!DOCTYPE html><html><head><title>x</title></head><body><img alt=\"\" src=\"http://127.0.0.1:9/pixel.png\"></body></html>"
        try AtomicFileWriter.write(open, to: directory.file("open.html"))
        let loadOpen = try await Chromium.load(directory.file("open.html"))
        #expect(loadOpen.pageRequests == ["http://127.0.0.1:9/pixel.png"])

        let page = DashboardRenderer().render(DashboardDefinitionLoader().defaults()[0], snapshot: RenderingTests.snapshot, navigation: [])
        let injected = page.replacingOccurrences(of: "</main>", with: "<img alt=\"\" src=\"https://cdn.example.invalid/x.png\"></main>")
        try AtomicFileWriter.write(injected, to: directory.file("injected.html"))
        let loadInjected = try await Chromium.load(directory.file("injected.html"))
        #expect(loadInjected.pageRequests.isEmpty, "the CSP blocks the load")
        #expect(loadInjected.consoleMessages.contains { $0.contains("Content Security Policy") && $0.contains("cdn.example.invalid") })

        let script = page.replacingOccurrences(of: "</main>", with: "<script>console.error('oops')</script></main>")
        try AtomicFileWriter.write(script, to: directory.file("script.html"))
        #expect(!(try await Chromium.load(directory.file("script.html")).consoleMessages.isEmpty), "a script without the CSP hash is refused, and reported")
    }

    @Test func hostileContentDoesNotExecuteAndLayoutHolds() async throws {
        let w = try WorkloadSnapshot.make(hours: 3, rate: 30, hostile: true)
        let directory = TemporaryDirectory(prefix: "dw-hostile")
        let pages = DashboardRenderer().renderAll(DashboardDefinitionLoader().defaults(), snapshot: w.snapshot)
        try Self.write(pages, to: directory)
        // Range pages of the configured range, and every incident and version page (the hostile incident has one).
        let hostilePages = pages.filter { ($0.fileName.hasPrefix("incidents/") || $0.fileName.hasPrefix("versions/") || !$0.fileName.contains("/")) && $0.fileName != "index.html" }
        #expect(hostilePages.contains { $0.fileName == "incidents/\(HTML.percentEncode(WorkloadSnapshot.hostileScript)).html" })
        for page in hostilePages {
            let load = try await Chromium.load(directory.file(page.fileName), screenshot: page.fileName == "incidents.html")
            #expect(!load.dom.contains("pwned</title>") && !load.dom.contains("<title>1</title>"), "a hostile script ran in \(page.fileName)")
            #expect(load.dom.contains("<title>Driftwatch — "))
            #expect(load.consoleMessages.isEmpty, "\(page.fileName): \(load.consoleMessages)")
            #expect(load.pageRequests.isEmpty, "\(page.fileName): \(load.pageRequests)")
            #expect(load.dom.contains("data-layout=\"ok\""), "\(page.fileName) overflows horizontally")
            #expect(!load.dom.contains("<img"), "\(page.fileName)")
            if let png = load.screenshot {
                try Chromium.keep(png, as: "dashboard-hostile-incidents.png")
            }
        }
    }
}
