import DriftwatchMetrics
import Testing

@Suite struct PrometheusTextRendererTests {
    @Test func rendersHelpTypeLabelsAndEscapes() {
        let r = MetricsRegistry()
        let c = r.counter("jobs_total", help: "Jobs done.\nSecond line \\ here", labels: ["queue", "result"])
        let g = r.gauge("depth", help: "Queue depth.")
        let empty = r.gauge("incidents", help: "Open incidents.", labels: ["component"])
        c.increment(labels: ["b", "ok"])
        c.increment(by: 2.5, labels: ["a \"quoted\"\\x\ny", "ok"])
        c.increment(by: -1, labels: ["b", "ok"])  // counters never go down
        g.set(.infinity)
        _ = empty
        #expect(r.render() == """
        # HELP jobs_total Jobs done.\\nSecond line \\\\ here
        # TYPE jobs_total counter
        jobs_total{queue="a \\"quoted\\"\\\\x\\ny",result="ok"} 2.5
        jobs_total{queue="b",result="ok"} 1
        # HELP depth Queue depth.
        # TYPE depth gauge
        depth +Inf
        # HELP incidents Open incidents.
        # TYPE incidents gauge

        """)
    }

    @Test func replaceAllDropsVanishedLabelsAndCollectorsRunAtRender() {
        let r = MetricsRegistry()
        let g = r.gauge("open", help: "h", labels: ["component"])
        g.set(1, labels: ["model"])
        g.replaceAll([(["tool"], 3)])
        let depth = r.gauge("outbox", help: "h")
        r.addCollector { depth.set(7) }
        let text = r.render()
        #expect(!text.contains("model"))
        #expect(text.contains("open{component=\"tool\"} 3\n"))
        #expect(text.contains("outbox 7\n"))
        #expect(r.value("outbox") == 7)
        // Registering the same family again returns the same series.
        r.gauge("open", help: "h", labels: ["component"]).add(1, labels: ["tool"])
        #expect(r.value("open", labels: ["tool"]) == 4)
    }

    @Test func sidecarMetricsRenderEveryFamily() {
        let text = SidecarMetrics().render()
        for name in ["driftwatch_files_watched", "driftwatch_ingest_bytes_read_total", "driftwatch_ingest_records_total",
                     "driftwatch_ingest_dead_letters_total", "driftwatch_ingest_lag_seconds", "driftwatch_open_incidents",
                     "driftwatch_drift_flags", "driftwatch_alert_outbox_depth", "driftwatch_alert_send_failures_total",
                     "driftwatch_otlp_requests_total", "driftwatch_otlp_pending_traces", "driftwatch_build_info",
                     "driftwatch_retention_deleted_records_total", "driftwatch_retention_deleted_dead_letters_total"] {
            #expect(text.contains("# TYPE \(name) "))
        }
    }
}
