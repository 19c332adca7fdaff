import DriftwatchRuntime
import Testing

@Suite("Command suggestions")
struct CommandSuggestionTests {
    static let commands = ["run", "ingest", "status", "dead-letters", "drift", "demo", "analyze", "dashboards", "alerts", "records", "config"]

    @Test("typos, swaps and unique prefixes find the command", arguments: [
        ("statsu", "status"), ("stauts", "status"), ("ingets", "ingest"), ("anlyze", "analyze"), ("analyse", "analyze"),
        ("dashbords", "dashboards"), ("recrods", "records"), ("rnu", "run"), ("dead-leters", "dead-letters"), ("conf", "config"),
        ("STATUS", "status"),
    ])
    func suggests(word: String, expected: String) {
        #expect(CommandSuggestion.suggest(word, among: Self.commands) == expected)
    }

    @Test("a word close to nothing gets no suggestion", arguments: ["xyzzy", "deploy", "de", "q", "metrics"])
    func nothingClose(word: String) {
        #expect(CommandSuggestion.suggest(word, among: Self.commands) == nil)
    }

    @Test func distance() {
        #expect(CommandSuggestion.distance("statsu", "status") == 1)
        #expect(CommandSuggestion.distance("kitten", "sitting") == 3)
        #expect(CommandSuggestion.distance("", "abc") == 3)
        #expect(CommandSuggestion.distance("ca", "abc") == 3)
    }
}
