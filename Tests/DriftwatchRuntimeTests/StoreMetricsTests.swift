import DriftwatchCore
import DriftwatchDemo
import DriftwatchDrift
import DriftwatchIngest
import DriftwatchMetrics
@testable import DriftwatchRuntime
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Logging
import Testing

@Suite("/metrics from the store: outbox, failures, deliveries")
struct StoreMetricsTests {
    static func row(_ id: String, receiver: String) -> OutboxRow {
        OutboxRow(id: id, receiver: receiver, kind: "webhook", groupKey: "g-\(id)", payload: "{}", createdAtMicros: 1, nextAttemptAtMicros: 1)
    }

    @Test("twelve failed deliveries show as outbox depth and send failures by receiver; a delivery sets the last delivery time")
    func outboxAndFailures() throws {
        let dir = TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("db.sqlite"))
        let metrics = SidecarMetrics()
        metrics.touch(components: [], features: [], receivers: ["ops", "pager"])
        MetricsBridge.install(metrics: metrics, ingest: IngestStats(), store: store, receivers: ["ops", "pager"])
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_alert_outbox_depth", labels: ["ops"]) == 0)
        #expect(metrics.registry.value("driftwatch_alert_send_failures_total", labels: ["pager"]) == 0)
        #expect(metrics.registry.value("driftwatch_last_delivery_timestamp_seconds") == 0)

        try store.enqueueNotifications([Self.row("a", receiver: "ops"), Self.row("b", receiver: "ops"), Self.row("c", receiver: "pager")])
        // Twelve failures for `ops`: six attempts each on two notifications, still pending.
        for attempt in 1...6 {
            for id in ["a", "b"] {
                try store.recordAttempt(id: id, status: .pending, attempts: attempt, nextAttemptAtMicros: 2, error: "connection refused", at: 2)
            }
        }
        // `pager`: one failure, then delivered.
        try store.recordAttempt(id: "c", status: .pending, attempts: 1, nextAttemptAtMicros: 2, error: "503", at: 2)
        let deliveredAt = WallClock.nowMicros()
        try store.recordAttempt(id: "c", status: .delivered, attempts: 2, nextAttemptAtMicros: 2, error: nil, at: deliveredAt)
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_alert_outbox_depth", labels: ["ops"]) == 2)
        #expect(metrics.registry.value("driftwatch_alert_outbox_depth", labels: ["pager"]) == 0)
        #expect(metrics.registry.value("driftwatch_alert_send_failures_total", labels: ["ops"]) == 12)
        #expect(metrics.registry.value("driftwatch_alert_send_failures_total", labels: ["pager"]) == 1)
        #expect(metrics.registry.value("driftwatch_last_delivery_timestamp_seconds") == Double(deliveredAt) / 1e6)

        // Retried from scratch: the counter does not go down, and later failures add on.
        try store.recordAttempt(id: "a", status: .undeliverable, attempts: 7, nextAttemptAtMicros: 2, error: "gave up", at: 3)
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_alert_send_failures_total", labels: ["ops"]) == 13)
        #expect(try store.retryUndeliverable(now: 4) == 1)
        _ = metrics.render()
        try store.recordAttempt(id: "a", status: .pending, attempts: 1, nextAttemptAtMicros: 5, error: "refused", at: 5)
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_alert_send_failures_total", labels: ["ops"]) == 14)
        #expect(metrics.registry.value("driftwatch_open_incidents", labels: ["model"]) == 0)
    }

    @Test("open incidents by component and the last analysis time come from the analyzer's commits")
    func incidentsAndAnalysis() throws {
        let dir = TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("db.sqlite"))
        let metrics = SidecarMetrics()
        metrics.touch(components: ["retrieval", "tools", "wrapper", "model", "traffic"], features: [], receivers: [])
        MetricsBridge.install(metrics: metrics, ingest: IngestStats(), store: store)
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_open_incidents", labels: ["tools"]) == 0)
        #expect(metrics.registry.value("driftwatch_last_analysis_timestamp_seconds") == 0)

        let before = WallClock.nowMicros()
        func incident(_ id: String, component: String, status: String) -> StoredIncident {
            StoredIncident(id: id, task: "t", status: status, component: component, action: "tool_fix", startedAtMicros: before,
                           detectedAtMicros: before, updatedAtMicros: before, resolvedAtMicros: status == "open" ? nil : before,
                           severity: 1, document: "{}")
        }
        #expect(try store.commitAnalysis(AnalysisCommit(expectedLastRowID: 0, checkpoint: AnalysisCheckpoint(lastRowID: 0), incidents: [
            incident("a", component: "tools", status: "open"), incident("b", component: "tools", status: "open"),
            incident("c", component: "retrieval", status: "resolved"),
        ])))
        _ = metrics.render()
        #expect(metrics.registry.value("driftwatch_open_incidents", labels: ["tools"]) == 2)
        #expect(metrics.registry.value("driftwatch_open_incidents", labels: ["retrieval"]) == 0)
        #expect(metrics.registry.value("driftwatch_open_incidents", labels: ["model"]) == 0)
        let analysed = try #require(metrics.registry.value("driftwatch_last_analysis_timestamp_seconds"))
        #expect(analysed >= Double(before) / 1e6 && analysed <= Double(WallClock.nowMicros()) / 1e6)
        // The checkpoint reads back unchanged: the commit time is a row of its own.
        #expect(try store.analysisCheckpoint() == AnalysisCheckpoint(lastRowID: 0))
    }

    @Test("drift flags: 1 for a feature that drifts in some scope, 0 for a configured one that does not")
    func driftFlags() throws {
        var workload = WorkloadConfiguration(seed: 5, length: .duration(micros: 2 * 3_600_000_000))
        workload.add(try WorkloadSpecParser.parse("stale_evidence@1h15m"))
        let records = try WorkloadGenerator(workload).map { IngestedRecord(record: $0, raw: RecordEncoder().encode($0)) }
        let store = try SQLiteStore(path: ":memory:")
        _ = try store.commit(IngestBatch(records: records))
        var settings = DriftwatchConfiguration.DriftSettings()
        settings.batchRows = 3_000
        let report = try DriftRunner(store: store, settings: settings, logger: Logger(label: "test")).catchUp().engine.report()
        let metrics = SidecarMetrics()
        let features = settings.detector.features.map(\.name)
        metrics.touch(components: [], features: features, receivers: [])
        #expect(features.allSatisfy { metrics.registry.value("driftwatch_drift_flags", labels: [$0]) == 0 })

        DriftService<ContinuousClock>.publish(report, to: metrics)
        let drifting = Set(report.features.filter { $0.drifted && !$0.informational }.map(\.feature))
        #expect(!drifting.isEmpty, "stale evidence drifts something")
        for feature in drifting { #expect(metrics.registry.value("driftwatch_drift_flags", labels: [feature]) == 1, "\(feature)") }
        let tested = Set(report.features.map(\.feature))
        let quiet = features.filter { !drifting.contains($0) && tested.contains($0) }
        #expect(!quiet.isEmpty)
        for feature in quiet { #expect(metrics.registry.value("driftwatch_drift_flags", labels: [feature]) == 0, "\(feature)") }
    }
}
