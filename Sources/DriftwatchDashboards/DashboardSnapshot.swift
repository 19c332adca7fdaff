public import DriftwatchAnalysis
import DriftwatchCore
public import DriftwatchDrift

/// Everything pages are rendered from: aggregates only, never raw records, so a page's size and render time
/// depend on the number of buckets and scopes, not on traffic.
public struct DashboardSnapshot: Sendable {
    /// When the snapshot was taken.
    public var generatedAtMicros: Int64
    /// The newest data time (the analyzer's watermark); ranges end here. Nil before any analysis.
    public var dataThroughMicros: Int64?
    /// The bucket size of `rollups`.
    public var bucketMicros: Int64
    /// Rollup buckets (task scopes and task × dimension scopes), any order.
    public var rollups: [RollupTable.Row]
    public var versions: [VersionTimeline.Entry]
    public var incidents: [Incident]
    /// The drift report; nil when drift detection has not run.
    public var drift: DriftReport?
    /// Example request ids per incident id (from its training export, else a query of the store).
    public var examples: [String: IncidentExamples] = [:]
    /// Notifications of the alerts outbox that concern incidents (any order).
    public var notifications: [NotificationSummary] = []

    public init(generatedAtMicros: Int64, dataThroughMicros: Int64?, bucketMicros: Int64, rollups: [RollupTable.Row],
                versions: [VersionTimeline.Entry] = [], incidents: [Incident] = [], drift: DriftReport? = nil) {
        self.generatedAtMicros = generatedAtMicros
        self.dataThroughMicros = dataThroughMicros
        self.bucketMicros = bucketMicros
        self.rollups = rollups
        self.versions = versions
        self.incidents = incidents
        self.drift = drift
    }
}

/// Example requests of an incident: the ids of its exported example set (a `targeted_retraining` incident), or
/// failing requests of its scope found in the store.
public struct IncidentExamples: Sendable, Equatable {
    /// Request ids, failing ones first; at most a page's worth.
    public var requestIDs: [String]
    /// `failing` or `passing` per id, when known (an export labels them).
    public var labels: [String?]
    /// The export file the ids come from; nil when they were queried from the store with ``ExampleQuery``.
    public var exportPath: String?
    /// How many examples there are in all (the export's lines, or the ids found).
    public var total: Int

    public init(requestIDs: [String], labels: [String?] = [], exportPath: String? = nil, total: Int? = nil) {
        self.requestIDs = requestIDs
        self.labels = labels.count == requestIDs.count ? labels : requestIDs.map { _ in nil }
        self.exportPath = exportPath
        self.total = total ?? requestIDs.count
    }
}

/// One notification from the alerts outbox, as an incident page lists it.
public struct NotificationSummary: Sendable, Equatable {
    public var id: String
    public var receiver: String
    /// `webhook`, `email`, `slack` or `pagerduty`.
    public var kind: String
    /// `firing` or `resolved` when the payload says so.
    public var event: String?
    /// Incident ids the notification names.
    public var incidentIDs: [String]
    public var createdAtMicros: Int64
    /// `pending`, `delivered` or `undeliverable`.
    public var status: String
    public var attempts: Int
    public var deliveredAtMicros: Int64?
    public var lastError: String?

    public init(id: String, receiver: String, kind: String, event: String?, incidentIDs: [String], createdAtMicros: Int64,
                status: String, attempts: Int, deliveredAtMicros: Int64?, lastError: String?) {
        self.id = id
        self.receiver = receiver
        self.kind = kind
        self.event = event
        self.incidentIDs = incidentIDs
        self.createdAtMicros = createdAtMicros
        self.status = status
        self.attempts = attempts
        self.deliveredAtMicros = deliveredAtMicros
        self.lastError = lastError
    }
}

/// The records an incident page shows as examples when the incident has no export: failing requests of its scope
/// from its start to its resolution. The runner runs it against the store; the page prints the same filter as a
/// `driftwatch records` command line.
public struct ExampleQuery: Sendable, Equatable {
    public var task: String
    public var fromMicros: Int64
    public var toMicros: Int64?
    public var outcome = "failure"
    public var modelName: String?
    public var modelVersion: String?
    public var templateVersion: String?
    public var indexVersion: String?
    public var tool: String?
    public var route: String?
    public var slices: [String: String] = [:]
    public var limit = 20

    public init(incident: Incident) {
        task = incident.task
        fromMicros = incident.startedAtMicros
        toMicros = incident.resolvedAtMicros
        let value = incident.primaryValue
        // Versions are stored as `name@version`: the records carry the two parts in separate fields.
        func split(_ v: String) -> (String?, String) {
            guard let at = v.lastIndex(of: "@") else { return (nil, v) }
            return (String(v[..<at]), String(v[v.index(after: at)...]))
        }
        switch incident.primaryDimension {
        case "": break
        case Dimension.model:
            let (name, version) = split(value)
            modelName = name
            modelVersion = version
        case Dimension.template: templateVersion = split(value).1
        case Dimension.index: indexVersion = value
        case Dimension.tool: tool = Dimension.toolName(value)
        case Dimension.route: route = value
        case let d where Dimension.isSlice(d): slices[d] = value
        default: break
        }
    }

    /// The `driftwatch records` arguments printing the same records.
    public var arguments: [String] {
        var out = ["--task", task, "--from", RFC3339.format(micros: fromMicros)]
        if let toMicros { out += ["--to", RFC3339.format(micros: toMicros)] }
        out += ["--outcome", outcome]
        if let modelName { out += ["--model", modelName] }
        if let modelVersion { out += ["--model-version", modelVersion] }
        if let templateVersion { out += ["--template-version", templateVersion] }
        if let indexVersion { out += ["--index-version", indexVersion] }
        if let tool { out += ["--tool", tool] }
        if let route { out += ["--route", route] }
        for (k, v) in slices.sorted(by: { $0.key < $1.key }) { out += ["--slice", "\(k)=\(v)"] }
        return out + ["--limit", "\(limit)"]
    }
}
