/// One alerting rule loaded from a YAML file in `Alerts/`: a condition over Driftwatch's findings and
/// metrics, how long it must hold (`for`) and how long it keeps firing after it stops holding
/// (`keep_firing_for`), plus the labels and templated annotations of the alerts it produces.
public struct AlertRule: Sendable, Equatable {
    public var name: String
    /// The file it came from, for error messages and `alerts check`.
    public var file: String
    public var condition: AlertCondition
    public var forDuration: Duration
    public var keepFiringFor: Duration
    public var severity: String
    public var labels: LabelSet
    /// Templates: `{{ field }}` with a dotted path into the alert's context (labels, value, incident fields).
    public var annotations: [String: String]

    public init(name: String, file: String = "", condition: AlertCondition, forDuration: Duration = .zero,
                keepFiringFor: Duration = .zero, severity: String = "warning", labels: LabelSet = [:],
                annotations: [String: String] = [:]) {
        self.name = name
        self.file = file
        self.condition = condition
        self.forDuration = forDuration
        self.keepFiringFor = keepFiringFor
        self.severity = severity
        self.labels = labels
        self.annotations = annotations
    }
}

/// What a rule tests. Each case names the facts it reads (see ``AlertFacts``).
public enum AlertCondition: Sendable, Equatable {
    /// An open incident whose fields (`component`, `task`, `action`, `metric`, `scope.<key>`) match; one alert per incident.
    case incident(matchers: [LabelMatcher])
    /// A drifted feature row; `features` empty means any feature; one alert per feature and scope.
    case drift(features: [String], scopes: [String])
    /// A record metric over a trailing window compared with a threshold.
    case metric(MetricCondition)
    /// No record ingested for this long.
    case noRecords(for: Duration)
    /// Dead letters per line read (dead letters / (records + dead letters)) over a window above a fraction.
    case deadLetterRate(above: Double, window: Duration)
    /// 95th percentile of (ingested_at − ts) over a window above this many seconds.
    case ingestLag(aboveSeconds: Double, window: Duration)
}

public struct MetricCondition: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        case successRate = "success_rate"
        case p95LatencyMillis = "p95_latency_ms"
        case costPerRequest = "cost_per_request"
    }

    public var metric: Metric
    /// Fires when the value is below (`true`) or above (`false`) the threshold.
    public var below: Bool
    public var threshold: Double
    public var window: Duration
    /// Only records of this task; nil for all.
    public var task: String?
    /// Windows with fewer records do not evaluate (no alert either way).
    public var minRecords: Int

    public init(metric: Metric, below: Bool, threshold: Double, window: Duration, task: String? = nil, minRecords: Int = 20) {
        self.metric = metric
        self.below = below
        self.threshold = threshold
        self.window = window
        self.task = task
        self.minRecords = minRecords
    }
}
