import DriftwatchTesting
import Foundation
import Testing

/// The README's "Quick start: your own logs", as a new user would follow it.
///
/// Each fenced block of that section is tagged with an HTML comment just above it:
/// `<!-- quickstart: file NAME -->` (save the block as NAME), `<!-- quickstart: shell -->` (run each line, which must
/// succeed), `<!-- quickstart: background NAME -->` (a command left running in another terminal),
/// `<!-- quickstart: output NAME -->` (what NAME prints, shown to the reader) and `<!-- quickstart: build -->` (building
/// driftwatch: the test puts the binary it was built with on PATH instead). Nothing else of the section is read, so
/// a renamed key, a wrong path or a command that fails in the README fails this test.
struct QuickStart {
    struct Block {
        var kind: String
        var argument: String
        var text: String
    }

    static let heading = "## Quick start: your own logs"
    var blocks: [Block]

    static func read() throws -> QuickStart {
        let readme = try String(contentsOf: DriftwatchExecutable.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "\n" + heading + "\n"), "README has no section \"\(heading)\"")
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        var blocks: [Block] = []
        var pending: (kind: String, argument: String)?
        var fence: [String]?
        for line in section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if var body = fence {
                if line == "```" {
                    if let tag = pending { blocks.append(Block(kind: tag.kind, argument: tag.argument, text: body.joined(separator: "\n") + "\n")) }
                    pending = nil
                    fence = nil
                } else {
                    body.append(line)
                    fence = body
                }
            } else if line.hasPrefix("```") {
                fence = []
            } else if let match = line.wholeMatch(of: /<!-- quickstart: ([a-z]+)(?: (\S+))? -->/) {
                pending = (String(match.1), match.2.map(String.init) ?? "")
            }
        }
        return QuickStart(blocks: blocks)
    }

    /// Every block's text with `old` replaced, and how many blocks held it.
    mutating func replace(_ old: String, with new: String) -> Int {
        var count = 0
        for i in blocks.indices where blocks[i].text.contains(old) {
            blocks[i].text = blocks[i].text.replacingOccurrences(of: old, with: new)
            count += 1
        }
        return count
    }

    /// The command lines of a shell block: comments after `#` and blank lines dropped.
    static func commands(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            let code = line.range(of: " #").map { line[..<$0.lowerBound] } ?? line[...]
            return code.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}

