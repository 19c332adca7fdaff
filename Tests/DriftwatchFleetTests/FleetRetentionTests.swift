import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchFleet
import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// The shipping backlog (`status`, `/metrics`) and retention in the fleet store (issue #17).
@Suite("Fleet: backlog and retention", .serialized)
struct FleetRetentionTests {
    @Test("the backlog is every stored record until a shipment, none after; status shows it")
    func backlog() async throws {
        let dir = TemporaryDirectory(prefix: "fleet-backlog")
        let (store, configuration) = try FleetStoreTests.sidecar(dir, records: 3_000)
        let stored = try store.summary().records
        let before = try store.fleetBacklog()
        #expect(before.records == stored && before.shipments == 0)
        let oldest = try #require(before.oldestIngestedAtMicros)
        #expect(oldest <= WallClock.nowMicros())
        let status = try StatusReport.make(store: store, fleetNode: "replica-a")
        #expect(status.fleet?.unshippedRecords == stored && status.fleet?.node == "replica-a")
        #expect(try StatusReport.make(store: store).fleet == nil)
        try await FleetTestDatabase.with { db in
            try await FleetStore.withStore(url: try db.fleetURL, logger: FleetStoreTests.logger) { fleet in
                try await fleet.migrate()
                try await FleetShipper(store: store, node: "replica-a", configuration: configuration.analysis.engine).ship(to: fleet)
            }
        }
        let after = try store.fleetBacklog()
        #expect(after.records == 0 && after.oldestIngestedAtMicros == nil && after.shipments == 1)
        let text = try StatusReport.make(store: store, fleetNode: "replica-a").render(.text)
        #expect(text.contains("fleet         node replica-a: 1 shipments; 0 records not shipped yet"), "\(text)")
    }

    @Test("retention deletes a node's buckets older than max_age from the fleet store, in bounded batches, and only that node's")
    func retention() async throws {
        let dir = TemporaryDirectory(prefix: "fleet-retention")
        let (store, configuration) = try FleetStoreTests.sidecar(dir, records: 6_000)
        let engine = configuration.analysis.engine
        try await FleetTestDatabase.with { db in
            try await FleetStore.withStore(url: try db.fleetURL, logger: FleetStoreTests.logger) { fleet in
                try await fleet.migrate()
                // Two nodes with the same state; only replica-a has a retention age.
                try await FleetShipper(store: store, node: "replica-b", configuration: engine).ship(to: fleet)
                try store.setFleetShipCursor(FleetShipCursor())
                try await FleetShipper(store: store, node: "replica-a", configuration: engine).ship(to: fleet)
                let starts = try await fleet.lines("SELECT DISTINCT start_us::text FROM fleet_rollups WHERE node = 'replica-a' ORDER BY 1")
                    .compactMap(Int64.init).sorted()
                #expect(starts.count > 10)
                // An age that keeps the newer half (by record time, against now).
                let cutoff = starts[starts.count / 2]
                let maxAge = WallClock.nowMicros() - cutoff
                func rows(_ node: String) async throws -> (rollups: Int64, shapes: Int64, oldest: Int64) {
                    (try await fleet.count("SELECT count(*) FROM fleet_rollups WHERE node = '\(node)'"),
                     try await fleet.count("SELECT count(*) FROM fleet_shape_buckets WHERE node = '\(node)'"),
                     try await fleet.count("SELECT coalesce(min(start_us), 0) FROM fleet_rollups WHERE node = '\(node)'"))
                }
                let a0 = try await rows("replica-a"), b0 = try await rows("replica-b")
                let expected = try await fleet.count("SELECT count(*) FROM fleet_rollups WHERE node = 'replica-a' AND start_us + bucket_us <= \(cutoff)")
                    + (try await fleet.count("SELECT count(*) FROM fleet_shape_buckets WHERE node = 'replica-a' AND start_us + bucket_us <= \(cutoff)"))
                #expect(expected > 0)
                // Batches of 7 rows: many statements, the same result.
                let deleted = try await fleet.deleteBuckets(node: "replica-a", bucketMicros: engine.bucketMicros, endingBy: WallClock.nowMicros() - maxAge, batch: 7)
                #expect(deleted == expected)
                let a1 = try await rows("replica-a"), b1 = try await rows("replica-b")
                #expect(a1.rollups + a1.shapes == a0.rollups + a0.shapes - deleted)
                #expect(a1.oldest + engine.bucketMicros > cutoff)
                #expect(b1 == b0)
                // The shipper applies it after shipping (nothing new to ship: it still runs), and again deletes nothing more.
                let outcome = try await FleetShipper(store: store, node: "replica-a", configuration: engine, retentionMaxAgeMicros: maxAge).ship(to: fleet)
                #expect(outcome.upToDate && outcome.deleted == 0)
                // The merge reads what is left.
                let merge = try await FleetMerge.read(fleet, configuration: engine)
                #expect(!merge.buckets.isEmpty)
            }
        }
    }
}
