/// One dashboard page as written in `Dashboards/<id>.yaml`: what to show, over which time range, for which tasks.
public struct DashboardDefinition: Sendable, Equatable {
    /// The file name without extension; also the output file `<id>.html`. Letters, digits, `-` and `_` only.
    public var id: String
    public var title: String
    public var description: String?
    /// Position in the navigation bar (lower first).
    public var order: Int
    /// How far back from the newest data the page looks; nil (the shipped pages): the renderer's range
    /// (`dashboards.range`), so every page covers the same time.
    public var rangeMicros: Int64?
    /// Chart resolution; nil picks a multiple of the stored bucket giving at most ``PanelDefinition/maxPoints`` points.
    public var resolutionMicros: Int64?
    public var filters: Filters
    public var panels: [PanelDefinition]

    /// Narrowing applied to every panel of the page.
    public struct Filters: Sendable, Equatable {
        /// Only these tasks (all when empty).
        public var tasks: [String] = []
        /// Only rollups of these dimension values, by dimension (e.g. `language: [de, fr]`) — used by
        /// panels that split by that dimension.
        public var values: [String: [String]] = [:]

        public init(tasks: [String] = [], values: [String: [String]] = [:]) {
            self.tasks = tasks
            self.values = values
        }
    }

    public init(id: String, title: String, description: String? = nil, order: Int = 100, rangeMicros: Int64? = nil,
                resolutionMicros: Int64? = nil, filters: Filters = Filters(), panels: [PanelDefinition]) {
        self.id = id
        self.title = title
        self.description = description
        self.order = order
        self.rangeMicros = rangeMicros
        self.resolutionMicros = resolutionMicros
        self.filters = filters
        self.panels = panels
    }
}

/// One panel of a page.
public struct PanelDefinition: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A line chart over time, one series per value of `dimension` (or per check), with deploy markers.
        case timeseries
        /// A table of `metrics` per value of `dimension` over the whole range.
        case table
        /// A task × value heatmap of `metric` (success rate by default) with counts; `dimension: slices` takes every slice key.
        case heatmap
        /// Each version of `dimension` side by side per task, with the pairwise win rate of new over old.
        case versions
        /// Per-tool calls, errors, timeouts and latency, and invocation precision/recall per task.
        case tools
        /// Incidents with attribution, evidence, recommendation and example-set link.
        case incidents
        /// Reference vs current distributions of drifted features, and every tested feature in a table.
        case drift
    }

    public static let maxPoints = 240

    public var title: String
    public var kind: Kind
    public var description: String?
    /// The plotted metric (timeseries, heatmap).
    public var metric: DashboardMetric?
    /// Extra metrics (table columns).
    public var metrics: [DashboardMetric]
    /// `task`, a built-in dimension (`model_version`, `index_version`, `tool`, ...), a slice key, or `slices`.
    /// A timeseries of `tool_error_rate`, `tool_timeout_rate` or `tool_latency` by `tool` has one series per tool
    /// (``ToolStats``), not per tool version.
    public var dimension: String
    /// At most this many series, rows or columns (largest by requests first).
    public var limit: Int
    /// Draw version deploy markers (timeseries); `model_version` etc. choose which component's, `all` for every one.
    public var markers: [String]

    public init(title: String, kind: Kind, description: String? = nil, metric: DashboardMetric? = nil,
                metrics: [DashboardMetric] = [], dimension: String = "task", limit: Int = 7, markers: [String] = []) {
        self.title = title
        self.kind = kind
        self.description = description
        self.metric = metric
        self.metrics = metrics
        self.dimension = dimension
        self.limit = limit
        self.markers = markers
    }
}
