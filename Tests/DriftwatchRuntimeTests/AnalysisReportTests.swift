import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import DriftwatchRuntime
import DriftwatchStore
import Foundation
import Testing

/// `driftwatch analyze` as an on-call engineer reads it (issue 13): one incident per cause with the scopes it hit,
/// the opening test's numbers with their windows, evidence, `--id` in full, JSON numbers as numbers, and log text
/// that cannot drive the terminal.
@Suite("Analysis report")
struct AnalysisReportTests {
    @Test("a reindex on three tasks reads as one incident with its scopes, windows and evidence; --id prints it in full")
    func oneCauseReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteStore(path: dir + "/db.sqlite")
        var workload = WorkloadConfiguration(seed: 31, length: .duration(micros: 5 * 3_600_000_000))
        workload.add(try WorkloadSpecParser.parse("retrieval_index_change@2h:effect=0.3"))
        let records = Array(try WorkloadGenerator(workload))
        let encoder = RecordEncoder()
        var start = 0
        while start < records.count {
            let chunk = records[start..<min(records.count, start + 10_000)]
            _ = try store.commit(IngestBatch(records: chunk.map { IngestedRecord(record: $0, raw: encoder.encode($0)) }))
            start += chunk.count
        }
        let persistence = AnalysisPersistence(store: store, configuration: AnalysisConfiguration(), exportDirectory: nil)
        var engine = try persistence.load()
        _ = try persistence.catchUp(&engine)

        let report = try AnalysisReport.make(store: store)
        #expect(report.incidents.count == 1, "\(report.incidents.map(\.id))")
        let incident = try #require(report.incidents.first)
        #expect(incident.component == "retrieval")
        #expect(Set(incident.affected?.map(\.task) ?? []).count >= 2)
        // Findings listed under the incident are in the store for the analyzer, not in reports.
        let members = try store.incidents(members: true).filter { $0.parentID == incident.id }
        #expect(members.count + 1 == incident.affected?.count)

        let text = try report.render(.text)
        #expect(text.contains("opened on success_rate"))
        #expect(text.contains("adjusted"))
        #expect(text.contains(try #require(incident.currentWindow).from))
        #expect(text.contains("one cause on \(incident.affected!.count) scopes"))
        #expect(text.contains("evidence:"))

        // Either id selects the incident, printed in full.
        let full = try AnalysisReport.make(store: store, id: members.first?.id ?? incident.id).render(.text)
        #expect(full.hasPrefix("OPEN \(incident.id)") || full.hasPrefix("resolved \(incident.id)"))
        #expect(full.contains("detail index_version: kb-2025-01-07"))
        #expect(throws: DriftwatchError.self) { try AnalysisReport.make(store: store, id: "inc-nope") }

        // JSON: numbers are numbers, and the document parses.
        let json = try report.render(.json)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let first = try #require((object?["incidents"] as? [[String: Any]])?.first)
        #expect(first["p_value"] is NSNumber)
        #expect((first["baseline"] as? [String: Any])?["value"] is NSNumber)
        #expect((first["affected_scopes"] as? [Any])?.count == incident.affected?.count)
    }

    @Test("log text cannot drive the terminal")
    func terminalSafe() {
        #expect(TerminalText.safe("plain\ttext é ✓") == "plain\ttext é ✓")
        #expect(TerminalText.safe("\u{1b}]0;PWNED\u{07}") == "\\u{1b}]0;PWNED\\u{7}")
        #expect(TerminalText.safe("a\u{202E}b\u{9b}c") == "a\\u{202e}b\\u{9b}c")
        #expect(!TerminalText.safe("x\u{1b}[2Jy\r\n").unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" })
        // JSON lines keep their values: escapes inside strings, a space between tokens.
        let line = "{\"task\":\"a\u{202E}b\\\"\u{9b}\"}\r"
        let safe = TerminalText.safeJSON(line)
        #expect(safe == "{\"task\":\"a\\u202eb\\\"\\u009b\"} ")
        let value = try? JSONSerialization.jsonObject(with: Data(safe.utf8)) as? [String: String]
        #expect(value?["task"] == "a\u{202E}b\"\u{9b}")
    }
}
