import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDashboards
import DriftwatchDemo
import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

@Suite struct DashboardServiceTests {
    /// A store holding the analysis of a generated workload.
    static func store(in directory: TemporaryDirectory) throws -> SQLiteStore {
        let store = try SQLiteStore(path: directory.file("db.sqlite"), logger: Logger(label: "test"))
        let persistence = AnalysisPersistence(store: store, configuration: AnalysisConfiguration())
        var engine = try AnalysisEngine()
        var generator = try DriftwatchDemoFixture.generator(hours: 3, rate: 30)
        var id: Int64 = 0
        while let record = generator.next() { id += 1; engine.ingest(record, rowID: id) }
        #expect(try persistence.commit(engine.takeChanges(), expectedLastRowID: 0))
        return store
    }

    @Test func runnerWritesEveryPageFromTheStore() throws {
        let directory = TemporaryDirectory(prefix: "dw-runner")
        let store = try Self.store(in: directory)
        let runner = try DashboardRunner(store: store, configuration: DriftwatchConfiguration(), logger: Logger(label: "test"))
        let outcome = try runner.render(to: directory.file("site"))
        #expect(outcome.pages.filter { !$0.fileName.contains("/") }.count == 8)
        #expect(outcome.rollupRows > 0)
        for range in ["", "24h/", "30d/"] {
            for name in ["index", "overview", "incidents", "versions", "retrieval", "tools", "drift", "slices", "versions/model_version", "versions/index_version"] {
                let html = try String(contentsOfFile: directory.file("site/\(range)\(name).html"), encoding: .utf8)
                #expect(html.hasSuffix("</html>\n"), "\(range)\(name).html")
            }
        }
        let incidents = try FileManager.default.contentsOfDirectory(atPath: directory.file("site/incidents"))
        #expect(!incidents.isEmpty && incidents.count == outcome.pages.filter { $0.fileName.hasPrefix("incidents/") }.count)
        for sub in ["", "/incidents", "/versions", "/24h", "/30d/versions"] {
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.file("site" + sub)).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty, "temporary files left in site\(sub): \(leftovers)")
        }
    }

    /// The runner reads example ids of an incident's scope from the stored records and the notifications naming
    /// it from the alerts outbox; the incident page lists both.
    @Test func incidentPagesShowExamplesFromTheStoreAndNotificationsFromTheOutbox() throws {
        let directory = TemporaryDirectory(prefix: "dw-runner-incident")
        let store = try SQLiteStore(path: directory.file("db.sqlite"), logger: Logger(label: "test"))
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
        let runner = try DashboardRunner(store: store, configuration: DriftwatchConfiguration(), logger: Logger(label: "test"))
        let incident = try #require(try runner.snapshot().incidents.first)
        let at = incident.detectedAtMicros
        try store.enqueueNotifications([
            OutboxRow(id: "n-open", receiver: "hook", kind: "webhook", groupKey: "{}:{incident_id=\"\(incident.id)\"}",
                      payload: "{\"status\":\"firing\",\"alerts\":[{\"labels\":{\"incident_id\":\"\(incident.id)\"}}]}", createdAtMicros: at, nextAttemptAtMicros: at),
            OutboxRow(id: "n-close", receiver: "pager", kind: "pagerduty", groupKey: "{}:{alertname=\"RetrievalIncident\"}",
                      payload: "{\"event_action\":\"resolve\",\"dedup_key\":\"driftwatch/\(incident.id)\"}", createdAtMicros: at + 60_000_000, nextAttemptAtMicros: at),
            OutboxRow(id: "n-other", receiver: "hook", kind: "webhook", groupKey: "{}:{alertname=\"NoRecords\"}",
                      payload: "{\"status\":\"firing\"}", createdAtMicros: at, nextAttemptAtMicros: at),
        ])
        try runner.render(to: directory.file("site"))
        let html = try String(contentsOfFile: directory.file("site/incidents/\(incident.id).html"), encoding: .utf8)
        // Example ids: failing records of the incident's task from its onset on, as the store holds them.
        let ids = html.components(separatedBy: "<code data-request-id>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(!ids.isEmpty && ids.count <= 20)
        var byID = RecordQuery(requestIDs: Set(ids))
        byID.limit = 100
        let stored = try store.storedRecords(byID)
        #expect(stored.count == ids.count, "every listed id is a stored record")
        for record in stored {
            #expect(record.task == incident.task && record.outcome == "failure" && record.timestampMicros >= incident.startedAtMicros)
        }
        #expect(html.contains("driftwatch records --task \(incident.task) --from "))
        // Notifications: the two naming the incident, firing then resolved.
        #expect(html.contains("data-notifications=\"2\""))
        let table = html.components(separatedBy: "data-notifications=\"2\"")[1]
        let firing = try #require(table.range(of: "<td><bdi>firing</bdi></td>")), resolved = try #require(table.range(of: "<td><bdi>resolved</bdi></td>"))
        #expect(firing.lowerBound < resolved.lowerBound)
        #expect(!html.contains("NoRecords"))
    }

    /// While the service re-renders as fast as it can, a reader never sees a partial page.
    @Test func aPageIsNeverObservedHalfWritten() async throws {
        let directory = TemporaryDirectory(prefix: "dw-service")
        let store = try Self.store(in: directory)
        var configuration = DriftwatchConfiguration()
        configuration.dashboards.outputDirectory = directory.file("site")
        configuration.dashboards.intervalMillis = 0
        let service = DashboardService(store: store, configuration: configuration, clock: ContinuousClock(), logger: Logger(label: "test"))
        let path = directory.file("site/overview.html")
        let reads = try await withThrowingTaskGroup(of: (Int, Int)?.self) { group in
            group.addTask { try await service.run(); return nil }
            group.addTask {
                var complete = 0, partial = 0, renders = Set<Int>()
                let deadline = ContinuousClock.now + .seconds(60)
                while (complete < 300 || renders.count < 4) && ContinuousClock.now < deadline {
                    guard let data = FileManager.default.contents(atPath: path) else { await Task.yield(); continue }
                    let text = String(decoding: data, as: UTF8.self)
                    if text.hasPrefix("<!DOCTYPE html>") && text.hasSuffix("</html>\n") { complete += 1 } else { partial += 1 }
                    await Task.yield()
                    // Each render is a new file: its modification time (ns) identifies it.
                    var st = stat()
                    if stat(path, &st) == 0 { renders.insert(Int(st.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(st.st_mtim.tv_nsec)) }
                }
                return (complete, partial * 1_000_000 + renders.count)
            }
            let result = try await group.next()!!
            group.cancelAll()
            return result
        }
        let (complete, packed) = reads
        #expect(packed / 1_000_000 == 0, "partial reads: \(packed / 1_000_000)")
        #expect(complete >= 300)
        #expect(packed % 1_000_000 >= 4, "the file was replaced several times while being read (versions seen: \(packed % 1_000_000))")
    }
}


enum DriftwatchDemoFixture {
    static func generator(hours: Int, rate: Double) throws -> WorkloadGenerator {
        var configuration = WorkloadConfiguration(seed: 7, length: .duration(micros: Int64(hours) * 3_600_000_000), requestsPerMinute: rate)
        configuration.add(try WorkloadSpecParser.parse("retrieval_index_change@2h"))
        return try WorkloadGenerator(configuration)
    }
}
