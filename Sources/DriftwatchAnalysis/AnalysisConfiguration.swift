/// Tunables of the analyzer. Defaults suit a service with a few requests per second or more.
public struct AnalysisConfiguration: Sendable, Equatable {
    /// Bucket of the fine rollups that detection reads.
    public var bucketMicros: Int64 = 5 * 60_000_000
    /// Bucket of the coarse rollups kept for reports and dashboards.
    public var coarseBucketMicros: Int64 = 3_600_000_000
    /// The window compared against the baseline, ending at the evaluation time.
    public var currentWindowMicros: Int64 = 3_600_000_000
    /// The baseline: up to this long immediately before the current window.
    public var baselineWindowMicros: Int64 = 24 * 3_600_000_000
    /// Smallest absolute drop in success rate worth an incident, so plain noise and benign changes raise nothing.
    public var minimumEffect: Double = 0.02
    /// False-discovery rate across every scope tested in one evaluation (Benjamini–Hochberg). Small, because the
    /// same scopes are tested again every bucket: 30 days hold 8,640 evaluations, and under the null BH at q
    /// rejects anything with probability at most q per evaluation, so 2e-5 bounds a quiet month at ~0.17 before
    /// the two confirmations (1e-4 measured 1.5 false alarms per 30 quiet days in the scenario matrix).
    public var falseDiscoveryRate: Double = 0.00002
    /// Fewest trials a baseline needs before a scope is tested.
    public var minimumBaseline: Int64 = 200
    /// Fewest trials a current window (or a version cohort) needs before it is tested.
    public var minimumCurrent: Int64 = 100
    /// Below this expected count in any cell of the 2×2 table, Fisher's exact test replaces the z-test.
    public var fisherBelowExpected: Double = 10
    /// Share of the task-level excess failures a narrower scope must explain to become the incident's scope.
    public var explanatoryPower: Double = 0.5
    /// Also test each validation check's pass rate (`check:<name>`) in the same Benjamini–Hochberg family as the
    /// success rates; a check incident opens only for a task whose success rate did not fall.
    public var detectChecks = true
    /// Also test each tool's call failure rate (`tool:<name>`: errors and timeouts per call) in the same family: a tool
    /// incident opens when its calls fail significantly more often, whatever the success rate did.
    public var detectToolFailures = true
    /// Success-rate tests of a task and its segments against their baselines carry the task's hour-to-hour
    /// variation beyond binomial noise (``HourlyDispersion``), estimated on the baseline's hours; off tests every
    /// request as independent of its hour.
    public var hourlyDispersion = true
    /// Consecutive evaluations a task must show a regression in before an incident opens.
    public var confirmations: Int = 2
    /// A new version first seen this close to the estimated onset is taken as the onset (a deploy marker).
    public var deploySnapMicros: Int64 = 3_600_000_000
    /// Failure-slice discovery: search the lattice `task ∧ new version ∧ predicate` of every version first seen within
    /// ``cohortHorizonMicros`` with always-valid tests (see ``SliceSearch``).
    public var detectSlices = true
    /// Probability that one new version's lattice raises a false alarm over its whole life (all nodes, metrics
    /// and looks together).
    public var sliceAlpha: Double = 0.001
    /// Fewest trials a lattice node needs, on the new version and on the reference, before it is tested.
    public var sliceMinimumTrials: Int64 = 20
    /// How long after its first sighting a version is searched as a cohort; after that it is an established
    /// version, tested per hour like any segment.
    public var cohortHorizonMicros: Int64 = 48 * 3_600_000_000
    /// For this long after a version's first sighting, a regression carried by it is left to the lattice search
    /// (which names the failing slice) rather than opened by the window detector.
    public var cohortPrecedenceMicros: Int64 = 2 * 3_600_000_000
    /// Consecutive evaluations a scope must test as recovered (enough requests, the drop below the effect floor
    /// with 95% confidence) before its incident resolves.
    public var resolveConfirmations: Int = 3
    /// The window an open incident's recovery is tested on; at least the current window.
    public var recoveryWindowMicros: Int64 = 3_600_000_000
    /// An incident of the same task, scope, metric and component resolved less than this ago is reopened
    /// instead of a new one opening.
    public var reopenWithinMicros: Int64 = 24 * 3_600_000_000
    /// How far before an evaluation the change point of a new incident is searched (step or ramp).
    public var onsetLookbackMicros: Int64 = 12 * 3_600_000_000
    /// How far behind the watermark (the newest accepted record) a record may be and still be rolled up, with the
    /// evaluations it affects replayed; older ones are counted as `beyond_lateness`. Defaults to the baseline
    /// window, so a backfill of rotated files in any order within a day gives the incidents of an in-order run.
    public var latenessMicros: Int64 {
        get { latenessOverrideMicros ?? baselineWindowMicros }
        set { latenessOverrideMicros = newValue }
    }
    /// Set `analysis.lateness`; nil follows the baseline window.
    public var latenessOverrideMicros: Int64?
    /// Records dated more than this after the sidecar's clock are counted as `future` and never move the watermark.
    public var maxClockSkewMicros: Int64 = 5 * 60_000_000
    /// Fine buckets older than this before the newest record are dropped from memory (they stay stored): the
    /// lateness horizon plus everything an evaluation at its oldest boundary reads (current and baseline
    /// windows), plus an hour, so replaying that evaluation sees the same buckets it first saw. (Live cohorts of the
    /// slice search keep running sums, so their longer evidence window needs no buckets in memory.)
    public var horizonMicros: Int64 { latenessMicros + currentWindowMicros + baselineWindowMicros + coarseBucketMicros }

    public init() {}

    /// Checks that windows are whole numbers of buckets and thresholds are in range.
    public func validate() throws(AnalysisError) {
        guard bucketMicros > 0, coarseBucketMicros > 0, coarseBucketMicros % bucketMicros == 0 else {
            throw AnalysisError(.invalidConfiguration, "bucket sizes must be positive and the coarse bucket a multiple of the fine one")
        }
        guard currentWindowMicros >= bucketMicros, currentWindowMicros % bucketMicros == 0,
              baselineWindowMicros >= bucketMicros, baselineWindowMicros % bucketMicros == 0 else {
            throw AnalysisError(.invalidConfiguration, "current and baseline windows must be whole numbers of buckets")
        }
        guard latenessMicros >= 0, maxClockSkewMicros >= 0 else {
            throw AnalysisError(.invalidConfiguration, "lateness and max clock skew must not be negative")
        }
        guard (0..<1).contains(minimumEffect), falseDiscoveryRate > 0, falseDiscoveryRate < 1 else {
            throw AnalysisError(.invalidConfiguration, "minimum effect must be in 0..<1 and the false-discovery rate in (0, 1)")
        }
        guard sliceAlpha > 0, sliceAlpha < 1, sliceMinimumTrials >= 1, cohortHorizonMicros >= bucketMicros,
              resolveConfirmations >= 1, recoveryWindowMicros >= bucketMicros,
              onsetLookbackMicros >= 4 * bucketMicros, onsetLookbackMicros <= currentWindowMicros + baselineWindowMicros else {
            throw AnalysisError(.invalidConfiguration, "slice_alpha must be in (0, 1), slice_min_trials and resolve_confirmations at least 1, cohort_horizon and recovery_window at least one bucket, onset_lookback between four buckets and the current plus baseline windows")
        }
    }
}
