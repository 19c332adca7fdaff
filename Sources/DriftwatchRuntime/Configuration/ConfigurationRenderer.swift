import DriftwatchAlerts
import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDrift
import DriftwatchIngest
import DriftwatchStore
import Foundation

/// Writes a configuration back as YAML the loader reads, every key with its effective value: what
/// `driftwatch config defaults` prints. Secrets are never written (a comment says one is set), and derived values
/// (`analysis.lateness` following the baseline window) are comments, so loading the output gives the same settings.
public enum ConfigurationRenderer {
    public static func render(_ c: DriftwatchConfiguration) -> String {
        var y = YAMLWriter()
        y.comment("The effective configuration: every key with its value, defaults filled in (docs/configuration.md).")
        y.line("database: \(q(c.databasePath))")
        renderSources(c.sources, &y)
        y.line("ingest:")
        y.line("  max_line_bytes: \(size(Int64(c.ingest.maxLineBytes)))")
        y.line("  batch_records: \(c.ingest.batchMaxRecords)")
        y.line("  batch_bytes: \(size(Int64(c.ingest.batchMaxBytes)))")
        y.line("  poll_interval: \(duration(c.ingest.pollInterval))")
        y.line("  discovery_interval: \(duration(c.ingest.discoveryInterval))")
        y.line("retention:")
        y.line("  max_age: \(c.retention.policy.maxAgeMicros.map(micros) ?? "off")")
        y.line("  max_size: \(c.retention.policy.maxBytes.map(size) ?? "off")")
        y.line("  interval: \(millis(c.retention.intervalMillis))")
        renderServer(c.server, &y)
        renderAnalysis(c.analysis, &y)
        renderDrift(c.drift, &y)
        y.line("dashboards:")
        y.line("  out: \(c.dashboards.outputDirectory.map(q) ?? "off")")
        if let definitions = c.dashboards.definitionsDirectory { y.line("  definitions: \(q(definitions))") } else { y.line("  # definitions: not set, the shipped definitions") }
        y.line("  interval: \(millis(c.dashboards.intervalMillis))")
        y.line("  range: \(micros(c.dashboards.rangeMicros))")
        renderAlerts(c.alerts, &y)
        y.line("fleet:")
        y.line("  url_env: \(c.fleet.urlEnvironmentVariable ?? "off")")
        y.line("  node: \(q(c.fleet.node))")
        y.line("  interval: \(millis(c.fleet.intervalMillis))")
        y.line("  lease_ttl: \(millis(c.fleet.leaseTTLMillis))")
        y.line("  local_alerts: \(c.fleet.localAlerts)")
        return y.text
    }

    private static func renderSources(_ sources: [DriftwatchConfiguration.LogSource], _ y: inout YAMLWriter) {
        guard !sources.isEmpty else { y.line("sources: []"); return }
        y.line("sources:")
        for s in sources {
            y.line("  - name: \(q(s.name))")
            y.line("    paths: \(list(s.paths))")
            y.line("    format: \(s.format.rawValue)")
            y.line("    follow_symlinks: \(s.admission.symlinks.rawValue)")
            if let owners = s.allowedOwnerNames { y.line("    allowed_owners: \(list(owners))") }
            guard let m = s.mapping else { continue }
            y.line("    fields:")
            for r in m.fields { y.line("      \(r.target): \(q(r.source))") }
            if let unit = m.timestampUnit { y.line("    timestamp_unit: \(unit.rawValue)") }
            if !m.elements.isEmpty {
                y.line("    elements:")
                for (array, renames) in m.elements.sorted(by: { $0.key < $1.key }) {
                    y.line("      \(array): {" + renames.map { "\($0.target): \(q($0.source))" }.joined(separator: ", ") + "}")
                }
            }
            if !m.values.isEmpty {
                y.line("    values:")
                for (field, table) in m.values.sorted(by: { $0.key < $1.key }) {
                    y.line("      \(field): {" + table.sorted(by: { $0.key < $1.key }).map { "\(q($0.key)): \(q($0.value))" }.joined(separator: ", ") + "}")
                }
            }
            if !m.constants.isEmpty {
                y.line("    constants:")
                // A constant is kept as JSON text; JSON scalars are YAML (a JSON string is a double-quoted YAML string).
                for constant in m.constants { y.line("      \(constant.target): \(constant.json)") }
            }
        }
    }

    private static func renderServer(_ s: DriftwatchConfiguration.ServerSettings, _ y: inout YAMLWriter) {
        y.line("server:")
        y.line("  listen: \(s.listen.map(q) ?? "off")")
        if s.bearerToken != nil { y.line("  # bearer_token: set (not shown)") }
        y.line("  max_request_bytes: \(size(Int64(s.maxRequestBytes)))")
        y.line("  trace_wait: \(millis(s.traceWaitMillis))")
        y.line("  trace_max_wait: \(millis(s.traceMaxWaitMillis))")
        y.line("  journal: \(s.journal)")
        y.line("  idle_timeout: \(millis(s.idleTimeoutMillis))")
        y.line("  header_timeout: \(millis(s.headerTimeoutMillis))")
        y.line("  body_timeout: \(millis(s.bodyTimeoutMillis))")
        y.line("  max_connections: \(s.maxConnections)")
        y.line("  max_inflight_bytes: \(size(Int64(s.maxInflightBytes)))")
        y.line("  metrics_auth: \(s.metricsAuth)")
    }

