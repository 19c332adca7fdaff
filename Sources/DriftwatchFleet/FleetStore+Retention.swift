import Logging
import PostgresNIO

/// Retention in the fleet store: each sidecar deletes its own buckets older than `retention.max_age` (the same
/// semantics as its SQLite store: record time older than now minus the age), after a shipment, in bounded batches —
/// one short transaction per batch, so a first pass over a long history holds no lock for long (docs/fleet.md).
extension FleetStore {
    /// Deletes `node`'s rollup and shape-count buckets of size `bucketMicros` that ended at or before `cutoffMicros`, `batch` rows per
    /// statement. Returns the rows deleted. The version timeline and the node row are kept (small, and needed).
    @discardableResult
    public func deleteBuckets(node: String, bucketMicros: Int64, endingBy cutoffMicros: Int64, batch: Int = 5_000) async throws -> Int64 {
        var total: Int64 = 0
        // By the key's prefix (node, bucket size, start): a bucket ends at its start plus its size.
        let lastStart = cutoffMicros - bucketMicros
        do {
            while true {
                var n: Int64 = 0
                let rows = try await client.query("""
                    WITH gone AS (DELETE FROM fleet_rollups WHERE ctid IN (
                        SELECT ctid FROM fleet_rollups WHERE node = \(node) AND bucket_us = \(bucketMicros) AND start_us <= \(lastStart) LIMIT \(batch))
                        RETURNING 1)
                    SELECT count(*)::bigint FROM gone
                    """, logger: logger)
                for try await c in rows.decode(Int64.self) { n = c }
                total += n
                if n < Int64(batch) { break }
            }
            while true {
                var n: Int64 = 0
                let rows = try await client.query("""
                    WITH gone AS (DELETE FROM fleet_shape_buckets WHERE ctid IN (
                        SELECT ctid FROM fleet_shape_buckets WHERE node = \(node) AND bucket_us = \(bucketMicros) AND start_us <= \(lastStart) LIMIT \(batch))
                        RETURNING 1)
                    SELECT count(*)::bigint FROM gone
                    """, logger: logger)
                for try await c in rows.decode(Int64.self) { n = c }
                total += n
                if n < Int64(batch) { break }
            }
        } catch {
            throw failure("deleting node \(node)'s buckets past retention", error)
        }
        return total
    }
}
