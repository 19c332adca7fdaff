/// The definitions of `Dashboards/`, compiled in so the binary renders them without the repository.
/// A test keeps these identical to the files.
enum DefaultDashboards {
    static let files: [(id: String, yaml: String)] = [
        ("drift", #"""
# Input and output distributions: reference window against the current one.
title: Drift
description: Features whose current distribution differs from the reference, with both distributions side by side.
order: 5
panels:
  - title: Drifted features
    type: drift
    limit: 12
"""#),
        ("incidents", #"""
# Regressions the analyzer found, with the component blamed, the numbers behind it and what to do.
title: Incidents
description: Open incidents first, then the most recently detected. Each names the component to blame, the evidence and the recommended action.
order: 1
panels:
  - title: Incidents
    type: incidents
    limit: 50
"""#),
        ("overview", #"""
# The first page: volume, quality, latency and cost over time, with version deploys marked.
title: Overview
description: Requests, success, validation, latency, cost, fallbacks and retries per task over time. Vertical lines mark version deploys.
order: 0
panels:
  - title: Requests
    type: timeseries
    metric: requests
    dimension: task
    markers: [model_version, template_version, index_version, tool]
  - title: Success rate
    type: timeseries
    metric: success_rate
    dimension: task
    markers: [model_version, template_version, index_version, tool]
  - title: Validation pass rate by check
    type: timeseries
    metric: check_pass_rate
    dimension: check
  - title: Latency p50
    type: timeseries
    metric: latency_p50
    dimension: task
    markers: [model_version]
  - title: Latency p95
    type: timeseries
    metric: latency_p95
    dimension: task
    markers: [model_version]
  - title: Cost per request
    type: timeseries
    metric: cost_per_request
    dimension: task
    markers: [model_version]
  - title: Fallback rate
    type: timeseries
    metric: fallback_rate
    dimension: task
  - title: Retry rate
    type: timeseries
    metric: retry_rate
    dimension: task
  - title: Totals per task
    type: table
    dimension: task
    metrics: [requests, success_rate, check_pass_rate, latency_p50, latency_p95, cost_per_request, fallback_rate, retry_rate]
"""#),
        ("retrieval", #"""
# Is retrieval returning anything, and is it fresh and relevant?
title: Retrieval health
order: 3
panels:
  - title: Empty retrieval rate
    type: timeseries
    metric: empty_retrieval_rate
    dimension: task
    markers: [index_version]
  - title: Top retrieval score
    type: timeseries
    metric: retrieval_top_score
    dimension: task
    markers: [index_version]
  - title: Evidence age
    type: timeseries
    metric: evidence_age_days
    dimension: task
    markers: [index_version]
  - title: By index version
    type: table
    dimension: index_version
    metrics: [requests, success_rate, empty_retrieval_rate, retrieval_top_score, evidence_per_request, evidence_age_days, retrieval_latency]
"""#),
        ("slices", #"""
# Where do failures concentrate?
title: Slices
description: Success rate per task and traffic slice over the range; each cell shows the number of requests with an outcome.
order: 6
panels:
  - title: Success by task and slice
    type: heatmap
    metric: success_rate
    dimension: slices
    limit: 40
  - title: Success rate by language
    type: timeseries
    metric: success_rate
    dimension: language
"""#),
        ("tools", #"""
# Tool calls: are the right tools invoked, and do they answer?
title: Tool health
order: 4
panels:
  - title: Tools
    type: tools
  - title: Tool error rate per tool
    type: timeseries
    metric: tool_error_rate
    dimension: tool
    markers: [tool]
  - title: Tool timeout rate per tool
    type: timeseries
    metric: tool_timeout_rate
    dimension: tool
    markers: [tool]
  - title: Tool invocation precision
    type: timeseries
    metric: tool_precision
    dimension: task
  - title: Tool invocation recall
    type: timeseries
    metric: tool_recall
    dimension: task
  - title: Tool stage latency per tool
    type: timeseries
    metric: tool_latency
    dimension: tool
    markers: [tool]
"""#),
        ("versions", #"""
# Every model, template and index version side by side on the same tasks, with new-vs-old win rates.
title: Versions
description: Each version per task over the range. The win rate counts the hours in which both versions served and the newer one had the higher success rate (ties count half).
order: 2
panels:
  - title: Model versions
    type: versions
    dimension: model_version
  - title: Prompt template versions
    type: versions
    dimension: template_version
  - title: Retrieval index versions
    type: versions
    dimension: index_version
  - title: Success rate by model version
    type: timeseries
    metric: success_rate
    dimension: model_version
    markers: [model_version]
"""#),
    ]
}