    private static func renderAnalysis(_ a: DriftwatchConfiguration.AnalysisSettings, _ y: inout YAMLWriter) {
        let e = a.engine
        y.line("analysis:")
        y.line("  enabled: \(a.enabled)")
        y.line("  interval: \(millis(a.intervalMillis))")
        y.line("  batch_records: \(a.batchRecords)")
        y.line("  bucket: \(micros(e.bucketMicros))")
        y.line("  coarse_bucket: \(micros(e.coarseBucketMicros))")
        y.line("  current_window: \(micros(e.currentWindowMicros))")
        y.line("  baseline_window: \(micros(e.baselineWindowMicros))")
        if let lateness = e.latenessOverrideMicros { y.line("  lateness: \(micros(lateness))") } else { y.line("  # lateness: not set, follows baseline_window (\(micros(e.latenessMicros)))") }
        y.line("  max_clock_skew: \(micros(e.maxClockSkewMicros))")
        y.line("  min_effect: \(number(e.minimumEffect))")
        y.line("  false_discovery_rate: \(number(e.falseDiscoveryRate))")
        y.line("  export_dir: \(a.exportDirectory.map(q) ?? "off")")
        y.line("  rollup_retention: \(micros(a.fineRetentionMicros))")
        y.line("  coarse_rollup_retention: \(micros(a.coarseRetentionMicros))")
        y.line("  detect_checks: \(e.detectChecks)")
        y.line("  detect_tool_failures: \(e.detectToolFailures)")
        y.line("  hourly_dispersion: \(e.hourlyDispersion)")
        y.line("  detect_slices: \(e.detectSlices)")
        y.line("  slice_alpha: \(number(e.sliceAlpha))")
        y.line("  slice_min_trials: \(e.sliceMinimumTrials)")
        y.line("  cohort_horizon: \(micros(e.cohortHorizonMicros))")
        y.line("  resolve_confirmations: \(e.resolveConfirmations)")
        y.line("  recovery_window: \(micros(e.recoveryWindowMicros))")
        y.line("  reopen_within: \(micros(e.reopenWithinMicros))")
        y.line("  onset_lookback: \(micros(e.onsetLookbackMicros))")
    }

    private static func renderDrift(_ s: DriftwatchConfiguration.DriftSettings, _ y: inout YAMLWriter) {
        let d = s.detector
        y.line("drift:")
        y.line("  interval: \(millis(s.intervalMillis))")
        y.line("  batch_rows: \(s.batchRows)")
        y.line("  bucket: \(micros(d.bucketMicros))")
        switch d.baseline {
        case .rolling(let length):
            y.line("  baseline: rolling")
            y.line("  reference_window: \(micros(length))")
        case .leading(let length):
            y.line("  baseline: \(micros(length))")
        case .fixed(let from, let to):
            y.line("  baseline: {from: \(q(RFC3339.format(micros: from))), to: \(q(RFC3339.format(micros: to)))}")
        }
        if let bucket = d.referenceBucketOverride { y.line("  reference_bucket: \(micros(bucket))") } else { y.line("  # reference_bucket: not set, derived from the baseline (\(micros(d.referenceBucketMicros)))") }
        y.line("  current_window: \(micros(d.currentWindowMicros))")
        y.line("  trailing_reference: \(micros(d.trailingReferenceMicros))")
        y.line("  min_count: \(d.minCount)")
        y.line("  max_categories: \(d.maxCategories)")
        y.line("  max_documents: \(d.maxDocuments)")
        y.line("  max_scopes: \(d.maxScopes)")
        y.line("  task_scopes: \(d.taskScopes)")
        y.line("  slice_scopes: \(d.sliceScopes)")
        y.line("  all_slice_keys: \(d.monitorAllSliceKeys)")
        y.line("  adjust_p_values: \(d.adjustPValues)")
        y.line("  significance_guard: \(d.significanceGuard.map(number) ?? "off")")
        y.line("  features:")
        for f in d.features {
            var parts = ["name: \(q(f.name))", "reference: \(f.reference.rawValue)"]
            if let test = f.testName { parts.append("test: \(test)") }
            if let threshold = f.threshold { parts.append("threshold: \(number(threshold))") }
            y.line("    - {\(parts.joined(separator: ", "))}")
        }
    }

