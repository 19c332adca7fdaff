/// The rule files of `Alerts/`, compiled in so the binary alerts without the repository (as dashboards do).
/// A test keeps these identical to the files.
enum DefaultAlertRules {
    static let files: [(name: String, yaml: String)] = [
        ("drift", #"""
# Drift on the features that usually explain regressions. Held for 15 minutes so one noisy window does not page.
rules:
  - alert: FeatureDrift
    condition: { drift: { features: [retrieval.top_score, retrieval.documents, tools.called, tokens.input, task], scopes: [all] } }
    for: 15m
    keep_firing_for: 30m
    severity: info
    annotations:
      summary: "{{ feature }} drifted ({{ statistic }} {{ value }} over {{ threshold }})"
"""#),
        ("incidents", #"""
# Alerts on incidents found by the analyzer. Each open incident is one alert (label incident_id); it resolves
# when the incident resolves. Annotations can use any incident field: {{ component }}, {{ task }},
# {{ metric }}, {{ recommendation.action }}, {{ recommendation.summary }}, {{ baseline.value }}, {{ current.value }}.
# IncidentOpened catches every incident; the default inhibit rules mute it while a more specific rule fires for
# the same incident, so each incident is one notification. Keep `for` and `keep_firing_for` the same on all of
# them, so the generic alert is never left firing alone.
rules:
  - alert: IncidentOpened
    condition: { incident: {} }
    for: 0s
    keep_firing_for: 10m
    severity: warning
    annotations:
      summary: "{{ component }} regression {{ task }}"
      description: "{{ metric }} fell from {{ baseline.value }} to {{ current.value }}; recommended: {{ recommendation.action }} ({{ recommendation.summary }})"

  - alert: RetrievalIncident
    condition: { incident: { component: retrieval } }
    keep_firing_for: 10m
    severity: page
    labels: { team: search }
    annotations:
      summary: "retrieval regression {{ task }}"
      description: "{{ recommendation.summary }}"

  - alert: ToolIncident
    condition: { incident: { component: tools } }
    keep_firing_for: 10m
    severity: page
    annotations:
      summary: "tool regression {{ task }}"
      description: "{{ recommendation.summary }}"
"""#),
        ("service", #"""
# Plain metric thresholds over trailing windows of stored records, and the sidecar's own health.
rules:
  - alert: SuccessRateLow
    condition: { metric: success_rate, below: 0.85, window: 10m, min_records: 50 }
    for: 5m
    keep_firing_for: 5m
    severity: page
    annotations:
      summary: "success rate {{ value }} below {{ threshold }} over {{ window }}"

  - alert: P95LatencyHigh
    condition: { metric: p95_latency_ms, above: 8000, window: 10m, min_records: 50 }
    for: 10m
    keep_firing_for: 5m
    severity: warning
    annotations:
      summary: "p95 latency {{ value }} ms above {{ threshold }} ms over {{ window }}"

  - alert: CostPerRequestHigh
    condition: { metric: cost_per_request, above: 0.05, window: 30m, min_records: 50 }
    for: 15m
    severity: warning
    annotations:
      summary: "cost per request ${{ value }} above ${{ threshold }} over {{ window }}"

  - alert: NoRecords
    condition: { no_records_for: 15m }
    severity: page
    annotations:
      summary: "no records ingested for {{ value }} s (limit {{ window }})"

  - alert: DeadLetterRate
    condition: { dead_letter_rate_above: 0.01, window: 10m }
    for: 5m
    severity: warning
    annotations:
      summary: "{{ value }} of lines were dead-lettered over {{ window }}"

  - alert: IngestLag
    condition: { ingest_lag_above: 2m, window: 5m }
    for: 5m
    severity: warning
    annotations:
      summary: "ingestion runs {{ value }} s behind the logs (p95)"
"""#),
    ]
}
