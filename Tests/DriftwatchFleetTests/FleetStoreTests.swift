import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
@testable import DriftwatchFleet
import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

@Suite("Fleet store on PostgreSQL", .serialized)
struct FleetStoreTests {
    static let logger = FleetTestDatabase.logger

    @Test("URLs: user, password, host, port, database and sslmode are read; bad ones are named")
    func urls() throws {
        let u = try FleetURL("postgres://dw:s%40cret@db.example:6543/fleet?sslmode=require")
        #expect(u.username == "dw" && u.password == "s@cret" && u.host == "db.example" && u.port == 6543)
        #expect(u.database == "fleet" && u.sslMode == "require" && u.endpoint == "db.example:6543/fleet")
        let d = try FleetURL("postgresql://postgres@127.0.0.1/postgres")
        #expect(d.port == 5432 && d.password == nil && d.sslMode == "prefer")
        for (bad, says) in [("mysql://a@b/c", "not a postgres:// URL"), ("postgres://host/db", "no user name"),
                            ("postgres://a@b/c?sslmode=maybe", "sslmode \"maybe\""), ("postgres://a@b/c?x=1", "unknown parameter \"x\"")] {
            #expect(throws: DriftwatchError.self, "\(bad)") { try FleetURL(bad, source: "TEST_URL") }
            do { _ = try FleetURL(bad, source: "TEST_URL") } catch let e as DriftwatchError {
                #expect(e.message.contains("TEST_URL") && e.message.contains(says), "\(e.message)")
            }
        }
    }

    @Test("backoff doubles from 1s to 1 min while shipping fails, and returns to the interval")
    func backoff() {
        var b = FleetBackoff(interval: .seconds(10))
        #expect([b.failed(), b.failed(), b.failed()] == [.seconds(1), .seconds(2), .seconds(4)])
        for _ in 0..<10 { _ = b.failed() }
        #expect(b.failed() == .seconds(60))
        #expect(b.succeeded() == .seconds(10))
        #expect(b.failed() == .seconds(1))
    }

    @Test("a missing fleet URL variable is an error naming it")
    func missingVariable() throws {
        var settings = DriftwatchConfiguration.FleetSettings()
        settings.urlEnvironmentVariable = "DW_FLEET_TEST_UNSET"
        do {
            _ = try FleetShipping.url(settings, environment: [:])
            Issue.record("no error")
        } catch let e as DriftwatchError {
            #expect(e.message.contains("DW_FLEET_TEST_UNSET") && e.message.contains("not set"), "\(e.message)")
        }
    }

    @Test("config: fleet keys load and render back; config check says where run ships, or why it cannot")
    func configuration() throws {
        let config = try ConfigurationLoader().load(yaml: "fleet: { url_env: DW_FLEET_TEST_UNSET, node: replica-b, interval: 30s }")
        #expect(config.fleet.urlEnvironmentVariable == "DW_FLEET_TEST_UNSET" && config.fleet.node == "replica-b" && config.fleet.intervalMillis == 30_000)
        #expect(try ConfigurationLoader().load(yaml: ConfigurationRenderer.render(config)) == config)
        #expect(try ConfigurationLoader().load(yaml: "").fleet.isEnabled == false)
        for (yaml, says) in [("fleet: { url_env: 'postgres://a@b/c' }", "fleet.url_env"), ("fleet: { node: '' }", "fleet.node"),
                             ("fleet: { interval: 10 }", "fleet.interval")] {
            do {
                _ = try ConfigurationLoader().load(yaml: yaml)
                Issue.record("accepted: \(yaml)")
            } catch let e as DriftwatchError {
                #expect(e.message.contains(says), "\(e.message)")
            }
        }
        let report = ConfigCheckReport.make(configuration: config, configFile: nil)
        #expect(report.fleet == "unusable" && report.errors.contains { $0.contains("DW_FLEET_TEST_UNSET") }, "\(report.errors)")
    }

