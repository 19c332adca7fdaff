public import DriftwatchStore
import Logging
import NIOCore
import PostgresNIO

/// One node's rollup bucket as stored.
public struct FleetRollupRow: Sendable {
    public var node: String
    public var row: AnalysisRollupRow
}

/// One node's shape-count bucket as stored (in that node's shape ids and check order).
public struct FleetShapeBucketRow: Sendable {
    public var node: String
    public var startMicros: Int64
    public var counts: [UInt8]
}

extension FleetStore {
    /// Every node that shipped, by name.
    public func nodes() async throws -> [FleetNode] {
        do {
            var out: [FleetNode] = []
            let rows = try await client.query("""
                SELECT node, bucket_us, watermark_us, analysis_row_id, records, dead_letters, duplicates, record_counts,
                    check_names, shipments, (extract(epoch from shipped_at) * 1000000)::bigint FROM fleet_nodes ORDER BY node
                """, logger: logger)
            for try await (node, bucket, watermark, rowID, records, deadLetters, duplicates, counts, checks, shipments, shippedAt)
                in rows.decode((String, Int64, Int64?, Int64, Int64, Int64, Int64, String, String, Int64, Int64).self) {
                var recordCounts: [String: Int64] = [:]
                for pair in counts.split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    if kv.count == 2, let v = Int64(kv[1]) { recordCounts[String(kv[0])] = v }
                }
                out.append(FleetNode(node: node, bucketMicros: bucket, watermarkMicros: watermark, analysisRowID: rowID,
                                     records: records, deadLetters: deadLetters, duplicates: duplicates, recordCounts: recordCounts,
                                     checkNames: checks.isEmpty ? [] : checks.split(separator: "\u{1E}", omittingEmptySubsequences: false).map(String.init),
                                     shipments: shipments, shippedAtMicros: shippedAt))
            }
            return out
        } catch {
            throw failure("reading the nodes", error)
        }
    }

    /// Every node's rollup buckets of one size, oldest first.
    public func rollups(bucketMicros: Int64) async throws -> [FleetRollupRow] {
        do {
            var out: [FleetRollupRow] = []
            let rows = try await client.query("""
                SELECT node, start_us, task, dimension, value, requests, outcomes, successes, counters FROM fleet_rollups
                WHERE bucket_us = \(bucketMicros) ORDER BY start_us, task, dimension, value, node
                """, logger: logger)
            for try await (node, start, task, dimension, value, requests, outcomes, successes, counters)
                in rows.decode((String, Int64, String, String, String, Int64, Int64, Int64, ByteBuffer).self) {
                out.append(FleetRollupRow(node: node, row: AnalysisRollupRow(
                    bucketMicros: bucketMicros, startMicros: start, task: task, dimension: dimension, value: value,
                    requests: requests, outcomes: outcomes, successes: successes, counters: Array(counters.readableBytesView))))
            }
            return out
        } catch {
            throw failure("reading the rollups", error)
        }
    }

    /// Every node's version timeline.
    public func versions() async throws -> [(node: String, row: AnalysisVersionRow)] {
        do {
            var out: [(node: String, row: AnalysisVersionRow)] = []
            let rows = try await client.query("""
                SELECT node, component, version, first_seen_us, last_seen_us, requests FROM fleet_versions ORDER BY component, version, node
                """, logger: logger)
            for try await (node, component, version, first, last, requests) in rows.decode((String, String, String, Int64, Int64, Int64).self) {
                out.append((node, AnalysisVersionRow(component: component, version: version, firstSeenMicros: first, lastSeenMicros: last, requests: requests)))
            }
            return out
        } catch {
            throw failure("reading the version timeline", error)
        }
    }

    /// Every node's interned record shapes, by node.
    public func shapes() async throws -> [String: [AnalysisShapeRow]] {
        do {
            var out: [String: [AnalysisShapeRow]] = [:]
            let rows = try await client.query("SELECT node, id, task, predicates FROM fleet_shapes ORDER BY node, id", logger: logger)
            for try await (node, id, task, predicates) in rows.decode((String, Int64, String, String).self) {
                out[node, default: []].append(AnalysisShapeRow(id: id, task: task, predicates: Self.decodePredicates(predicates)))
            }
            return out
        } catch {
            throw failure("reading the record shapes", error)
        }
    }

    /// Every node's shape-count buckets of one size, oldest first.
    public func shapeBuckets(bucketMicros: Int64) async throws -> [FleetShapeBucketRow] {
        do {
            var out: [FleetShapeBucketRow] = []
            let rows = try await client.query("""
                SELECT node, start_us, counts FROM fleet_shape_buckets WHERE bucket_us = \(bucketMicros) ORDER BY start_us, node
                """, logger: logger)
            for try await (node, start, counts) in rows.decode((String, Int64, ByteBuffer).self) {
                out.append(FleetShapeBucketRow(node: node, startMicros: start, counts: Array(counts.readableBytesView)))
            }
            return out
        } catch {
            throw failure("reading the shape counts", error)
        }
    }
}

extension FleetStore {
    /// Every node's rollup buckets of one scope starting in [`from`, `to`): what ``FleetIncidentNodes`` sums per node.
    public func scopeRollups(bucketMicros: Int64, task: String, dimension: String, value: String,
                             from: Int64, to: Int64) async throws -> [FleetRollupRow] {
        do {
            var out: [FleetRollupRow] = []
            let rows = try await client.query("""
                SELECT node, start_us, requests, outcomes, successes, counters FROM fleet_rollups
                WHERE bucket_us = \(bucketMicros) AND task = \(task) AND dimension = \(dimension) AND value = \(value)
                    AND start_us >= \(from) AND start_us < \(to)
                ORDER BY node, start_us
                """, logger: logger)
            for try await (node, start, requests, outcomes, successes, counters) in rows.decode((String, Int64, Int64, Int64, Int64, ByteBuffer).self) {
                out.append(FleetRollupRow(node: node, row: AnalysisRollupRow(
                    bucketMicros: bucketMicros, startMicros: start, task: task, dimension: dimension, value: value,
                    requests: requests, outcomes: outcomes, successes: successes, counters: Array(counters.readableBytesView))))
            }
            return out
        } catch {
            throw failure("reading the rollups of \(task) \(dimension)=\(value)", error)
        }
    }
}
