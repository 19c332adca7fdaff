/// One fine bucket of analyzer state summed over the sidecars of a fleet: what ``AnalysisEngine/fold(_:timeline:)``
/// takes. Every value is a sum of the sidecars' values for the same bucket and scope, so it equals what one sidecar
/// that saw every record would hold.
public struct MergedBucket: Sendable {
    public var startMicros: Int64
    /// The newest record time in the bucket, when known; the bucket's last microsecond otherwise.
    public var newestMicros: Int64
    public var rollups: [(scope: ScopeKey, counters: MetricCounters)]
    public var shapes: [MergedShapeCounts]

    public init(startMicros: Int64, newestMicros: Int64, rollups: [(scope: ScopeKey, counters: MetricCounters)] = [],
                shapes: [MergedShapeCounts] = []) {
        self.startMicros = startMicros
        self.newestMicros = newestMicros
        self.rollups = rollups
        self.shapes = shapes
    }
}

/// One record shape's counts in a bucket, with checks by name (each sidecar numbers its checks in its own order).
public struct MergedShapeCounts: Sendable, Equatable {
    public var task: String
    public var predicates: [ScopeKey]
    public var outcomes: Int64
    public var failures: Int64
    /// Check name → (trials, failures).
    public var checks: [String: ShapeCheckCounts]

    public init(task: String, predicates: [ScopeKey], outcomes: Int64 = 0, failures: Int64 = 0, checks: [String: ShapeCheckCounts] = [:]) {
        self.task = task
        self.predicates = predicates
        self.outcomes = outcomes
        self.failures = failures
        self.checks = checks
    }
}

public struct ShapeCheckCounts: Sendable, Equatable {
    public var trials: Int64
    public var failures: Int64

    public init(trials: Int64, failures: Int64) {
        self.trials = trials
        self.failures = failures
    }
}

/// The version timeline merged over the sidecars: first sighting the earliest, last the latest, requests summed.
public struct MergedTimeline: Sendable {
    var entries: [VersionTimeline.Key: VersionTimeline.Entry] = [:]

    public init(_ entries: [VersionTimeline.Entry]) {
        for e in entries {
            let key = VersionTimeline.Key(component: e.component, version: e.version)
            if var old = self.entries[key] {
                old.firstSeenMicros = min(old.firstSeenMicros, e.firstSeenMicros)
                old.lastSeenMicros = max(old.lastSeenMicros, e.lastSeenMicros)
                old.requests += e.requests
                self.entries[key] = old
            } else {
                self.entries[key] = e
            }
        }
    }

    public var all: [VersionTimeline.Entry] {
        entries.values.sorted { ($0.component, $0.firstSeenMicros, $0.version) < ($1.component, $1.firstSeenMicros, $1.version) }
    }
}

extension ShapeTable {
    /// Adds one merged shape's counts to the bucket at `start`; check names are interned here (past ``maxChecks`` left out).
    mutating func merge(shape: Int32, outcomes: Int64, failures: Int64, checks: [String: ShapeCheckCounts], at start: Int64) {
        var byIndex: [(index: Int, trials: Int64, failures: Int64)] = []
        for name in checks.keys.sorted() {
            guard let i = internCheck(name), let c = checks[name] else { continue }
            byIndex.append((i, c.trials, c.failures))
        }
        add(shape: shape, outcomes: outcomes, failures: failures, checks: byIndex, at: start)
    }
}
