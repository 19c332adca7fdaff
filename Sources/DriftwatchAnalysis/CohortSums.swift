import DriftwatchCore

/// Running per-shape sums of one live cohort, kept up to date by adding only the buckets closed since the last
/// evaluation (the evidence window outlives the in-memory buckets); a record arriving late in a bucket already
/// summed drops them, to be rebuilt from the buckets.
///
/// Two comparisons are kept, and each lattice node uses the better one it has data for:
/// - **concurrent**: the cohort against the task's other versions over the same time since the cohort's start
///   (a canary): whatever else happens meanwhile (an outage, a traffic shift) hits both sides alike;
/// - **before**: the cohort against the task's traffic over a baseline window before the start (a full rollout),
///   both sides without the intervals of the task's other incidents, so an outage after a rollout is not
///   charged to the version rolled out.
struct CohortSums: Sendable {
    /// The cohort's shapes since the start: all of it, and without the excluded intervals.
    var cohortAll: [Int64] = []
    var cohortClean: [Int64] = []
    /// The task's other shapes since the start (concurrent), and over the baseline window before it (clean).
    var concurrent: [Int64] = []
    var before: [Int64] = []
    /// Buckets before this are in the sums.
    var through: Int64
    let from: Int64
    /// The intervals of the task's other incidents as of the last advance.
    var exclusions: [Range<Int64>] = []
    private var built = false

    init(from: Int64) {
        self.from = from
        self.through = from
    }

    /// Brings the sums up to `t` for cohort scope `cohortScope` of task scope `task`.
    mutating func advance(to t: Int64, cohortScope: Int, task: Int, shapes: ShapeTable, baselineMicros: Int64,
                          exclusions: [Range<Int64>]) {
        self.exclusions = exclusions
        let bucket = shapes.bucketMicros
        func skip(_ s: Int64) -> Bool { exclusions.contains { $0.overlaps(s..<(s + bucket)) } }
        let inCohort: (Int) -> Bool = { shapes.shapes[$0].task == task && shapes.shapes[$0].predicates.contains(cohortScope) }
        let others: (Int) -> Bool = { shapes.shapes[$0].task == task && !shapes.shapes[$0].predicates.contains(cohortScope) }
        if !built {
            built = true
            shapes.accumulate(into: &before, range: (from - baselineMicros)..<from, skip: skip, only: others)
        }
        guard t > through else { return }
        shapes.accumulate(into: &cohortAll, range: through..<t, only: inCohort)
        shapes.accumulate(into: &cohortClean, range: through..<t, skip: skip, only: inCohort)
        shapes.accumulate(into: &concurrent, range: through..<t, only: others)
        through = t
    }
}
