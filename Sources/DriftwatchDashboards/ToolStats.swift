import DriftwatchAnalysis

/// Per-tool figures, computed one way for every panel so a tool's error rate reads the same everywhere:
/// calls, errors and timeouts from the task rollups' tool tables (each call counted once, whatever other tools
/// the request called), and tool-stage latency from the requests that called the tool (its version scopes).
struct ToolStats {
    struct Tool: Equatable {
        var name: String
        var calls: Int64 = 0
        var errors: Int64 = 0
        var timeouts: Int64 = 0
        /// Requests that called the tool, and the sum of their tool-stage latency.
        var requests: Int64 = 0
        var stageLatencySum = 0.0

        var errorRate: Double? { calls > 0 ? Double(errors) / Double(calls) : nil }
        var timeoutRate: Double? { calls > 0 ? Double(timeouts) / Double(calls) : nil }
        /// Mean tool-stage latency of the requests that called it (the stage covers all its tool calls).
        var latencyMs: Double? { requests > 0 ? stageLatencySum / Double(requests) : nil }

        /// The per-tool reading of a ``DashboardMetric/isPerTool`` metric.
        func value(_ metric: DashboardMetric) -> Double? {
            switch metric {
            case .toolErrorRate: return errorRate
            case .toolTimeoutRate: return timeoutRate
            case .toolLatency: return latencyMs
            default: return nil
            }
        }
    }

    /// Per tool and chart slot.
    static func perSlot(_ cube: RollupCube) -> [String: [Int64: Tool]] {
        var out: [String: [Int64: Tool]] = [:]
        func slot(_ start: Int64) -> Int64 { cube.from + ((start - cube.from) / cube.resolution) * cube.resolution }
        for scope in cube.scopes(dimension: "task") {
            for cell in cube.buckets(scope) {
                for t in cell.counters.tools {
                    var agg = out[t.name]?[slot(cell.start)] ?? Tool(name: t.name)
                    agg.calls += t.calls; agg.errors += t.errors; agg.timeouts += t.timeouts
                    out[t.name, default: [:]][slot(cell.start)] = agg
                }
            }
        }
        for scope in cube.scopes(dimension: Dimension.tool) {
            let name = Dimension.toolName(scope.value)
            for cell in cube.buckets(scope) {
                var agg = out[name]?[slot(cell.start)] ?? Tool(name: name)
                agg.requests += cell.counters.requests
                agg.stageLatencySum += cell.counters.stageLatencySums[1]
                out[name, default: [:]][slot(cell.start)] = agg
            }
        }
        return out
    }

    /// Per tool over the whole range, most called first.
    static func totals(_ cube: RollupCube) -> [Tool] {
        perSlot(cube).map { name, slots in
            slots.values.reduce(into: Tool(name: name)) { agg, t in
                agg.calls += t.calls; agg.errors += t.errors; agg.timeouts += t.timeouts
                agg.requests += t.requests; agg.stageLatencySum += t.stageLatencySum
            }
        }.sorted { ($0.calls, $1.name) > ($1.calls, $0.name) }
    }
}
