/// The sidecar's own metrics, registered once and shared by every service (ingest, OTLP receiver,
/// analyzer, drift detector, alert dispatcher). Served as `GET /metrics`; every family is in
/// ``declarations`` and documented in docs/metrics.md.
///
/// Every family has a sample from the start (zero until something happens), so an alert on a rate or
/// on `absent()` works from the first scrape: unlabelled families always render, labelled ones are
/// touched here for their closed label sets and by the runtime for configured ones (receivers, features).
public struct SidecarMetrics: Sendable {
    /// One declared family: what `/metrics` exposes, in this order.
    public struct Declaration: Sendable, Equatable {
        public var name: String
        public var help: String
        public var kind: MetricsRegistry.Kind
        public var labels: [String]
    }

    /// Dead-letter codes the ingester writes (see docs/README: the record format), touched at 0 from the start.
    public static let deadLetterCodes = ["invalid_json", "invalid_utf8", "missing_field", "wrong_type", "invalid_value", "too_deep", "line_too_long"]
    /// Why traces leave the OTLP receiver's pending map (`TraceAssembler.FlushReason`).
    public static let flushReasons = ["complete", "max_wait", "overflow", "too_many_spans", "shutdown"]
    /// What becomes of an OTLP log record (docs/otlp-mapping.md, "OTLP logs"): `joined` to its trace's record,
    /// `ignored` (not a GenAI event), or dead-lettered: `no_trace` (no trace id), `orphaned` (no span of its
    /// trace arrived within `max_wait`, or the trace was stored before the event came).
    public static let logRecordResults = ["joined", "ignored", "no_trace", "orphaned"]

    public let registry: MetricsRegistry
    /// Always 1; labels `version` and `commit` say which build is running.
    public let buildInfo: MetricsGauge

    // Ingest (tailer)
    public let filesWatched: MetricsGauge
    public let bytesRead: MetricsCounter
    /// Labels: `source` (`file`, `otlp`).
    public let recordsRead: MetricsCounter
    /// Labels: `code` (``deadLetterCodes``).
    public let deadLetters: MetricsCounter
    /// Seconds between the newest stored record's timestamp and now.
    public let ingestLagSeconds: MetricsGauge
    /// When records were last stored (any writer), seconds since the epoch; 0 before the first.
    public let lastIngestTimestamp: MetricsGauge
    /// 1 while the tailers' reading is paused because commits fail (disk full, damaged store), else 0.
    public let ingestPaused: MetricsGauge
    /// Commits retried after such a failure.
    public let ingestCommitRetries: MetricsCounter
    /// Errors from a damaged database file met by any pass of this process (or its integrity check).
    public let storeDamageErrors: MetricsCounter
    /// Records and dead letters retention deleted from the store (the store's total, so it survives restarts).
    public let retentionDeletedRecords: MetricsCounter
    public let retentionDeletedDeadLetters: MetricsCounter

    // Analysis, drift, alerts
    /// Records the analyzer was given, by `outcome`: `analysed`, `beyond_lateness` (older than the watermark
    /// minus the lateness horizon), `future` (dated beyond the clock-skew bound); only `analysed` ones are rolled up.
    public let analysisRecords: MetricsCounter
    /// Analysed records that arrived after their window was evaluated (folded in, windows re-evaluated).
    public let analysisLateRecords: MetricsCounter
    /// When the analyzer last committed its checkpoint, seconds since the epoch; 0 before the first.
    public let lastAnalysisTimestamp: MetricsGauge
    /// Labels: `component` (`retrieval`, `tools`, `wrapper`, `model`, `traffic`).
    public let openIncidents: MetricsGauge
    /// Labels: `feature` (a configured drift feature); 1 while any of its scopes drifts.
    public let driftFlags: MetricsGauge
    /// Labels: `receiver`. Notifications waiting to be sent (pending in the outbox).
    public let alertOutboxDepth: MetricsGauge
    /// Labels: `receiver`. Failed delivery attempts.
    public let alertSendFailures: MetricsCounter
    /// When a notification was last delivered, seconds since the epoch; 0 before the first.
    public let lastDeliveryTimestamp: MetricsGauge

    // Fleet (docs/fleet.md)
    /// Records stored but not shipped to the fleet store yet; 0 without a fleet store.
    public let fleetUnshippedRecords: MetricsGauge
    /// How long the oldest record not shipped yet has waited, seconds; 0 when none (or no fleet store).
    public let fleetOldestUnshippedSeconds: MetricsGauge

    // OTLP receiver
    /// Labels: `code` (HTTP status), `encoding` (`protobuf`, `json`, `none`).
    public let otlpRequests: MetricsCounter
    public let otlpSpansReceived: MetricsCounter
    public let otlpPendingTraces: MetricsGauge
    /// Labels: `reason` (``flushReasons``).
    public let otlpTracesFlushed: MetricsCounter
    /// Labels: `result` (`inserted`, `duplicate`).
    public let otlpRecords: MetricsCounter
    public let otlpCommitFailures: MetricsCounter
    /// Labels: `result` (``logRecordResults``): what became of each OTLP log record received.
    public let otlpLogRecords: MetricsCounter
    /// Labels: `reason` (`header_timeout`, `body_timeout`).
    public let otlpConnectionsClosed: MetricsCounter
    /// Labels: `reason` (`truncated`, `folded`).
    public let analysisBoundedValues: MetricsCounter

