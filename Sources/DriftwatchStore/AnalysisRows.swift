/// One persisted rollup bucket: plain columns plus the analyzer's serialized counters.
public struct AnalysisRollupRow: Sendable, Equatable {
    public var bucketMicros: Int64
    public var startMicros: Int64
    public var task: String
    /// Empty for the whole task.
    public var dimension: String
    public var value: String
    public var requests: Int64
    public var outcomes: Int64
    public var successes: Int64
    public var counters: [UInt8]

    public init(bucketMicros: Int64, startMicros: Int64, task: String, dimension: String, value: String,
                requests: Int64, outcomes: Int64, successes: Int64, counters: [UInt8]) {
        self.bucketMicros = bucketMicros
        self.startMicros = startMicros
        self.task = task
        self.dimension = dimension
        self.value = value
        self.requests = requests
        self.outcomes = outcomes
        self.successes = successes
        self.counters = counters
    }
}

/// When one component version was first and last seen.
public struct AnalysisVersionRow: Sendable, Equatable {
    public var component: String
    public var version: String
    public var firstSeenMicros: Int64
    public var lastSeenMicros: Int64
    public var requests: Int64

    public init(component: String, version: String, firstSeenMicros: Int64, lastSeenMicros: Int64, requests: Int64) {
        self.component = component
        self.version = version
        self.firstSeenMicros = firstSeenMicros
        self.lastSeenMicros = lastSeenMicros
        self.requests = requests
    }
}

/// An incident row: indexed columns plus the full JSON document.
public struct StoredIncident: Sendable, Equatable {
    public var id: String
    public var task: String
    public var status: String
    public var component: String
    public var action: String
    public var startedAtMicros: Int64
    public var detectedAtMicros: Int64
    public var updatedAtMicros: Int64
    public var resolvedAtMicros: Int64?
    public var severity: Double
    public var document: String
    /// The incident this finding is listed under (it shares that incident's cause); nil for an incident of its own.
    public var parentID: String?

    public init(id: String, task: String, status: String, component: String, action: String, startedAtMicros: Int64,
                detectedAtMicros: Int64, updatedAtMicros: Int64, resolvedAtMicros: Int64?, severity: Double, document: String,
                parentID: String? = nil) {
        self.id = id
        self.parentID = parentID
        self.task = task
        self.status = status
        self.component = component
        self.action = action
        self.startedAtMicros = startedAtMicros
        self.detectedAtMicros = detectedAtMicros
        self.updatedAtMicros = updatedAtMicros
        self.resolvedAtMicros = resolvedAtMicros
        self.severity = severity
        self.document = document
    }
}

/// An incident being opened, updated or resolved; `id` orders events for consumers that follow the table.
public struct StoredIncidentEvent: Sendable, Equatable {
    public var id: Int64
    public var incidentID: String
    /// `opened`, `updated` or `resolved`.
    public var kind: String
    public var atMicros: Int64
    /// The incident document as of the event.
    public var document: String

    public init(id: Int64 = 0, incidentID: String, kind: String, atMicros: Int64, document: String) {
        self.id = id
        self.incidentID = incidentID
        self.kind = kind
        self.atMicros = atMicros
        self.document = document
    }
}

/// Where the analyzer stands: the last record row it processed and its stream clock.
public struct AnalysisCheckpoint: Sendable, Equatable {
    public var lastRowID: Int64
    public var watermarkMicros: Int64?
    public var nextEvaluationMicros: Int64?
    /// Consecutive evaluations per task with a regression not yet confirmed as an incident.
    public var pending: [String: Int]
    /// Consecutive evaluations per open incident that tested as recovered.
    public var recovering: [String: Int] = [:]
    /// What the analyzer did with the records it read, by reason (`analysed`, `late`, `beyond_lateness`,
    /// `future`): stored as `records:<reason>` rows beside the checkpoint, so they commit with it.
    public var recordCounts: [String: Int64]

    public init(lastRowID: Int64 = 0, watermarkMicros: Int64? = nil, nextEvaluationMicros: Int64? = nil, pending: [String: Int] = [:],
                recordCounts: [String: Int64] = [:]) {
        self.lastRowID = lastRowID
        self.watermarkMicros = watermarkMicros
        self.nextEvaluationMicros = nextEvaluationMicros
        self.pending = pending
        self.recordCounts = recordCounts
    }
}

/// One interned record shape of slice discovery: its task and its predicates (`dimension`, `value`).
public struct AnalysisShapeRow: Sendable, Equatable {
    public var id: Int64
    public var task: String
    public var predicates: [(dimension: String, value: String)]

    public init(id: Int64, task: String, predicates: [(dimension: String, value: String)]) {
        self.id = id
        self.task = task
        self.predicates = predicates
    }

    public static func == (a: AnalysisShapeRow, b: AnalysisShapeRow) -> Bool {
        a.id == b.id && a.task == b.task && a.predicates.map { [$0.dimension, $0.value] } == b.predicates.map { [$0.dimension, $0.value] }
    }
}

/// The shape counts of one fine bucket, as the analyzer encodes them.
public struct AnalysisShapeBucketRow: Sendable, Equatable {
    public var startMicros: Int64
    public var counts: [UInt8]

    public init(startMicros: Int64, counts: [UInt8]) {
        self.startMicros = startMicros
        self.counts = counts
    }
}

/// Everything one analysis step changed, committed atomically with the checkpoint.
public struct AnalysisCommit: Sendable {
    /// The checkpoint row id the analyzer started this step from; the commit fails if the stored one differs.
    public var expectedLastRowID: Int64
    public var checkpoint: AnalysisCheckpoint
    public var rollups: [AnalysisRollupRow]
    public var versions: [AnalysisVersionRow]
    public var incidents: [StoredIncident]
    public var events: [StoredIncidentEvent]
    public var shapes: [AnalysisShapeRow] = []
    public var shapeBuckets: [AnalysisShapeBucketRow] = []
    /// Check names by position (all of them, rewritten each commit).
    public var checkNames: [String] = []

    public init(expectedLastRowID: Int64, checkpoint: AnalysisCheckpoint, rollups: [AnalysisRollupRow] = [],
                versions: [AnalysisVersionRow] = [], incidents: [StoredIncident] = [], events: [StoredIncidentEvent] = []) {
        self.expectedLastRowID = expectedLastRowID
        self.checkpoint = checkpoint
        self.rollups = rollups
        self.versions = versions
        self.incidents = incidents
        self.events = events
    }
}
