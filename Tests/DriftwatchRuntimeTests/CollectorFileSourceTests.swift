import DriftwatchCore
import DriftwatchIngest
import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// A source in the OpenTelemetry Collector file exporter's format, tailed by `run` like any log.
@Suite struct CollectorFileSourceTests {
    @Test func collectorFileLinesBecomeRecordsAndABadLineIsDeadLettered() async throws {
        let directory = TemporaryDirectory()
        let fixture = try Data(contentsOf: DriftwatchExecutable.packageRoot
            .appendingPathComponent("Tests/DriftwatchOTLPTests/Fixtures/collector_file.jsonl"))
        var log = fixture
        let badOffset = log.count
        log.append(contentsOf: Array("{\"resourceSpans\": [\n".utf8))
        try log.write(to: URL(fileURLWithPath: directory.file("otel-traces.jsonl")))

        let config = try ConfigurationLoader().load(yaml: """
            database: \(directory.file("db.sqlite"))
            sources:
              - name: collector
                paths: ["\(directory.path)/otel-traces*.jsonl"]
                format: otlp_json
            ingest:
              poll_interval: 20ms
            analysis:
              enabled: false
            """)
        #expect(config.sources.first?.format == .otlpJSON)
        var logger = Logger(label: "test.collector")
        logger.logLevel = .warning
        let app = try DriftwatchApplication(configuration: config, logger: logger)
        let group = try app.makeServiceGroup()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let summary = try app.store.summary()
                if summary.records >= 3 && summary.deadLetters >= 1 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try app.store.requestIDs().sorted() == ["0af7651916cd43dd8448eb211c80319c", "2cf7651916cd43dd8448eb211c80319e", "req-oi-1"])
        let dead = try app.store.deadLetters()
        #expect(dead.count == 1)
        #expect(dead.first?.letter.offset == UInt64(badOffset))
        #expect(dead.first?.letter.code.hasPrefix("otlp_") == true, "\(dead.first?.letter.code ?? "")")
        #expect(app.ingestStats.snapshot.records == 3)
        #expect(app.ingestStats.snapshot.deadLetters == 1)
    }
}
