import DriftwatchAlerts
import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchIngest
import DriftwatchMetrics
import DriftwatchStore
import Synchronization

/// Feeds the tailer's cumulative statistics and the store's freshness into the Prometheus
/// registry at scrape time, so the hot ingest loop never touches the metrics.
enum MetricsBridge {
    static func install(metrics: SidecarMetrics, ingest: IngestStats, store: SQLiteStore, receivers: [String] = [], fleet: Bool = false) {
        // The shipping backlog, from the shipped-up-to cursor: 0 without a fleet store.
        metrics.registry.addCollector {
            guard fleet, let backlog = try? store.fleetBacklog() else {
                metrics.fleetUnshippedRecords.set(0)
                metrics.fleetOldestUnshippedSeconds.set(0)
                return
            }
            metrics.fleetUnshippedRecords.set(Double(backlog.records))
            metrics.fleetOldestUnshippedSeconds.set(backlog.oldestIngestedAtMicros.map { Double(max(0, WallClock.nowMicros() - $0)) / 1e6 } ?? 0)
        }
        // Counters only go up: remember what was already exported and add the difference.
        let exported = Mutex(IngestSnapshot())
        metrics.registry.addCollector {
            let now = ingest.snapshot
            let previous = exported.withLock { last in
                let previous = last
                last = now
                return previous
            }
            metrics.filesWatched.set(Double(now.filesWatched))
            if now.bytesRead > previous.bytesRead { metrics.bytesRead.increment(by: Double(now.bytesRead - previous.bytesRead)) }
            metrics.recordsRead.touch(labels: ["file"])
            if now.inserted > previous.inserted { metrics.recordsRead.increment(by: Double(now.inserted - previous.inserted), labels: ["file"]) }
            for (code, n) in now.deadLettersByCode where n > previous.deadLettersByCode[code, default: 0] {
                metrics.deadLetters.increment(by: Double(n - previous.deadLettersByCode[code, default: 0]), labels: [code])
            }
            metrics.ingestPaused.set(now.pausedSinceMicros == nil ? 0 : 1)
            if now.commitRetries > previous.commitRetries { metrics.ingestCommitRetries.increment(by: Double(now.commitRetries - previous.commitRetries)) }
            if let newest = try? store.newestRecordMicros() {
                metrics.ingestLagSeconds.set(Double(WallClock.nowMicros() - newest) / 1e6)
            }
        }
        // Damage any connection of this process met on this store's file (every pass reads through them).
        let damage = Mutex(0)
        metrics.registry.addCollector {
            let errors = StoreDamage.seen(path: store.path)?.errors ?? 0
            let previous = damage.withLock { last in
                let previous = last
                last = errors
                return previous
            }
            if errors > previous { metrics.storeDamageErrors.increment(by: Double(errors - previous)) }
        }
        // Retention's totals live in the store (committed with each deletion): exported as the difference since the last scrape.
        let retention = Mutex(RetentionResult(deletedRecords: 0, deletedDeadLetters: 0))
        metrics.registry.addCollector {
            guard let now = try? store.retentionTotals() else { return }
            let previous = retention.withLock { last in
                let previous = last
                last = now
                return previous
            }
            metrics.retentionDeletedRecords.touch(labels: [])
            metrics.retentionDeletedDeadLetters.touch(labels: [])
            if now.deletedRecords > previous.deletedRecords {
                metrics.retentionDeletedRecords.increment(by: Double(now.deletedRecords - previous.deletedRecords))
            }
            if now.deletedDeadLetters > previous.deletedDeadLetters {
                metrics.retentionDeletedDeadLetters.increment(by: Double(now.deletedDeadLetters - previous.deletedDeadLetters))
            }
        }
        // The analyzer's counts are committed with its checkpoint (by `run`'s analyzer or any `ingest --analyze`
        // or `analyze` on the same store): exported from there, so every writer's records are counted.
        let analysed = Mutex(RecordCounts())
        let bounded = Mutex([String: Int64]())
        metrics.registry.addCollector {
            guard let checkpoint = try? store.analysisCheckpoint() else { return }
            for (name, reason) in [(AnalysisBounds.truncatedName, "truncated"), (AnalysisBounds.foldedName, "folded")] {
                let n = checkpoint.recordCounts[name] ?? 0
                let before = bounded.withLock { last in
                    defer { last[name] = n }
                    return last[name] ?? 0
                }
                metrics.analysisBoundedValues.touch(labels: [reason])
                if n > before { metrics.analysisBoundedValues.increment(by: Double(n - before), labels: [reason]) }
            }
            let now = RecordCounts(named: checkpoint.recordCounts)
            let previous = analysed.withLock { last in
                let previous = last
                last = now
                return previous
            }
            for (outcome, n, before) in [("analysed", now.analysed, previous.analysed),
                                         ("beyond_lateness", now.beyondLateness, previous.beyondLateness),
                                         ("future", now.future, previous.future)] {
                metrics.analysisRecords.touch(labels: [outcome])
                if n > before { metrics.analysisRecords.increment(by: Double(n - before), labels: [outcome]) }
            }
            metrics.analysisLateRecords.touch(labels: [])
            if now.late > previous.late { metrics.analysisLateRecords.increment(by: Double(now.late - previous.late)) }
        }
        // Timestamps, the outbox and open incidents, read from the store so every writer's work shows.
        let failures = Mutex([String: Int64]())
        metrics.registry.addCollector {
            guard let now = try? store.metrics() else { return }
            metrics.lastIngestTimestamp.set(Double(now.lastIngestMicros ?? 0) / 1e6)
            metrics.lastAnalysisTimestamp.set(Double(now.lastAnalysisMicros ?? 0) / 1e6)
            metrics.lastDeliveryTimestamp.set(Double(now.lastDeliveryMicros ?? 0) / 1e6)
            for receiver in Set(receivers).union(now.outboxPending.keys) {
                metrics.alertOutboxDepth.set(Double(now.outboxPending[receiver] ?? 0), labels: [receiver])
            }
            // A count that went down (a notification retried from scratch) is a new starting point, not negative failures.
            let previous = failures.withLock { last in
                let previous = last
                last = now.sendFailures
                return previous
            }
            for (receiver, n) in now.sendFailures {
                metrics.alertSendFailures.touch(labels: [receiver])
                if n > previous[receiver, default: 0] { metrics.alertSendFailures.increment(by: Double(n - previous[receiver, default: 0]), labels: [receiver]) }
            }
            var open = Dictionary(uniqueKeysWithValues: RuleVocabulary.components.map { ($0, 0.0) })
            for (component, n) in now.openIncidents { open[component] = Double(n) }
            metrics.openIncidents.replaceAll(open.sorted { $0.key < $1.key }.map { (labels: [$0.key], value: $0.value) })
        }
    }
}