    /// Every family, in exposition order: the one list docs/metrics.md and the exposition test check against.
    public static let declarations: [Declaration] = [
        .init(name: "driftwatch_build_info", help: "Always 1; the running build's version and git commit as labels.", kind: .gauge, labels: ["version", "commit"]),
        .init(name: "driftwatch_files_watched", help: "Log files currently tailed.", kind: .gauge, labels: []),
        .init(name: "driftwatch_ingest_bytes_read_total", help: "Bytes read from tailed logs (uncompressed).", kind: .counter, labels: []),
        .init(name: "driftwatch_ingest_records_total", help: "Records committed to the store, by source.", kind: .counter, labels: ["source"]),
        .init(name: "driftwatch_ingest_dead_letters_total", help: "Lines that could not be stored as records, by code.", kind: .counter, labels: ["code"]),
        .init(name: "driftwatch_ingest_lag_seconds", help: "Age of the newest stored record.", kind: .gauge, labels: []),
        .init(name: "driftwatch_last_ingest_timestamp_seconds", help: "When records were last stored (Unix time; 0: never).", kind: .gauge, labels: []),
        .init(name: "driftwatch_ingest_paused", help: "1 while reading is paused because the store cannot commit (disk full, damaged database), else 0.", kind: .gauge, labels: []),
        .init(name: "driftwatch_ingest_commit_retries_total", help: "Commits retried after failing for lack of space or on a damaged database.", kind: .counter, labels: []),
        .init(name: "driftwatch_store_damage_errors_total", help: "Errors from a damaged database file met by any pass (or the integrity check) of this process; see driftwatch status --check.", kind: .counter, labels: []),
        .init(name: "driftwatch_retention_deleted_records_total", help: "Records deleted by retention (max_age, max_size) from this store.", kind: .counter, labels: []),
        .init(name: "driftwatch_retention_deleted_dead_letters_total", help: "Dead letters deleted by retention (max_age) from this store.", kind: .counter, labels: []),
        .init(name: "driftwatch_analysis_records_total", help: "Records the analyzer was given, by outcome (analysed, beyond_lateness, future).", kind: .counter, labels: ["outcome"]),
        .init(name: "driftwatch_analysis_bounded_values_total", help: "Free-form strings the analyzer cut to 256 bytes (truncated) and slice values past their key's cap counted as __other__ (folded).", kind: .counter, labels: ["reason"]),
        .init(name: "driftwatch_analysis_late_records_total", help: "Analysed records that arrived after their window was evaluated; the affected windows were re-evaluated.", kind: .counter, labels: []),
        .init(name: "driftwatch_last_analysis_timestamp_seconds", help: "When the analyzer last committed (Unix time; 0: never).", kind: .gauge, labels: []),
        .init(name: "driftwatch_open_incidents", help: "Open regression incidents, by component.", kind: .gauge, labels: ["component"]),
        .init(name: "driftwatch_drift_flags", help: "1 while a drift feature drifts in any scope, else 0, by feature.", kind: .gauge, labels: ["feature"]),
        .init(name: "driftwatch_alert_outbox_depth", help: "Notifications waiting to be sent, by receiver.", kind: .gauge, labels: ["receiver"]),
        .init(name: "driftwatch_alert_send_failures_total", help: "Failed notification delivery attempts, by receiver.", kind: .counter, labels: ["receiver"]),
        .init(name: "driftwatch_last_delivery_timestamp_seconds", help: "When a notification was last delivered (Unix time; 0: never).", kind: .gauge, labels: []),
        .init(name: "driftwatch_fleet_unshipped_records", help: "Records stored but not yet shipped to the fleet store (0 without one).", kind: .gauge, labels: []),
        .init(name: "driftwatch_fleet_oldest_unshipped_seconds", help: "How long the oldest record not yet shipped to the fleet store has waited (0: none).", kind: .gauge, labels: []),
        .init(name: "driftwatch_otlp_requests_total", help: "OTLP/HTTP export requests, by status code and encoding.", kind: .counter, labels: ["code", "encoding"]),
        .init(name: "driftwatch_otlp_spans_received_total", help: "Spans accepted by the OTLP receiver.", kind: .counter, labels: []),
        .init(name: "driftwatch_otlp_pending_traces", help: "Traces waiting for more spans before they become records.", kind: .gauge, labels: []),
        .init(name: "driftwatch_otlp_traces_flushed_total", help: "Traces turned into records, by why they were flushed.", kind: .counter, labels: ["reason"]),
        .init(name: "driftwatch_otlp_records_total", help: "Records from traces offered to the store, by result.", kind: .counter, labels: ["result"]),
        .init(name: "driftwatch_otlp_commit_failures_total", help: "Store commits of OTLP records that failed.", kind: .counter, labels: []),
        .init(name: "driftwatch_otlp_connections_closed_total", help: "OTLP connections closed for reading too slowly, by reason (header_timeout, body_timeout).", kind: .counter, labels: ["reason"]),
        .init(name: "driftwatch_otlp_log_records_total", help: "OTLP log records received, by what became of them.", kind: .counter, labels: ["result"]),
    ]

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        var gauges: [String: MetricsGauge] = [:]
        var counters: [String: MetricsCounter] = [:]
        for d in Self.declarations {
            switch d.kind {
            case .gauge: gauges[d.name] = registry.gauge(d.name, help: d.help, labels: d.labels)
            case .counter: counters[d.name] = registry.counter(d.name, help: d.help, labels: d.labels)
            }
        }
        func g(_ name: String) -> MetricsGauge { gauges[name]! }
        func c(_ name: String) -> MetricsCounter { counters[name]! }
        buildInfo = g("driftwatch_build_info")
        filesWatched = g("driftwatch_files_watched")
        bytesRead = c("driftwatch_ingest_bytes_read_total")
        recordsRead = c("driftwatch_ingest_records_total")
        deadLetters = c("driftwatch_ingest_dead_letters_total")
        ingestLagSeconds = g("driftwatch_ingest_lag_seconds")
        lastIngestTimestamp = g("driftwatch_last_ingest_timestamp_seconds")
        ingestPaused = g("driftwatch_ingest_paused")
        ingestCommitRetries = c("driftwatch_ingest_commit_retries_total")
        storeDamageErrors = c("driftwatch_store_damage_errors_total")
        retentionDeletedRecords = c("driftwatch_retention_deleted_records_total")
        retentionDeletedDeadLetters = c("driftwatch_retention_deleted_dead_letters_total")
        analysisRecords = c("driftwatch_analysis_records_total")
        analysisLateRecords = c("driftwatch_analysis_late_records_total")
        lastAnalysisTimestamp = g("driftwatch_last_analysis_timestamp_seconds")
        openIncidents = g("driftwatch_open_incidents")
        driftFlags = g("driftwatch_drift_flags")
        alertOutboxDepth = g("driftwatch_alert_outbox_depth")
        alertSendFailures = c("driftwatch_alert_send_failures_total")
        lastDeliveryTimestamp = g("driftwatch_last_delivery_timestamp_seconds")
        fleetUnshippedRecords = g("driftwatch_fleet_unshipped_records")
        fleetOldestUnshippedSeconds = g("driftwatch_fleet_oldest_unshipped_seconds")
        otlpRequests = c("driftwatch_otlp_requests_total")
        otlpSpansReceived = c("driftwatch_otlp_spans_received_total")
        otlpPendingTraces = g("driftwatch_otlp_pending_traces")
        otlpTracesFlushed = c("driftwatch_otlp_traces_flushed_total")
        otlpRecords = c("driftwatch_otlp_records_total")
        otlpCommitFailures = c("driftwatch_otlp_commit_failures_total")
        otlpLogRecords = c("driftwatch_otlp_log_records_total")
        otlpConnectionsClosed = c("driftwatch_otlp_connections_closed_total")
        analysisBoundedValues = c("driftwatch_analysis_bounded_values_total")

