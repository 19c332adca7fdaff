import DriftwatchCore
@testable import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

@Suite("Empty source globs")
struct SourceGlobTests {
    typealias Instant = ManualClock.Instant

    @Test("an empty glob is warned about at once, then only every repeatAfter while it stays empty, and its recovery is said once")
    func reminderTiming() {
        var reminder = EmptyGlobReminder<Instant>(repeatAfter: .seconds(600))
        func at(_ s: Int64) -> Instant { Instant(offset: .seconds(s)) }
        #expect(reminder.observe(pattern: "/logs/*.log", matches: 0, at: at(0)) == .warn(emptyFor: .zero))
        #expect(reminder.observe(pattern: "/other/*.log", matches: 3, at: at(0)) == .none)
        for s in stride(from: Int64(30), to: 600, by: 30) {
            #expect(reminder.observe(pattern: "/logs/*.log", matches: 0, at: at(s)) == .none, "warned again at \(s)s")
        }
        #expect(reminder.observe(pattern: "/logs/*.log", matches: 0, at: at(600)) == .warn(emptyFor: .seconds(600)))
        #expect(reminder.observe(pattern: "/logs/*.log", matches: 0, at: at(630)) == .none)
        #expect(reminder.observe(pattern: "/logs/*.log", matches: 1, at: at(660)) == .recovered)
        #expect(reminder.observe(pattern: "/logs/*.log", matches: 1, at: at(690)) == .none)
        // Empty again: a new episode, warned at once.
        #expect(reminder.observe(pattern: "/logs/*.log", matches: 0, at: at(720)) == .warn(emptyFor: .zero))
    }

    @Test("status lists every configured source's patterns with what they match now")
    func statusListsPatterns() throws {
        let dir = TemporaryDirectory()
        for name in ["a.log", "a.log.1"] { _ = FileManager.default.createFile(atPath: dir.file(name), contents: Data("x\n".utf8)) }
        let sources = [
            DriftwatchConfiguration.LogSource(name: "copilot", paths: [dir.file("a.log*"), dir.file("typo/*.log")]),
        ]
        let report = try StatusReport.make(store: try SQLiteStore(path: ":memory:"), sources: sources)
        #expect(report.sources.first?.patterns.map(\.matches) == [2, 0])
        let text = try report.render(.text)
        #expect(text.contains("sources (1)\n  copilot (driftwatch)\n    \(dir.file("a.log*"))  2 files\n    \(dir.file("typo/*.log"))  matches no file"), "\(text)")
        #expect(try report.render(.json).contains(#""matches""#))
        #expect(try StatusReport.make(store: try SQLiteStore(path: ":memory:")).render(.text).contains("no sources configured"))
    }
}
