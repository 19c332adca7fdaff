import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import DriftwatchRuntime
import DriftwatchStore
import Foundation
import Logging
import Testing

private func temporaryDirectory() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-analysis-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Stores a demo workload as ingest would.
private func storeWorkload(_ specs: [String], seed: UInt64, hours: Double, in store: SQLiteStore) throws -> [RequestRecord] {
    var workload = WorkloadConfiguration(seed: seed, length: .duration(micros: Int64(hours * 3_600_000_000)))
    for spec in specs { workload.add(try WorkloadSpecParser.parse(spec)) }
    let records = Array(try WorkloadGenerator(workload))
    let encoder = RecordEncoder()
    var start = 0
    while start < records.count {
        let chunk = records[start..<min(records.count, start + 10_000)]
        _ = try store.commit(IngestBatch(records: chunk.map { IngestedRecord(record: $0, raw: encoder.encode($0)) }))
        start += chunk.count
    }
    return records
}

@Suite("Analysis persistence through the store")
struct AnalysisPersistenceTests {
    @Test("a retraining incident's examples are exported once, however many of its events one commit carries")
    func exportOncePerIncident() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteStore(path: dir + "/db.sqlite")
        let records = try storeWorkload(["checkpoint_regression@2h:slice=language=de"], seed: 5, hours: 4, in: store)
        let persistence = AnalysisPersistence(store: store, configuration: AnalysisConfiguration(), exportDirectory: dir + "/exports")
        var engine = try persistence.load()
        // One commit for the whole workload: the incident opens and is updated within it.
        let progress = try persistence.catchUp(&engine, batchSize: records.count)
        let stored = try store.incidents().map { try AnalysisPersistence.decode($0.document) }
        let retraining = stored.filter { $0.recommendation.action == "targeted_retraining" && $0.parentID == nil }
        #expect(!retraining.isEmpty)
        let events = try store.incidentEvents()
        for incident in retraining {
            #expect(events.contains { $0.incidentID == incident.id && $0.kind == "updated" }, "no update in the commit: the case does not test the bug")
            #expect(incident.recommendation.details["export_path"] != nil)
        }
        // Once each (the first session-8 code wrote it once per event of the commit: ten times on the demo).
        #expect(progress.exports == retraining.count)
    }

    @Test("analysis follows the records table exactly once across a restart, and matches an uninterrupted run")
    func restartResumesExactly() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteStore(path: dir + "/db.sqlite")
        #expect(try store.schemaVersion() >= 2)
        let records = try storeWorkload(["checkpoint_regression@2h:slice=language=de"], seed: 3, hours: 3.5, in: store)

        let persistence = AnalysisPersistence(store: store, configuration: AnalysisConfiguration(), exportDirectory: dir + "/exports")
        var engine = try persistence.load()
        let firstPart = try persistence.catchUp(&engine, batchSize: 7_000, maxRows: 21_000)
        #expect(firstPart.rows == 21_000)
        // "Crash": forget the engine, reload from the store, finish.
        var reloaded = try persistence.load()
        #expect(reloaded.lastRowID == 21_000)
        let rest = try persistence.catchUp(&reloaded, batchSize: 7_000)
        #expect(rest.rows == records.count - 21_000)
        #expect(try persistence.catchUp(&reloaded).rows == 0)

        var reference = try AnalysisEngine()
        for r in records { reference.ingest(r) }
        let stored = try store.incidents().map { try AnalysisPersistence.decode($0.document) }
        #expect(Set(stored.map(\.id)) == Set(reference.rankedIncidents.map(\.id)))
        #expect(!stored.isEmpty)

        // Rollups in the store equal the in-memory ones of the uninterrupted run.
        let taskRows = try store.analysisRollups(bucketMicros: 3_600_000_000).filter { $0.dimension.isEmpty }
        #expect(taskRows.reduce(0) { $0 + $1.requests } == Int64(records.count))
        #expect(try !store.analysisVersions().isEmpty)

        // Events are a feed: opened before anything else for each incident.
        let events = try store.incidentEvents()
        #expect(events.first?.kind == "opened")
        #expect(Set(events.filter { $0.kind == "opened" }.map(\.incidentID)) == Set(stored.map(\.id)))

        // targeted_retraining exports the slice's failing and passing request IDs as JSON Lines.
        let retraining = try #require(stored.first { $0.recommendation.action == "targeted_retraining" })
        let path = try #require(retraining.recommendation.details["export_path"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.contains { $0.contains("\"label\":\"failing\"") } && lines.contains { $0.contains("\"label\":\"passing\"") })
        #expect(Int(retraining.recommendation.details["export_failing"] ?? "") ?? 0 > 0)
        // Each example carries its full stored record, and `driftwatch records --ids-from` prints the same ones.
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.requestID, $0) })
        for line in lines.prefix(50) {
            let example = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(example["request_id"] as? String)
            let record = try #require(example["record"] as? [String: Any], "no record in \(line)")
            #expect(record["request_id"] as? String == id)
            #expect(record["task"] as? String == byID[id]?.task)
            #expect((example["label"] as? String == "passing") == (byID[id]?.outcome == .success))
        }
        let ids = try RecordLines.requestIDs(fromFile: path)
        #expect(ids.count == lines.count)
        var printed: [String] = []
        #expect(try RecordLines.write(store: store, query: RecordQuery(requestIDs: Set(ids))) { printed.append($0) } == ids.count)
        #expect(Set(printed.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["request_id"] as? String }) == Set(ids))

        // The report renders both ways; JSON is the document.
        let report = try AnalysisReport.make(store: store)
        let json = try report.render(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let first = try #require((object["incidents"] as? [[String: Any]])?.first)
        for key in ["id", "status", "started_at", "detected_at", "metric", "scope", "baseline", "current", "p_value",
                    "component", "confidence", "evidence", "recommendation"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        #expect(try report.render(.text).contains("targeted_retraining"))
    }

    @Test("a commit from a stale checkpoint is refused and stores nothing")
    func staleCommitRefused() throws {
        let store = try SQLiteStore(path: ":memory:")
        let row = AnalysisRollupRow(bucketMicros: 1, startMicros: 0, task: "t", dimension: "", value: "", requests: 1,
                                    outcomes: 1, successes: 1, counters: [1])
        #expect(try store.commitAnalysis(AnalysisCommit(expectedLastRowID: 0, checkpoint: AnalysisCheckpoint(lastRowID: 10), rollups: [row])))
        #expect(try !store.commitAnalysis(AnalysisCommit(expectedLastRowID: 0, checkpoint: AnalysisCheckpoint(lastRowID: 20), rollups: [row, row])))
        #expect(try store.analysisCheckpoint().lastRowID == 10)
        #expect(try store.analysisRollups(bucketMicros: 1).count == 1)
        #expect(try store.pruneAnalysisRollups(bucketMicros: 1, before: 1) == 1)
    }

    @Test("the analyzer service catches up with the store and stops on cancellation")
    func serviceCatchesUp() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteStore(path: dir + "/db.sqlite")
        let records = try storeWorkload([], seed: 1, hours: 0.5, in: store)
        var settings = DriftwatchConfiguration.AnalysisSettings()
        settings.intervalMillis = 1
        settings.exportDirectory = nil
        let service = AnalyzerService(store: store, configuration: settings, clock: ContinuousClock(), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            while try store.analysisCheckpoint().lastRowID < Int64(records.count) { await Task.yield() }
            group.cancelAll()
        }
        #expect(try store.analysisCheckpoint().lastRowID == Int64(records.count))
    }
}
