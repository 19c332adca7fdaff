public import DriftwatchCore
import DriftwatchStore
import Foundation
public import Logging
import NIOCore
public import PostgresNIO

extension DriftwatchError.Code {
    /// The fleet store (PostgreSQL) could not be reached, or refused a statement.
    public static let fleet = DriftwatchError.Code("fleet")
}

/// The fleet store: the mergeable state of every sidecar in PostgreSQL, over a postgres-nio connection pool.
/// Sidecars ``ship(_:)`` their state as whole values keyed by (node, bucket, scope); the central view reads every
/// node's rows (``nodes()``, ``rollups(bucketMicros:)``, …) and sums them. Schema: ``FleetMigration``.
public final class FleetStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    public let url: FleetURL

    init(client: PostgresClient, url: FleetURL, logger: Logger) {
        self.client = client
        self.url = url
        self.logger = logger
    }

    /// Runs `body` with a store whose connection pool runs meanwhile, then closes the pool.
    public static func withStore<R: Sendable>(url: FleetURL, logger: Logger, _ body: (FleetStore) async throws -> R) async throws -> R {
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: background(logger))
        let store = FleetStore(client: client, url: url, logger: logger)
        // The pool runs in a child task; `body` runs here, and the pool is cancelled (closed) when it returns.
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// The client, for a caller that runs it as a service of its own (``PostgresClient/run()``).
    public static func make(url: FleetURL, logger: Logger) -> (store: FleetStore, client: PostgresClient) {
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: background(logger))
        return (FleetStore(client: client, url: url, logger: logger), client)
    }

    /// The pool's own logger: errors only. It warns when a query is queued before `run()` started, which
    /// ``withStore(url:logger:_:)`` does by design (the query waits for it); failures reach callers as errors.
    static func background(_ logger: Logger) -> Logger {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .error)
        return quiet
    }

    /// Wraps a PostgreSQL error in one that names the server and what was being done. postgres-nio hides the
    /// server's message from `description` (it may hold data); `String(reflecting:)` shows it.
    func failure(_ doing: String, _ error: any Error) -> DriftwatchError {
        if let e = error as? DriftwatchError { return e }
        return DriftwatchError(.fleet, "fleet store \(url.endpoint): \(doing) failed: \(String(reflecting: error))")
    }

    // MARK: - Schema

    /// The newest schema version this build knows.
    public static var schemaVersion: Int { FleetMigration.all.last?.version ?? 0 }

    /// Applies the migrations not applied yet; refuses a schema newer than this build.
    public func migrate() async throws {
        do {
            try await client.withTransaction(logger: logger) { connection in
                // One sidecar at a time past this point, until this transaction ends.
                try await connection.query("SELECT pg_advisory_xact_lock(72616783)", logger: self.logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS fleet_schema (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: self.logger)
                var applied = 0
                for try await version in try await connection.query("SELECT coalesce(max(version), 0) FROM fleet_schema", logger: self.logger).decode(Int.self) {
                    applied = version
                }
                guard applied <= Self.schemaVersion else {
                    throw DriftwatchError(.fleet, "fleet store \(self.url.endpoint): its schema is version \(applied), newer than this driftwatch knows (\(Self.schemaVersion)); upgrade driftwatch")
                }
                for migration in FleetMigration.all where migration.version > applied {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await connection.query("INSERT INTO fleet_schema (version, name) VALUES (\(migration.version), \(migration.name))", logger: self.logger)
                }
            }
        } catch {
            throw failure("applying the schema", error)
        }
    }

    /// The applied schema version; 0 when nothing was ever shipped there.
    public func appliedSchemaVersion() async throws -> Int {
        do {
            var exists = false
            for try await e in try await client.query("SELECT to_regclass('fleet_schema') IS NOT NULL", logger: logger).decode(Bool.self) { exists = e }
            guard exists else { return 0 }
            var version = 0
            for try await v in try await client.query("SELECT coalesce(max(version), 0) FROM fleet_schema", logger: logger).decode(Int.self) { version = v }
            return version
        } catch {
            throw failure("reading the schema version", error)
        }
    }

    // MARK: - Shipping

    /// Rows per multi-row statement (arrays bound as parameters: one round trip per chunk).
    static let chunk = 5_000

    /// Stores one node's snapshot in one transaction: every value replaces the node's row with the same key.
    public func ship(_ s: NodeSnapshot) async throws {
        do {
            try await client.withTransaction(logger: logger) { c in
                let counts = s.recordCounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                let checks = s.checkNames.joined(separator: "\u{1E}")
                try await c.query("""
                    INSERT INTO fleet_nodes (node, bucket_us, watermark_us, analysis_row_id, records, dead_letters, duplicates,
                        record_counts, check_names, shipments, shipped_at)
                    VALUES (\(s.node), \(s.bucketMicros), \(s.watermarkMicros), \(s.analysisRowID), \(s.records), \(s.deadLetters),
                        \(s.duplicates), \(counts), \(checks), 1, now())
                    ON CONFLICT (node) DO UPDATE SET bucket_us = EXCLUDED.bucket_us, watermark_us = EXCLUDED.watermark_us,
                        analysis_row_id = EXCLUDED.analysis_row_id, records = EXCLUDED.records,
                        dead_letters = EXCLUDED.dead_letters, duplicates = EXCLUDED.duplicates,
                        record_counts = EXCLUDED.record_counts, check_names = EXCLUDED.check_names,
                        shipments = fleet_nodes.shipments + 1, shipped_at = now()
                    """, logger: self.logger)
                var i = 0
                while i < s.rollups.count {
                    let part = s.rollups[i..<min(i + Self.chunk, s.rollups.count)]
                    i += Self.chunk
                    let buckets = part.map(\.bucketMicros), starts = part.map(\.startMicros)
                    let tasks = part.map(\.task), dimensions = part.map(\.dimension), values = part.map(\.value)
                    let requests = part.map(\.requests), outcomes = part.map(\.outcomes), successes = part.map(\.successes)
                    let counters = part.map { ByteBuffer(bytes: $0.counters) }
                    try await c.query("""
                        INSERT INTO fleet_rollups (node, bucket_us, start_us, task, dimension, value, requests, outcomes, successes, counters)
                        SELECT \(s.node), * FROM unnest(\(buckets)::bigint[], \(starts)::bigint[], \(tasks)::text[], \(dimensions)::text[],
                            \(values)::text[], \(requests)::bigint[], \(outcomes)::bigint[], \(successes)::bigint[], \(counters)::bytea[])
                        ON CONFLICT (node, bucket_us, start_us, task, dimension, value) DO UPDATE SET requests = EXCLUDED.requests,
                            outcomes = EXCLUDED.outcomes, successes = EXCLUDED.successes, counters = EXCLUDED.counters
                        """, logger: self.logger)
                }
                if !s.versions.isEmpty {
                    let components = s.versions.map(\.component), versions = s.versions.map(\.version)
                    let first = s.versions.map(\.firstSeenMicros), last = s.versions.map(\.lastSeenMicros), requests = s.versions.map(\.requests)
                    try await c.query("""
                        INSERT INTO fleet_versions (node, component, version, first_seen_us, last_seen_us, requests)
                        SELECT \(s.node), * FROM unnest(\(components)::text[], \(versions)::text[], \(first)::bigint[], \(last)::bigint[], \(requests)::bigint[])
                        ON CONFLICT (node, component, version) DO UPDATE SET first_seen_us = EXCLUDED.first_seen_us,
                            last_seen_us = EXCLUDED.last_seen_us, requests = EXCLUDED.requests
                        """, logger: self.logger)
                }
                if !s.shapes.isEmpty {
                    let ids = s.shapes.map(\.id), tasks = s.shapes.map(\.task)
                    let predicates = s.shapes.map { Self.encodePredicates($0.predicates) }
                    try await c.query("""
                        INSERT INTO fleet_shapes (node, id, task, predicates)
                        SELECT \(s.node), * FROM unnest(\(ids)::bigint[], \(tasks)::text[], \(predicates)::text[])
                        ON CONFLICT (node, id) DO UPDATE SET task = EXCLUDED.task, predicates = EXCLUDED.predicates
                        """, logger: self.logger)
                }
                var j = 0
                while j < s.shapeBuckets.count {
                    let part = s.shapeBuckets[j..<min(j + Self.chunk, s.shapeBuckets.count)]
                    j += Self.chunk
                    let starts = part.map(\.startMicros), counts = part.map { ByteBuffer(bytes: $0.counts) }
                    try await c.query("""
                        INSERT INTO fleet_shape_buckets (node, bucket_us, start_us, counts)
                        SELECT \(s.node), \(s.bucketMicros), * FROM unnest(\(starts)::bigint[], \(counts)::bytea[])
                        ON CONFLICT (node, bucket_us, start_us) DO UPDATE SET counts = EXCLUDED.counts
                        """, logger: self.logger)
                }
            }
        } catch {
            throw failure("shipping node \(s.node)'s state", error)
        }
    }

    static func encodePredicates(_ predicates: [(dimension: String, value: String)]) -> String {
        predicates.map { $0.dimension + "\u{1F}" + $0.value }.joined(separator: "\u{1E}")
    }

    static func decodePredicates(_ text: String) -> [(dimension: String, value: String)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { part in
            let pieces = part.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (dimension: pieces[0], value: pieces.count > 1 ? pieces[1] : "")
        }
    }
}
