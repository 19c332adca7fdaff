import DriftwatchCore
import DriftwatchIngest
import DriftwatchTesting
import Testing

let logrotatePath = "/usr/sbin/logrotate"

/// The real Debian `logrotate` rotating a log while a writer keeps appending and the pipeline polls.
@Suite(.enabled(if: FileDiscovery.statRegular(logrotatePath) != nil, "needs /usr/sbin/logrotate"))
struct LogrotateTests {
    static let logrotate = logrotatePath

    enum Mode: String, CaseIterable, Sendable { case create, copytruncate }

    struct Scenario: Sendable, CustomTestStringConvertible {
        var mode: Mode
        var options: [String]
        var testDescription: String { ([mode.rawValue] + options).joined(separator: "+") }
    }

    static let scenarios: [Scenario] = Mode.allCases.flatMap { mode in
        [[], ["compress"], ["compress", "delaycompress"]].map { Scenario(mode: mode, options: $0) }
    }

    /// A bad line and where it must be dead-lettered: offset in the file generation it was written to.
    struct ExpectedDeadLetter: Hashable {
        var token: String
        var offset: UInt64
        var code: String
    }

    @Test(arguments: scenarios)
    func everyLineStoredOnceEveryBadLineDeadLettered(_ scenario: Scenario) throws {
        var config = IngestConfiguration(maxLineBytes: 2048, goneFileGraceRounds: 1)
        config.batchMaxRecords = 5
        let h = Harness(config)
        let log = h.path("app.log")
        let conf = h.path("logrotate.conf")
        LogWriter(path: conf).append("""
            \(log) {
                rotate 20
                \(scenario.mode == .create ? "create 0644" : "copytruncate")
                \(scenario.options.joined(separator: "\n    "))
                missingok
                nomail
            }

            """)
        let w = h.writer()
        var ids: [String] = []
        var bad: [ExpectedDeadLetter] = []
        let p = h.pipeline("app.log*")

        func appendBatch(_ round: Int, _ tag: String, count: Int) {
            for i in 0..<count {
                ids.append(w.appendRecord())
                if i == count / 2 {
                    let token = "bad-\(round)-\(tag)"
                    switch (round + tag.count) % 3 {
                    case 0: bad.append(.init(token: token, offset: w.appendLine("\(token) not json"), code: "invalid_json"))
                    case 1: bad.append(.init(token: token, offset: w.appendLine(#"{"note":"\#(token)","timestamp":1}"#), code: "missing_field"))
                    default:
                        let long = #"{"note":"\#(token)","pad":""# + String(repeating: "p", count: 3000) + #""}"#
                        bad.append(.init(token: token, offset: w.appendLine(long), code: "line_too_long"))
                    }
                }
            }
        }

        for round in 0..<4 {
            appendBatch(round, "read", count: 7)
            try p.pollOnce()
            appendBatch(round, "unread", count: 6)  // still unread when logrotate runs
            try ProcessRunner.run(Self.logrotate, ["-s", h.path("state"), "-f", conf])
            appendBatch(round, "late", count: 3)  // create: old descriptor; copytruncate: truncated file
            if scenario.mode == .create { w.reopen() }
            appendBatch(round, "after", count: 4)
            if round % 2 == 1 { try p.pollOnce() }
        }
        for _ in 0..<4 { try p.pollOnce() }

        h.expectStoredExactlyOnce(ids)
        let letters = h.sink.deadLetters
        let got = letters.map { letter -> ExpectedDeadLetter in
            let text = String(decoding: letter.raw, as: UTF8.self)
            let token = bad.map(\.token).first { text.contains($0) } ?? "?"
            return ExpectedDeadLetter(token: token, offset: letter.offset, code: letter.code)
        }
        #expect(got.count == bad.count, "no bad line dead-lettered twice")
        #expect(Set(got) == Set(bad))

        // The rotated files really exist in the expected form.
        let names = FileDiscovery(patterns: [h.path("app.log*")]).discover().map { $0.path.split(separator: "/").last! }
        let compressed = names.filter { $0.hasSuffix(".gz") }.count
        if scenario.options.contains("compress") {
            #expect(compressed == (scenario.options.contains("delaycompress") ? 3 : 4))
        } else {
            #expect(compressed == 0)
        }
        #expect(names.count == 5)
        if scenario.mode == .copytruncate { #expect(p.snapshot.truncations == 4) }
    }
}