    private static func renderAlerts(_ a: AlertsConfiguration, _ y: inout YAMLWriter) {
        y.line("alerts:")
        y.line("  enabled: \(a.enabled)")
        y.line("  rule_dirs: \(list(a.ruleDirectories))")
        y.line("  builtin_rules: \(a.builtinRules)")
        if a.inhibitRules.isEmpty { y.line("  inhibit_rules: []") } else { y.line("  inhibit_rules:") }
        for rule in a.inhibitRules {
            func matchers(_ m: [LabelMatcher]) -> String { list(m.map { "\($0.name)\($0.op.rawValue)\(jsonString($0.value))" }) }
            y.line("    - source_matchers: \(matchers(rule.sourceMatchers))")
            y.line("      target_matchers: \(matchers(rule.targetMatchers))")
            y.line("      equal: \(list(rule.equal))")
        }
        y.line("  interval: \(duration(a.evaluationInterval))")
        if let url = a.dashboardURL { y.line("  dashboard_url: \(q(url))") }
        y.line("  route:")
        renderRoute(a.route, indent: "    ", &y)
        if a.receivers.isEmpty { y.line("  receivers: []") } else { y.line("  receivers:") }
        for r in a.receivers {
            y.line("    - name: \(q(r.name))")
            y.line("      send_resolved: \(r.sendResolved)")
            if let w = r.webhook {
                y.line("      webhook:")
                y.line("        url: \(q(w.url))")
                y.line("        format: \(w.format.rawValue)")
                y.line("        timeout: \(duration(w.timeout))")
                if w.secret != nil { y.line("        # secret: set (not shown)") }
            }
            if let sl = r.slack {
                y.line("      slack:")
                y.line("        # url: set (not shown)")
                y.line("        timeout: \(duration(sl.timeout))")
            }
            if let pd = r.pagerduty {
                y.line("      pagerduty:")
                y.line("        # routing_key: set (not shown)")
                y.line("        url: \(q(pd.url))")
                y.line("        timeout: \(duration(pd.timeout))")
            }
            if let e = r.email {
                y.line("      email:")
                y.line("        to: \(list(e.to))")
                y.line("        from: \(q(e.from))")
                y.line("        smarthost: \(q("\(e.host):\(e.port)"))")
                y.line("        security: \(e.security.rawValue)")
                if let user = e.username { y.line("        username: \(q(user))") }
                if e.password != nil { y.line("        # password: set (not shown)") }
                if let ca = e.caFile { y.line("        ca_file: \(q(ca))") }
                y.line("        insecure_skip_verify: \(e.insecureSkipVerify)")
                y.line("        hello: \(q(e.helloName))")
                y.line("        timeout: \(duration(e.timeout))")
            }
        }
        y.line("  retry:")
        y.line("    max_attempts: \(a.retry.maxAttempts)")
        y.line("    initial_backoff: \(duration(a.retry.initialBackoff))")
        y.line("    max_backoff: \(duration(a.retry.maxBackoff))")
    }

    private static func renderRoute(_ r: Route, indent: String, _ y: inout YAMLWriter) {
        if let receiver = r.receiver { y.line(indent + "receiver: \(q(receiver))") }
        if !r.matchers.isEmpty { y.line(indent + "matchers: " + list(r.matchers.map { "\($0.name)\($0.op.rawValue)\(jsonString($0.value))" })) }
        if let groupBy = r.groupBy { y.line(indent + "group_by: \(list(groupBy))") }
        if let wait = r.groupWait { y.line(indent + "group_wait: \(alertDuration(wait))") }
        if let interval = r.groupInterval { y.line(indent + "group_interval: \(alertDuration(interval))") }
        if let interval = r.repeatInterval { y.line(indent + "repeat_interval: \(alertDuration(interval))") }
        y.line(indent + "continue: \(r.continueMatching)")
        guard !r.routes.isEmpty else { return }
        y.line(indent + "routes:")
        for child in r.routes {
            var lines = YAMLWriter()
            renderRoute(child, indent: "", &lines)
            for (i, text) in lines.lines.enumerated() { y.line(indent + (i == 0 ? "- " : "  ") + text) }
        }
    }

    // MARK: Values, written the way the loader reads them

    /// A double-quoted YAML string (JSON escaping is valid YAML).
    static func q(_ text: String) -> String { jsonString(text) }

    static func jsonString(_ text: String) -> String { RecordFieldPaths.jsonString(text) }

    static func list(_ items: [String]) -> String { "[" + items.map(q).joined(separator: ", ") + "]" }
    static func micros(_ value: Int64) -> String { DurationText.format(micros: value) }
    static func millis(_ value: Int) -> String { DurationText.format(micros: Int64(value) * 1000) }
    static func size(_ value: Int64) -> String { DurationText.format(bytes: value) }
    static func duration(_ value: Duration) -> String {
        DurationText.format(micros: value.components.seconds * 1_000_000 + value.components.attoseconds / 1_000_000_000_000)
    }
    static func alertDuration(_ value: Duration) -> String { value == .zero ? "0s" : duration(value) }
    static func number(_ value: Double) -> String { "\(value)" }
}

/// Lines of YAML text.
struct YAMLWriter {
    var lines: [String] = []
    mutating func line(_ text: String) { lines.append(text) }
    mutating func comment(_ text: String) { lines.append("# " + text) }
    var text: String { lines.joined(separator: "\n") + "\n" }
}
