public import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchStore

/// The fleet's state summed over its nodes, bucket by bucket: what the central analysis folds
/// (``AnalysisEngine/fold(_:timeline:)``).
public struct FleetMerge: Sendable {
    public var nodes: [FleetNode]
    /// Fine buckets, oldest first.
    public var buckets: [MergedBucket]
    public var timeline: MergedTimeline

    /// Reads every node's rows and sums them. Every node must use the analyzer's fine bucket `bucketMicros`.
    public static func read(_ fleet: FleetStore, configuration: AnalysisConfiguration) async throws -> FleetMerge {
        let nodes = try await fleet.nodes()
        for node in nodes where node.bucketMicros != configuration.bucketMicros {
            throw DriftwatchError(.fleet, "node \(node.node) ships \(node.bucketMicros / 1_000_000)s buckets but analysis.bucket here is \(configuration.bucketMicros / 1_000_000)s: set the same analysis.bucket on every sidecar and the central view")
        }
        let rollups = try await fleet.rollups(bucketMicros: configuration.bucketMicros)
        let versions = try await fleet.versions()
        var shapesByNode: [String: [Int64: AnalysisShapeRow]] = [:]
        var shapeBuckets: [FleetShapeBucketRow] = []
        if configuration.detectSlices {
            for (node, rows) in try await fleet.shapes() {
                shapesByNode[node] = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            }
            shapeBuckets = try await fleet.shapeBuckets(bucketMicros: configuration.bucketMicros)
        }
        let checks = Dictionary(nodes.map { ($0.node, $0.checkNames) }, uniquingKeysWith: { $1 })
        let newest = nodes.compactMap(\.watermarkMicros).max() ?? .max

        // Rollups: rows come ordered by (start, scope, node), so equal keys are adjacent.
        var byStart: [Int64: MergedBucket] = [:]
        var last: (start: Int64, scope: ScopeKey)?
        for r in rollups {
            let scope = ScopeKey(task: r.row.task, dimension: r.row.dimension, value: r.row.value)
            let counters: MetricCounters
            do { counters = try MetricCounters(bytes: r.row.counters) } catch {
                throw DriftwatchError(.fleet, "node \(r.node)'s rollup of \(r.row.task) \(r.row.dimension)=\(r.row.value) at \(RFC3339.format(micros: r.row.startMicros)) cannot be read: \(error)")
            }
            var bucket = byStart[r.row.startMicros] ?? MergedBucket(startMicros: r.row.startMicros, newestMicros: newest)
            if let l = last, l.start == r.row.startMicros, l.scope == scope, !bucket.rollups.isEmpty {
                bucket.rollups[bucket.rollups.count - 1].counters.merge(counters)
            } else {
                bucket.rollups.append((scope, counters))
            }
            last = (r.row.startMicros, scope)
            byStart[r.row.startMicros] = bucket
        }
        // Shapes: each node numbers its shapes and checks its own way; they are keyed by content here.
        let stride = 2 + 2 * ShapeTable.maxChecks
        for b in shapeBuckets {
            guard let shapes = shapesByNode[b.node] else { continue }
            let names = checks[b.node] ?? []
            var bucket = byStart[b.startMicros] ?? MergedBucket(startMicros: b.startMicros, newestMicros: newest)
            var index: [String: Int] = [:]
            for (i, s) in bucket.shapes.enumerated() { index[Self.key(s.task, s.predicates)] = i }
            let entry = (stride + 1) * 4
            guard b.counts.count >= 4, (b.counts.count - 4) % entry == 0 else {
                throw DriftwatchError(.fleet, "node \(b.node)'s shape counts at \(RFC3339.format(micros: b.startMicros)) have \(b.counts.count) bytes, not 4 + n × \(entry)")
            }
            var offset = 4
            while offset < b.counts.count {
                let id = Int64(Self.u32(b.counts, offset))
                guard let shape = shapes[id] else {
                    throw DriftwatchError(.fleet, "node \(b.node)'s shape counts at \(RFC3339.format(micros: b.startMicros)) name shape \(id), which it never shipped")
                }
                let predicates = shape.predicates.map { ScopeKey(task: shape.task, dimension: $0.dimension, value: $0.value) }
                let key = Self.key(shape.task, predicates)
                var counts = index[key].map { bucket.shapes[$0] } ?? MergedShapeCounts(task: shape.task, predicates: predicates)
                func value(_ k: Int) -> Int64 { Int64(Int32(bitPattern: Self.u32(b.counts, offset + 4 * (k + 1)))) }
                counts.outcomes += value(0)
                counts.failures += value(1)
                for (i, name) in names.prefix(ShapeTable.maxChecks).enumerated() {
                    let trials = value(2 + 2 * i), failures = value(3 + 2 * i)
                    guard trials != 0 || failures != 0 else { continue }
                    var c = counts.checks[name] ?? ShapeCheckCounts(trials: 0, failures: 0)
                    c.trials += trials
                    c.failures += failures
                    counts.checks[name] = c
                }
                if let i = index[key] { bucket.shapes[i] = counts } else {
                    index[key] = bucket.shapes.count
                    bucket.shapes.append(counts)
                }
                offset += entry
            }
            byStart[b.startMicros] = bucket
        }
        // The order scopes and shapes meet the engine. A sidecar numbers scopes as it first meets them, and the
        // analyzer breaks a few ties by that number (docs/fleet.md); each bucket's new scopes are therefore folded in
        // the order the nodes first met them (their shape tables list scopes in that order), not by name.
        var scopeRank: [ScopeKey: Int] = [:]
        var shapeRank: [String: Int] = [:]
        for (_, shapes) in shapesByNode {
            var seen: Set<ScopeKey> = []
            var rank = 0
            for id in shapes.keys.sorted() {
                let shape = shapes[id]!
                let predicates = shape.predicates.map { ScopeKey(task: shape.task, dimension: $0.dimension, value: $0.value) }
                let key = Self.key(shape.task, predicates)
                shapeRank[key] = min(shapeRank[key] ?? .max, Int(id))
                for scope in [ScopeKey(task: shape.task)] + predicates where seen.insert(scope).inserted {
                    scopeRank[scope] = min(scopeRank[scope] ?? .max, rank)
                    rank += 1
                }
            }
        }
        for start in byStart.keys {
            byStart[start]!.rollups.sort { (scopeRank[$0.scope] ?? .max, $0.scope) < (scopeRank[$1.scope] ?? .max, $1.scope) }
            byStart[start]!.shapes.sort {
                let a = Self.key($0.task, $0.predicates), b = Self.key($1.task, $1.predicates)
                return (shapeRank[a] ?? .max, a) < (shapeRank[b] ?? .max, b)
            }
        }
        let timeline = MergedTimeline(versions.map {
            VersionTimeline.Entry(component: $0.row.component, version: $0.row.version, firstSeenMicros: $0.row.firstSeenMicros,
                                  lastSeenMicros: $0.row.lastSeenMicros, requests: $0.row.requests)
        })
        return FleetMerge(nodes: nodes, buckets: byStart.keys.sorted().map { byStart[$0]! }, timeline: timeline)
    }

    static func key(_ task: String, _ predicates: [ScopeKey]) -> String {
        ([task] + predicates.map { $0.dimension + "\u{1F}" + $0.value }.sorted()).joined(separator: "\u{1E}")
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