        // The closed label sets start at zero.
        for source in ["file", "otlp"] { recordsRead.touch(labels: [source]) }
        for code in Self.deadLetterCodes { deadLetters.touch(labels: [code]) }
        for outcome in ["analysed", "beyond_lateness", "future"] { analysisRecords.touch(labels: [outcome]) }
        for encoding in ["protobuf", "json"] { otlpRequests.touch(labels: ["200", encoding]) }
        for reason in Self.flushReasons { otlpTracesFlushed.touch(labels: [reason]) }
        for result in ["inserted", "duplicate"] { otlpRecords.touch(labels: [result]) }
        for result in Self.logRecordResults { otlpLogRecords.touch(labels: [result]) }
        for reason in ["header_timeout", "body_timeout"] { otlpConnectionsClosed.touch(labels: [reason]) }
    }

    /// Starts the configured label sets at zero: incident components, drift features and alert receivers.
    public func touch(components: [String], features: [String], receivers: [String]) {
        for component in components where registry.value("driftwatch_open_incidents", labels: [component]) == nil {
            openIncidents.set(0, labels: [component])
        }
        for feature in features where registry.value("driftwatch_drift_flags", labels: [feature]) == nil {
            driftFlags.set(0, labels: [feature])
        }
        for receiver in receivers {
            if registry.value("driftwatch_alert_outbox_depth", labels: [receiver]) == nil { alertOutboxDepth.set(0, labels: [receiver]) }
            alertSendFailures.touch(labels: [receiver])
        }
    }

    /// The exposition text for `GET /metrics`.
    public func render() -> String { registry.render() }
}
