import DriftwatchCore
import DriftwatchDemo
import DriftwatchDrift
import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Logging
import Testing

/// The drift detector follows the records table by row id and commits its state with the last row
/// id: catching up in pieces, or from a second process, counts every row exactly once.
@Suite struct DriftRunnerTests {
    static func records(_ specs: [String], hours: Int64 = 2) throws -> [IngestedRecord] {
        var workload = WorkloadConfiguration(seed: 5, length: .duration(micros: hours * 3_600_000_000))
        for spec in specs { workload.add(try WorkloadSpecParser.parse(spec)) }
        return try WorkloadGenerator(workload).map { IngestedRecord(record: $0, raw: RecordEncoder().encode($0)) }
    }

    static func settings() -> DriftwatchConfiguration.DriftSettings {
        var settings = DriftwatchConfiguration.DriftSettings()
        settings.batchRows = 3_000
        return settings
    }

    @Test func catchingUpInPiecesEqualsCountingEverythingAtOnce() throws {
        let records = try Self.records(["stale_evidence@1h15m"])
        let store = try SQLiteStore(path: ":memory:")
        let runner = DriftRunner(store: store, settings: Self.settings(), logger: Logger(label: "test"))
        let half = records.count / 2
        _ = try store.commit(IngestBatch(records: Array(records[..<half])))
        let first = try runner.catchUp(maxRows: 5_000)
        #expect(first.rowsCounted == 5_000)
        let second = try runner.catchUp()
        #expect(second.rowsCounted == half - 5_000)
        #expect(try runner.catchUp().rowsCounted == 0)
        _ = try store.commit(IngestBatch(records: Array(records[half...])))
        // A second runner (say `driftwatch drift` while `run` is up) continues from the same commit.
        let other = DriftRunner(store: store, settings: Self.settings(), logger: Logger(label: "test"))
        let last = try other.catchUp()
        #expect(last.rowsCounted == records.count - half)
        #expect(last.engine.recordsSeen == records.count)
        #expect(try store.loadDriftState()?.lastRowID == Int64(records.count))

        var direct = DriftEngine(configuration: Self.settings().detector)
        for r in records { direct.ingest(r.record) }
        #expect(last.engine.report() == direct.report())
        let report = last.engine.report()
        // No analyzer incidents in this store: drift alone is a watch, pointing at retrieval.
        #expect(report.recommendations.contains { $0.action == "watch" && $0.suggestedAction == "retrieval_fix" })
        #expect(try report.render(.json).contains("\"p_value\""))
        #expect(try report.render(.text).contains("retrieval_fix"))
    }

    @Test func aReadOnlyStoreKeepsStateThatNoLongerFitsTheConfiguration() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("store.sqlite")
        do {
            let store = try SQLiteStore(path: path)
            _ = try store.commit(IngestBatch(records: try Self.records([], hours: 1)))
            _ = try DriftRunner(store: store, settings: Self.settings(), logger: Logger(label: "test")).catchUp()
            try store.checkpointWAL()
        }
        var other = Self.settings()
        other.detector.bucketMicros *= 2
        let reader = try SQLiteStore(path: path, access: .readOnly)
        let (_, lastRowID) = try DriftRunner(store: reader, settings: other, logger: Logger(label: "test")).restore()
        #expect(lastRowID == 0, "a fresh detector for this configuration")
        #expect(try reader.loadDriftState() != nil, "the stored state is left for the configuration that wrote it")
    }

    @Test func twoRunnersTakingTurnsCountEveryRowOnce() throws {
        let records = try Self.records([], hours: 1)
        let store = try SQLiteStore(path: ":memory:")
        _ = try store.commit(IngestBatch(records: records))
        let a = DriftRunner(store: store, settings: Self.settings(), logger: Logger(label: "a"))
        let b = DriftRunner(store: store, settings: Self.settings(), logger: Logger(label: "b"))
        var counted = 0
        var turn = 0
        while counted < records.count {
            counted += try (turn % 2 == 0 ? a : b).catchUp(maxRows: 2_500).rowsCounted
            turn += 1
        }
        #expect(turn > 3)
        let stored = try #require(try store.loadDriftState())
        #expect(stored.lastRowID == Int64(records.count))
        #expect(try DriftEngine(configuration: Self.settings().detector, restoring: stored.state)?.recordsSeen == records.count)
    }

    @Test func exportedExamplesAreTheStoredLinesOfTheSlicesFailures() throws {
        let records = try Self.records(["checkpoint_regression@1h:slice=language=de,effect=0.3"])
        let store = try SQLiteStore(path: ":memory:")
        _ = try store.commit(IngestBatch(records: records))
        var settings = Self.settings()
        settings.detector.baseline = .leading(durationMicros: 45 * 60_000_000)
        settings.detector.currentWindowMicros = 45 * 60_000_000
        let runner = DriftRunner(store: store, settings: settings, logger: Logger(label: "test"))
        let report = try runner.catchUp().engine.report()
        let rec = try #require(report.recommendations.first { $0.suggestedAction == "targeted_retraining" })
        let examples = try #require(rec.examples)
        let lines = try runner.exportExamples(examples).split(separator: UInt8(ascii: "\n"))
        #expect(lines.count > 50)
        for line in lines.prefix(20) {
            let r = try RecordDecoder().decode(Array(line))
            #expect(r.model?.name == "copilot-ft" && r.slice("language") == .string("de") && r.outcome == .failure)
            #expect(r.timestampMicros >= examples.fromMicros && r.timestampMicros < examples.toMicros)
        }
    }

    @Test func driftSectionOfTheConfigurationIsRead() throws {
        let config = try ConfigurationLoader().load(yaml: """
            drift:
              interval: 10s
              bucket: 10m
              baseline: 2h
              current_window: 30m
              min_count: 50
              significance_guard: off
              features: [task, slices.language, {name: retrieval.top_score, reference: trailing, test: psi, threshold: 0.2}]
            """)
        let d = config.drift.detector
        #expect(config.drift.intervalMillis == 10_000)
        #expect(d.bucketMicros == 600_000_000 && d.currentWindowMicros == 1_800_000_000 && d.minCount == 50)
        #expect(d.baseline == .leading(durationMicros: 7_200_000_000))
        #expect(d.significanceGuard == nil)
        #expect(d.features.map(\.name) == ["task", "slices.language", "retrieval.top_score"])
        #expect(d.features[2].reference == .trailing && d.features[2].testName == "psi" && d.features[2].threshold == 0.2)
        #expect(!d.monitorAllSliceKeys)
        #expect(throws: (any Error).self) { try ConfigurationLoader().load(yaml: "drift:\n  features: [no_such_feature]\n") }
        #expect(throws: (any Error).self) { try ConfigurationLoader().load(yaml: "drift:\n  bukket: 5m\n") }
    }
}