@Suite("README quick start", .serialized)
struct QuickStartTests {
    @Test("the section's blocks are tagged: files, commands, the two long-running processes and the build")
    func sectionIsComplete() throws {
        let quickStart = try QuickStart.read()
        let kinds = quickStart.blocks.map { "\($0.kind) \($0.argument)" }
        for expected in ["file driftwatch.yaml", "background receiver", "background driftwatch", "output receiver", "build "] {
            #expect(kinds.contains(expected), "\(kinds)")
        }
        // The build step names the executable product the package really declares.
        let build = try #require(quickStart.blocks.first { $0.kind == "build" })
        let product = try #require(build.text.firstMatch(of: /--product (\S+)/)?.1, "\(build.text)")
        let package = try String(contentsOf: DriftwatchExecutable.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(package.contains(".executable(name: \"\(product)\""), "Package.swift declares no executable \(product)")
        #expect(build.text.contains(".build/release"), "\(build.text)")
    }

    @Test("from an empty directory to a webhook naming the incident, with only the README's steps")
    func quickStartEndToEnd() async throws {
        var quickStart = try QuickStart.read()
        let dir = TemporaryDirectory(prefix: "dw-quickstart")
        // The README's receiver listens on 9000, and the configuration sends there: both move to a free port.
        let port = try OTLPCrashRecoveryTests.freePort()
        let uses = quickStart.replace("9000", with: "\(port)")
        #expect(uses >= 2, "the port 9000 appears in \(uses) block(s): the receiver and the webhook URL must agree")

        // `driftwatch` on PATH is the binary under test, as step 1 puts the release build there.
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/driftwatch", withDestinationPath: try DriftwatchExecutable.url().path)
        let work = dir.file("quickstart")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let workURL = URL(fileURLWithPath: work)

        var background: [String: ChildProcess] = [:]
        var transcript: [String] = []
        defer { for child in background.values { child.signal(SIGKILL) } }
        for block in quickStart.blocks {
            switch block.kind {
            case "file":
                try block.text.write(toFile: work + "/" + block.argument, atomically: true, encoding: .utf8)
            case "shell":
                for command in QuickStart.commands(block.text) {
                    let child = try ChildProcess(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", command],
                                                 directory: workURL, environment: environment)
                    let status = await child.wait(timeout: 300)
                    transcript.append("$ \(command)\n\(child.stdout)\(child.stderr)")
                    #expect(status == 0, "README step `\(command)` exited \(String(describing: status)):\n\(child.stdout)\(child.stderr)")
                    if command.hasPrefix("driftwatch config check") {
                        // It shows what the README says to look for: the log matched, the receiver and the rules.
                        #expect(child.stdout.contains("receivers     me (webhook)"), "\(child.stdout)")
                        #expect(child.stdout.contains("logs/llm.jsonl*  1 file"), "\(child.stdout)")
                        #expect(!child.stdout.contains("matches no file"), "\(child.stdout)")
                    }
                }
            case "background":
                let command = try #require(QuickStart.commands(block.text).first, "empty background block \(block.argument)")
                background[block.argument] = try ChildProcess(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "exec " + command],
                                                              directory: workURL, environment: environment)
                try await Task.sleep(for: .milliseconds(500))
                let child = try #require(background[block.argument])
                #expect(child.process.isRunning, "`\(command)` exited at once:\n\(child.stdout)\(child.stderr)")
            case "output":
                // The README says what to wait for here: the webhook arrives while `run` keeps running, and the
                // receiver prints one line per alert. The steps after it run once it has.
                let receiver = try #require(background[block.argument], "output of \(block.argument), which the README did not start")
                let arrived = await eventually(240) { receiver.stdout.split(separator: "\n").contains { $0.hasPrefix("firing ") } }
                let runLog = background["driftwatch"].map { String($0.stderr.suffix(3000)) } ?? "not started"
                try #require(arrived, "no webhook within 240 s; receiver: \(receiver.stdout)\(receiver.stderr)\ndriftwatch: \(runLog)\n\(transcript.joined(separator: "\n"))")
            default:
                continue
            }
        }
        let receiver = try #require(background["receiver"], "the README starts no receiver")
        let driftwatch = try #require(background["driftwatch"], "the README starts no driftwatch run")
        let printed = receiver.stdout
        #expect(FileManager.default.fileExists(atPath: work + "/dashboards/index.html"), "step 7 rendered no dashboards")
        driftwatch.signal(SIGTERM)
        #expect(await driftwatch.wait(timeout: 30) == 0, "driftwatch run did not exit 0 on SIGTERM: \(driftwatch.stderr.suffix(2000))")

        // The alert names an incident the analyzer holds open, on the route the workload broke.
        let analyze = try ChildProcess(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "driftwatch analyze --format json"],
                                       directory: workURL, environment: environment)
        #expect(await analyze.wait(timeout: 120) == 0, "\(analyze.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(analyze.stdout.utf8)) as? [String: Any])
        let incidents = (report["incidents"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "open" }
        let ids = Set(incidents.compactMap { $0["id"] as? String })
        let firing = printed.split(separator: "\n").filter { $0.hasPrefix("firing ") }.map { $0.split(separator: " ").map(String.init) }
        #expect(firing.contains { $0.count > 3 && ids.contains($0[2]) && $0[3] == "refund" },
                "receiver printed \(printed); open incidents \(incidents.map { "\($0["id"] ?? "") \($0["task"] ?? "") \($0["component"] ?? "")" })")
        // What the README shows the receiver printing is what it printed: the same alert on the same task.
        let shown = try #require(quickStart.blocks.first { $0.kind == "output" && $0.argument == "receiver" })
        let shownFirst = try #require(shown.text.split(separator: "\n").first { $0.hasPrefix("firing ") }).split(separator: " ")
        #expect(firing.contains { $0.count > 3 && $0[1] == shownFirst[1] && $0[3] == shownFirst[3] },
                "README shows `\(shownFirst.joined(separator: " "))`, the receiver printed \(printed)")
        // No line of the workload was dead-lettered: the mapping reads every line.
        let letters = try ChildProcess(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "driftwatch dead-letters --format json"],
                                       directory: workURL, environment: environment)
        #expect(await letters.wait(timeout: 60) == 0, "\(letters.stderr)")
        let dead = try JSONSerialization.jsonObject(with: Data(letters.stdout.utf8)) as? [String: Any]
        #expect((dead?["total"] as? NSNumber)?.intValue == 0, "\(letters.stdout.prefix(2000))")
    }
}
