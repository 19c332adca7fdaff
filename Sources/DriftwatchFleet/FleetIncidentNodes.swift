public import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchStore

/// Names the nodes a fleet incident is on: each node's counters of the incident's primary scope over the opening
/// test's baseline and current windows, read from its own rows in the fleet store, classified by ``NodeSpread``.
///
/// The per-node numbers cover the whole windows; the analyzer's baseline leaves out the time of other incidents
/// of the task, so the nodes' baselines can add up to more than the incident's. A slice incident found by the
/// lattice search is measured on its primary scope (the new version), not on the whole conjunction.
public enum FleetIncidentNodes {
    /// Sets `nodes` on every incident that has its windows; `nodes` lists every node that shipped (one with no
    /// rows in the scope counts as zero requests).
    public static func annotate(_ incidents: inout [Incident], fleet: FleetStore, nodes: [String], bucketMicros: Int64) async throws {
        for i in incidents.indices {
            let incident = incidents[i]
            guard let b = incident.baselineWindow, let c = incident.currentWindow else { continue }
            let scope = incident.primaryScope
            let rows = try await fleet.scopeRollups(bucketMicros: bucketMicros, task: scope.task, dimension: scope.dimension,
                                                     value: scope.value, from: min(b.fromMicros, c.fromMicros), to: max(b.toMicros, c.toMicros))
            var baseline: [String: MetricCounters] = [:], current: [String: MetricCounters] = [:]
            for r in rows {
                let counters: MetricCounters
                do { counters = try MetricCounters(bytes: r.row.counters) } catch {
                    throw DriftwatchError(.fleet, "node \(r.node)'s rollup of \(scope.task) \(scope.dimension)=\(scope.value) at \(RFC3339.format(micros: r.row.startMicros)) cannot be read: \(error)")
                }
                let start = r.row.startMicros
                if start >= b.fromMicros && start < b.toMicros { baseline[r.node, default: MetricCounters()].merge(counters, sketch: false) }
                if start >= c.fromMicros && start < c.toMicros { current[r.node, default: MetricCounters()].merge(counters, sketch: false) }
            }
            incidents[i].nodes = NodeSpread.classify(metric: incident.metric, nodes: nodes.map {
                (node: $0, baseline: baseline[$0] ?? MetricCounters(), current: current[$0] ?? MetricCounters())
            })
        }
    }
}
