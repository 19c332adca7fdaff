import DriftwatchDashboards
import DriftwatchTesting
import Foundation

/// Headless Chromium (Debian's `chromium` package) driven from the command line: loads a page, dumps the DOM
/// after scripts ran, takes a screenshot, and reports console messages (from `--enable-logging=stderr`) and
/// every network request the page itself started (from `--log-net-log`; the browser's own background
/// requests carry the initiator "not an origin" and are ignored).
struct Chromium {
    static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool { executable != nil }

    struct Load {
        var dom: String
        var consoleMessages: [String]
        var pageRequests: [String]
        var screenshot: [UInt8]?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Loads `path` (a local file) and returns what happened. Chromium runs for seconds: it is waited for
    /// on a thread of its own, not on the cooperative pool (see `offPool`).
    /// `budget`: virtual milliseconds the page (and any page it navigates to) may take; virtual time stands still
    /// while the browser is busy, so a loaded machine does not cut it short.
    static func load(_ path: String, screenshot: Bool = false, width: Int = 1280, height: Int = 1600, budget: Int = 3000) async throws -> Load {
        try await offPool { try loadBlocking(path, screenshot: screenshot, width: width, height: height, budget: budget) }
    }

    private static func loadBlocking(_ path: String, screenshot: Bool, width: Int, height: Int, budget: Int) throws -> Load {
        guard let executable else { throw Failure(description: "chromium is not installed (apt-get install chromium)") }
        let work = TemporaryDirectory(prefix: "dw-chromium")
        let netlog = work.file("netlog.json")
        var common = [
            "--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir=\(work.file("profile"))",
            "--enable-logging=stderr", "--v=0", "--log-net-log=\(netlog)",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-default-apps", "--disable-extensions", "--no-pings", "--hide-scrollbars",
            "--virtual-time-budget=\(budget)", "--window-size=\(width),\(height)",
        ]
        // Each segment encoded: page file names are percent-encoded ids, which a URL must carry encoded once more.
        let url = "file://" + path.split(separator: "/", omittingEmptySubsequences: false).map { HTML.percentEncode(String($0)) }.joined(separator: "/")
        let dumped = try run(executable, common + ["--dump-dom", url], in: work)
        var load = Load(dom: dumped.stdout, consoleMessages: consoleLines(dumped.stderr), pageRequests: try pageRequests(netlog))
        if screenshot {
            common.removeAll { $0.hasPrefix("--log-net-log") }
            let png = work.file("shot.png")
            let shot = try run(executable, common + ["--screenshot=\(png)", url], in: work)
            load.consoleMessages += consoleLines(shot.stderr)
            load.screenshot = FileManager.default.contents(atPath: png).map { Array($0) }
        }
        return load
    }

    /// Lines Chromium logs for `console.*` calls and for CSP violations (which arrive as console messages).
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") || $0.contains("Content Security Policy") }
    }

    /// URLs of requests whose initiator is the page (any initiator other than the browser itself).
    static func pageRequests(_ netlog: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: netlog) else { throw Failure(description: "no net log written") }
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any], let events = root["events"] as? [[String: Any]] else {
            throw Failure(description: "net log is not the expected JSON")
        }
        var urls: [String] = []
        for event in events {
            guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
                  let initiator = params["initiator"] as? String, initiator != "not an origin" else { continue }
            if !urls.contains(url) { urls.append(url) }
        }
        return urls
    }

    /// Where tests leave screenshots for a person to look at: `$DRIFTWATCH_SCREENSHOT_DIR`, or a fresh directory
    /// under /tmp that is kept (its path is printed once).
    static let screenshotDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["DRIFTWATCH_SCREENSHOT_DIR"], !dir.isEmpty {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            print("driftwatch screenshots: \(dir)")
            return dir
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("driftwatch-screenshots-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        print("driftwatch screenshots: \(dir)")
        return dir
    }()

    /// Saves a screenshot as `<screenshotDirectory>/<name>` (slashes in `name` become `_`); returns the path.
    @discardableResult
    static func keep(_ png: [UInt8], as name: String) throws -> String {
        let path = screenshotDirectory + "/" + name.replacingOccurrences(of: "/", with: "_")
        try Data(png).write(to: URL(fileURLWithPath: path))
        return path
    }

    struct Output { var stdout: String; var stderr: String }

    /// Runs with output in files (Chromium's stderr is large; pipes read one after the other could deadlock).
    static func run(_ executable: String, _ arguments: [String], in work: TemporaryDirectory) throws -> Output {
        let outPath = work.file("out-\(UUID().uuidString)"), errPath = work.file("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        process.waitUntilExit()
        let out = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let err = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium exited with \(process.terminationStatus): \(err.suffix(2000))")
        }
        return Output(stdout: out, stderr: err)
    }
}
