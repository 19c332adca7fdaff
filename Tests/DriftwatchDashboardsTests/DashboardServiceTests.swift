import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDashboards
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
        #expect(outcome.pageCount == 8)
        #expect(outcome.rollupRows > 0)
        for name in ["index", "overview", "incidents", "versions", "retrieval", "tools", "drift", "slices"] {
            let html = try String(contentsOfFile: directory.file("site/\(name).html"), encoding: .utf8)
            #expect(html.hasSuffix("</html>\n"))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.file("site")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
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

import DriftwatchDemo

enum DriftwatchDemoFixture {
    static func generator(hours: Int, rate: Double) throws -> WorkloadGenerator {
        var configuration = WorkloadConfiguration(seed: 7, length: .duration(micros: Int64(hours) * 3_600_000_000), requestsPerMinute: rate)
        configuration.add(try WorkloadSpecParser.parse("retrieval_index_change@2h"))
        return try WorkloadGenerator(configuration)
    }
}
