/// The sidecar's own metrics, registered once and shared by every service (ingest, OTLP receiver,
/// analyzer, drift detector, alert dispatcher). Served as `GET /metrics`.
public struct SidecarMetrics: Sendable {
    public let registry: MetricsRegistry
    /// Always 1; labels `version` and `commit` say which build is running.
    public let buildInfo: MetricsGauge

    // Ingest (tailer)
    public let filesWatched: MetricsGauge
    public let bytesRead: MetricsCounter
    /// Labels: `source` (`file`, `otlp`).
    public let recordsRead: MetricsCounter
    /// Labels: `code` (`invalid_json`, `missing_field`, ...).
    public let deadLetters: MetricsCounter
    /// Seconds between the newest stored record's timestamp and now.
    public let ingestLagSeconds: MetricsGauge
    /// Records and dead letters retention deleted from the store (the store's total, so it survives restarts).
    public let retentionDeletedRecords: MetricsCounter
    public let retentionDeletedDeadLetters: MetricsCounter

    // Analysis, drift, alerts
    /// Records the analyzer was given, by `outcome`: `analysed`, `beyond_lateness` (older than the watermark
    /// minus the lateness horizon), `future` (dated beyond the clock-skew bound); only `analysed` ones are rolled up.
    public let analysisRecords: MetricsCounter
    /// Analysed records that arrived after their window was evaluated (folded in, windows re-evaluated).
    public let analysisLateRecords: MetricsCounter
    /// Labels: `component` (`model`, `template`, `retrieval`, `tool`, ...).
    public let openIncidents: MetricsGauge
    /// Labels: `signal` (the drifting feature or metric).
    public let driftFlags: MetricsGauge
    public let alertOutboxDepth: MetricsGauge
    /// Labels: `channel` (`webhook`, `smtp`).
    public let alertSendFailures: MetricsCounter

    // OTLP receiver
    /// Labels: `code` (HTTP status), `encoding` (`protobuf`, `json`, `none`).
    public let otlpRequests: MetricsCounter
    public let otlpSpansReceived: MetricsCounter
    public let otlpPendingTraces: MetricsGauge
    /// Labels: `reason` (`complete`, `max_wait`, `overflow`, `too_many_spans`, `shutdown`).
    public let otlpTracesFlushed: MetricsCounter
    /// Labels: `result` (`inserted`, `duplicate`).
    public let otlpRecords: MetricsCounter
    public let otlpCommitFailures: MetricsCounter

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        buildInfo = registry.gauge("driftwatch_build_info", help: "Always 1; the running build's version and git commit as labels.", labels: ["version", "commit"])
        filesWatched = registry.gauge("driftwatch_files_watched", help: "Log files currently tailed.")
        bytesRead = registry.counter("driftwatch_ingest_bytes_read_total", help: "Bytes read from tailed logs (uncompressed).")
        recordsRead = registry.counter("driftwatch_ingest_records_total", help: "Records committed to the store, by source.", labels: ["source"])
        deadLetters = registry.counter("driftwatch_ingest_dead_letters_total", help: "Lines that could not be stored as records, by code.", labels: ["code"])
        ingestLagSeconds = registry.gauge("driftwatch_ingest_lag_seconds", help: "Age of the newest stored record.")
        retentionDeletedRecords = registry.counter("driftwatch_retention_deleted_records_total", help: "Records deleted by retention (max_age, max_size) from this store.")
        retentionDeletedDeadLetters = registry.counter("driftwatch_retention_deleted_dead_letters_total", help: "Dead letters deleted by retention (max_age) from this store.")
        analysisRecords = registry.counter("driftwatch_analysis_records_total", help: "Records the analyzer was given, by outcome (analysed, beyond_lateness, future).", labels: ["outcome"])
        analysisLateRecords = registry.counter("driftwatch_analysis_late_records_total", help: "Analysed records that arrived after their window was evaluated; the affected windows were re-evaluated.")
        openIncidents = registry.gauge("driftwatch_open_incidents", help: "Open regression incidents, by component.", labels: ["component"])
        driftFlags = registry.gauge("driftwatch_drift_flags", help: "Drift detectors currently flagging (1) or not (0), by signal.", labels: ["signal"])
        alertOutboxDepth = registry.gauge("driftwatch_alert_outbox_depth", help: "Notifications waiting to be sent.")
        alertSendFailures = registry.counter("driftwatch_alert_send_failures_total", help: "Failed notification attempts, by channel.", labels: ["channel"])
        otlpRequests = registry.counter("driftwatch_otlp_requests_total", help: "OTLP/HTTP export requests, by status code and encoding.", labels: ["code", "encoding"])
        otlpSpansReceived = registry.counter("driftwatch_otlp_spans_received_total", help: "Spans accepted by the OTLP receiver.")
        otlpPendingTraces = registry.gauge("driftwatch_otlp_pending_traces", help: "Traces waiting for more spans before they become records.")
        otlpTracesFlushed = registry.counter("driftwatch_otlp_traces_flushed_total", help: "Traces turned into records, by why they were flushed.", labels: ["reason"])
        otlpRecords = registry.counter("driftwatch_otlp_records_total", help: "Records from traces offered to the store, by result.", labels: ["result"])
        otlpCommitFailures = registry.counter("driftwatch_otlp_commit_failures_total", help: "Store commits of OTLP records that failed.")
    }

    /// The exposition text for `GET /metrics`.
    public func render() -> String { registry.render() }
}
