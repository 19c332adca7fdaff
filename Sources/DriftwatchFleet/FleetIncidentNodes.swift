public import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchStore

/// Names the nodes a fleet incident is on: each node's counters of the incident's primary scope, read from its own
/// rows in the fleet store, over the opening test's baseline window and over the time since the incident started (to
/// its last update, or its resolution), classified by ``NodeSpread``. Since the start rather than the opening test's
/// current window: a sequential test opens an incident on little data, too little to split four ways; the buckets
/// since then say the same thing with more.
///
/// Buckets count when they overlap a window (the analyzer's windows are sums of whole buckets). The per-node
/// baselines cover the whole baseline window, while the analyzer's leaves out the time of other incidents of the
/// task. A slice incident found by the lattice search is measured on its primary scope (the new version), not on the
/// whole conjunction.
public enum FleetIncidentNodes {
    /// Sets `nodes` on every incident that has its windows; `nodes` lists every node that shipped (one with no
    /// rows in the scope counts as zero requests).
    public static func annotate(_ incidents: inout [Incident], fleet: FleetStore, nodes: [String], bucketMicros: Int64) async throws {
        for i in incidents.indices {
            let incident = incidents[i]
            guard let b = incident.baselineWindow else { continue }
            let c = (from: min(incident.startedAtMicros, incident.currentWindow?.fromMicros ?? .max),
                     to: max(incident.resolvedAtMicros ?? incident.updatedAtMicros, incident.currentWindow?.toMicros ?? .min))
            let scope = incident.primaryScope
            let rows = try await fleet.scopeRollups(bucketMicros: bucketMicros, task: scope.task, dimension: scope.dimension,
                                                     value: scope.value, from: min(b.fromMicros, c.from) - bucketMicros, to: max(b.toMicros, c.to))
            var baseline: [String: MetricCounters] = [:], current: [String: MetricCounters] = [:]
            for r in rows {
                let counters: MetricCounters
                do { counters = try MetricCounters(bytes: r.row.counters) } catch {
                    throw DriftwatchError(.fleet, "node \(r.node)'s rollup of \(scope.task) \(scope.dimension)=\(scope.value) at \(RFC3339.format(micros: r.row.startMicros)) cannot be read: \(error)")
                }
                let start = r.row.startMicros
                let end = start + bucketMicros
                if end > b.fromMicros && start < b.toMicros { baseline[r.node, default: MetricCounters()].merge(counters, sketch: false) }
                if end > c.from && start < c.to { current[r.node, default: MetricCounters()].merge(counters, sketch: false) }
            }
            // A new version has no baseline of its own: as the analyzer does, its reference is the task's.
            var taskBaseline: [String: MetricCounters] = [:]
            if !scope.isTask {
                for r in try await fleet.scopeRollups(bucketMicros: bucketMicros, task: scope.task, dimension: "", value: "",
                                                      from: b.fromMicros - bucketMicros, to: b.toMicros) {
                    let end = r.row.startMicros + bucketMicros
                    guard end > b.fromMicros && r.row.startMicros < b.toMicros else { continue }
                    taskBaseline[r.node, default: MetricCounters()].merge(try MetricCounters(bytes: r.row.counters), sketch: false)
                }
            }
            incidents[i].nodes = NodeSpread.classify(metric: incident.metric, nodes: nodes.map { node in
                // A scope with under a tenth of its task's baseline requests on the node is new there (a version
                // that started at the end of the window): the task's baseline is its reference.
                let own = baseline[node] ?? MetricCounters(), task = taskBaseline[node] ?? MetricCounters()
                let useTask = !scope.isTask && own.requests * 10 < task.requests
                return (node: node, baseline: useTask ? task : own, current: current[node] ?? MetricCounters())
            })
        }
    }
}
