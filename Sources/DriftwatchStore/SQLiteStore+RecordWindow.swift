extension SQLiteStore {
    /// Record aggregates for records with `ts` in `[from, to)` plus dead letters created in that span:
    /// the inputs of the metric alert rules. `task` narrows to one task.
    public func recordWindowStats(from: Int64, to: Int64, task: String? = nil) throws -> RecordWindowStats {
        try withConnection { connection in
            var stats = RecordWindowStats()
            var latencies: [Double] = []
            var lags: [Double] = []
            var costSum = 0.0
            var costs = 0
            if from < to {
                try StoredBlock.scan(connection, from: from, to: to, withLines: false) { block in
                    for e in block.entries where e.timestampMicros >= from && e.timestampMicros < to && (task == nil || e.task == task) {
                        stats.records += 1
                        if let outcome = e.outcome {
                            stats.outcomes += 1
                            if outcome == "success" { stats.successes += 1 }
                        }
                        if let cost = e.costUSD { costSum += cost; costs += 1 }
                        if let latency = e.latencyMillis { latencies.append(latency) }
                        lags.append(Double(block.ingestedAt - e.timestampMicros) / 1e6)
                    }
                    return true
                }
            }
            if costs > 0 { stats.costPerRequest = costSum / Double(costs) }
            if stats.records > 0 {
                // The nearest-rank 95th percentile over all records of the window (as before blocks:
                // the value at offset ⌊(n − 1) · 0.95⌋ of the sorted values, none if fewer are known).
                let offset = Int((Double(stats.records - 1) * 0.95).rounded(.down))
                latencies.sort()
                lags.sort()
                if offset < latencies.count { stats.p95LatencyMillis = latencies[offset] }
                if offset < lags.count { stats.p95IngestLagSeconds = lags[offset] }
            }
            let dead = try connection.prepare("SELECT COUNT(*) FROM dead_letters WHERE created_at >= ? AND created_at < ?")
            dead.bind(1, from)
            dead.bind(2, to)
            if try dead.step() { stats.deadLetters = dead.int64(0) }
            let newest = try connection.prepare("SELECT ingested_at FROM record_blocks ORDER BY first_row DESC LIMIT 1")
            if try newest.step() { stats.newestIngestedAtMicros = newest.optionalInt64(0) }
            return stats
        }
    }
}
