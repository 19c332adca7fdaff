import DriftwatchCore
import DriftwatchDemo
import DriftwatchDrift
import DriftwatchStore
import Foundation
import Testing

/// State survives a restart: a detector restored from its snapshot (through the store) continues
/// exactly where it stopped, and the store refuses a commit that would count rows twice.
@Suite struct DriftPersistenceTests {
    @Test func snapshotRestoreThroughTheStoreContinuesIdentically() throws {
        let records = Array(try DriftScenario.generator(["reindex_lower_scores@1h30m"], hours: 2))
        var whole = DriftEngine()
        for r in records { whole.ingest(r) }

        let store = try SQLiteStore(path: ":memory:")
        var first = DriftEngine()
        let half = records.count / 2
        for r in records[..<half] { first.ingest(r) }
        #expect(try store.saveDriftState(lastRowID: Int64(half), state: try first.snapshot(), expectedLastRowID: nil))
        let stored = try #require(try store.loadDriftState())
        #expect(stored.lastRowID == Int64(half))
        var resumed = try #require(try DriftEngine(configuration: DriftConfiguration(), restoring: stored.state))
        for r in records[half...] { resumed.ingest(r) }

        #expect(resumed.recordsSeen == records.count)
        #expect(try resumed.snapshot() == whole.snapshot())
        #expect(resumed.report() == whole.report())
        #expect(whole.report().row("retrieval.top_score")?.drifted == true)
    }

    @Test func aCommitAgainstAStaleRowIDIsRefused() throws {
        let store = try SQLiteStore(path: ":memory:")
        #expect(try store.saveDriftState(lastRowID: 10, state: [1], expectedLastRowID: nil))
        #expect(try !store.saveDriftState(lastRowID: 20, state: [2], expectedLastRowID: nil))
        #expect(try !store.saveDriftState(lastRowID: 20, state: [2], expectedLastRowID: 5))
        #expect(try store.saveDriftState(lastRowID: 20, state: [3], expectedLastRowID: 10))
        #expect(try store.loadDriftState()?.state == [3])
        #expect(try store.loadDriftState()?.lastRowID == 20)
        #expect(try store.schemaVersion() >= 3)
    }

    @Test func stateFromAnotherConfigurationIsNotRestored() throws {
        var engine = DriftEngine()
        for r in try DriftScenario.generator([], hours: 1).prefix(500) { engine.ingest(r) }
        var other = DriftConfiguration()
        other.bucketMicros = 60_000_000
        #expect(try DriftEngine(configuration: other, restoring: engine.snapshot()) == nil)
        #expect(try DriftEngine(configuration: DriftConfiguration(), restoring: engine.snapshot()) != nil)
    }

    @Test func memoryIsBoundedByTheWindowsNotTheStream() throws {
        var configuration = DriftConfiguration()
        configuration.baseline = .leading(durationMicros: 1_800_000_000)
        configuration.currentWindowMicros = 1_800_000_000
        var engine = DriftEngine(configuration: configuration)
        var sizes: [Int] = []
        var n = 0
        for r in try DriftScenario.generator([], hours: 4) {
            engine.ingest(r)
            n += 1
            if n % 12_000 == 0 { sizes.append(try engine.snapshot().count) }
        }
        // 30-minute current window in 5-minute buckets: 6 kept, plus the one being filled.
        #expect(engine.bucketCount <= 7)
        // After the baseline closes and the window is full, the state stops growing with the stream.
        let late = sizes.suffix(2)
        #expect(Double(late.last!) < Double(late.first!) * 1.1, "\(sizes)")
    }
}
