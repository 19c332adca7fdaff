import DriftwatchCore

/// Running per-shape sums of one live cohort: its own shapes since the version's first sighting, and the task's
/// other shapes since a baseline window before it, both minus the intervals of the task's other incidents (an
/// outage after a full rollout must not be charged to the version rolled out).
///
/// Kept up to date by adding only the buckets closed since the last evaluation, so an evaluation reads one bucket
/// per cohort rather than the whole evidence window (which outlives the in-memory buckets); a record arriving late
/// in a bucket already summed is added directly (``AnalysisEngine/addLate(_:shape:)``).
struct CohortSums: Sendable {
    var cohort: [Int64] = []
    var reference: [Int64] = []
    /// Buckets before this are in the sums.
    var through: Int64
    let from: Int64
    /// The task's excluded intervals as of the last advance (new buckets inside them stay out of the reference).
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
        if !built {
            built = true
            shapes.accumulate(into: &reference, range: (from - baselineMicros)..<from, skip: skip,
                              only: { shapes.shapes[$0].task == task && !shapes.shapes[$0].predicates.contains(cohortScope) })
        }
        guard t > through else { return }
        shapes.accumulate(into: &cohort, range: through..<t, skip: skip,
                          only: { shapes.shapes[$0].task == task && shapes.shapes[$0].predicates.contains(cohortScope) })
        shapes.accumulate(into: &reference, range: through..<t, skip: skip,
                          only: { shapes.shapes[$0].task == task && !shapes.shapes[$0].predicates.contains(cohortScope) })
        through = t
    }
}