    @Test("migrations apply once when three sidecars start together, and again is a no-op")
    func migrations() async throws {
        try await FleetTestDatabase.with { db in
            let url = try db.fleetURL
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await FleetStore.withStore(url: url, logger: Self.logger) { try await $0.migrate() } }
                }
                try await group.waitForAll()
            }
            let version = try await FleetStore.withStore(url: url, logger: Self.logger) { store in
                try await store.migrate()
                return try await store.appliedSchemaVersion()
            }
            #expect(version == FleetStore.schemaVersion)
            let rows = try await FleetStore.withStore(url: url, logger: Self.logger) { try await $0.count("SELECT count(*) FROM fleet_schema") }
            #expect(rows == Int64(FleetMigration.all.count))
        }
    }

    /// A sidecar store with real analysed state: a generated workload with a tool outage, ingested and analysed.
    static func sidecar(_ dir: TemporaryDirectory, records: Int = 6_000) throws -> (store: SQLiteStore, configuration: DriftwatchConfiguration) {
        let preset = try WorkloadPreset.named("tool-outage")
        var workload = try preset.configuration(seed: 3, requestsPerMinute: 60)
        workload.length = .records(records)
        let logPath = dir.path + "/requests.jsonl"
        _ = try WorkloadWriter(path: logPath).write(try WorkloadGenerator(workload))
        var configuration = DriftwatchConfiguration()
        configuration.databasePath = dir.path + "/node.sqlite"
        configuration.analysis.exportDirectory = nil
        configuration.retention.policy.maxAgeMicros = nil
        _ = try BackfillRunner.run(paths: [logPath], configuration: configuration, logger: logger, showProgress: false, analyze: true)
        return (try SQLiteStore(path: configuration.databasePath, access: .existing, logger: logger), configuration)
    }

    @Test("shipping the same state twice changes nothing: every value replaces, nothing adds")
    func replay() async throws {
        let dir = TemporaryDirectory(prefix: "fleet-replay")
        let (store, configuration) = try Self.sidecar(dir)
        let shipper = FleetShipper(store: store, node: "replica-a", configuration: configuration.analysis.engine)
        try await FleetTestDatabase.with { db in
            try await FleetStore.withStore(url: try db.fleetURL, logger: Self.logger) { fleet in
                try await fleet.migrate()
                let first = try await shipper.ship(to: fleet)
                #expect(!first.upToDate && first.rollups > 0 && first.versions > 0 && first.shapeBuckets > 0)
                let before = try await fleet.dump()
                // Nothing changed: nothing sent.
                #expect(try await shipper.ship(to: fleet).upToDate)
                // The cursor lost (a crash between the commit and the cursor write): everything is sent again.
                try store.setFleetShipCursor(FleetShipCursor())
                let again = try await shipper.ship(to: fleet)
                #expect(again.rollups == first.rollups)
                let after = try await fleet.dump()
                #expect(after == before)
                // The merged requests are the stored records', once.
                let merge = try await FleetMerge.read(fleet, configuration: configuration.analysis.engine)
                let whole = merge.buckets.flatMap(\.rollups).filter { $0.scope.dimension.isEmpty }.map(\.counters.requests).reduce(0, +)
                let analysed = try store.analysisCheckpoint().recordCounts["analysed"] ?? -1
                #expect(whole == analysed && whole > 0)
                let stored = try store.summary().records
                #expect(merge.nodes.map(\.node) == ["replica-a"] && merge.nodes[0].records == stored)
            }
        }
    }
}

extension FleetStore {
    /// Every row the fleet store holds, as text (shipping bookkeeping left out): what a replay must not change.
    func dump() async throws -> [String] {
        var out: [String] = []
        for (table, columns) in [("fleet_rollups", "node, bucket_us, start_us, task, dimension, value, requests, outcomes, successes, encode(counters, 'hex')"),
                                 ("fleet_versions", "node, component, version, first_seen_us, last_seen_us, requests"),
                                 ("fleet_shapes", "node, id, task, predicates"),
                                 ("fleet_shape_buckets", "node, bucket_us, start_us, encode(counts, 'hex')"),
                                 ("fleet_nodes", "node, bucket_us, watermark_us, analysis_row_id, records, dead_letters, duplicates, record_counts, check_names")] {
            out += try await lines("SELECT concat_ws('|', \(columns)) FROM \(table) ORDER BY 1").map { table + ": " + $0 }
        }
        return out
    }
}
