import DriftwatchStatistics

/// One scope whose success rate fell: the comparison, its test and its size.
struct Finding: Sendable {
    enum Kind: Sendable, Equatable {
        /// The whole task, current against baseline.
        case task
        /// A slice or an established version, current against its own baseline.
        case segment
        /// A version first seen in the current window, against the versions it replaces.
        case newVersion
        /// The task's traffic moved toward this slice value enough to lower its success rate by `effect`
        /// (the mix term of the decomposition) at the baseline's per-slice rates.
        case mix
    }

    var scope: ScopeKey
    var kind: Kind
    /// The scope's whole counters (attribution reads every signal in them), whatever the tested metric.
    var reference: MetricCounters
    var current: MetricCounters
    var pValue: Double
    var adjustedPValue = 1.0
    /// Reference rate minus current rate of the tested metric.
    var effect: Double
    /// Failures beyond what the reference rate predicts for the current trials.
    var excess: Double { effect * Double(currentRate.trials) }
    /// Share of the task's current trials in this scope.
    var share: Double
    var metric: DetectedMetric = .successRate

    var referenceRate: PassRate { metric.rate(reference) }
    var currentRate: PassRate { metric.rate(current) }
}

/// Tests every scope's current success rate against its baseline (or a new version against the versions it
/// replaces), one-sided for "worse", controls the false-discovery rate across all of them with
/// Benjamini–Hochberg, and keeps only drops at least as large as the practical effect floor.
struct RegressionDetector {
    let configuration: AnalysisConfiguration
    /// Each task's hour-to-hour variation beyond binomial noise (see ``HourlyDispersion``): success-rate tests of
    /// the task and its segments against their baselines carry it. Canaries are compared with versions serving in
    /// the same hours, where it cancels, and are not.
    var dispersion: [String: HourlyDispersion] = [:]
    /// A share move this significant (the mix test's two-sided p) explains the drop beside it: see ``HourlyDispersion``.
    static let shiftBeyondDoubt = 1e-6

    init(configuration: AnalysisConfiguration, dispersion: [String: HourlyDispersion] = [:]) {
        self.configuration = configuration
        self.dispersion = dispersion
    }

    /// A task's whole-task comparison (tested whether or not it is significant) and its significant findings,
    /// all of one metric.
    struct TaskResult {
        var comparison: Finding?
        var findings: [Finding]
        var metric: DetectedMetric = .successRate
    }

    /// Tests every task; tasks in `skipping` (those with an open incident) only for canaries, so their known
    /// regression neither re-fires nor loosens the BH threshold for everything else.
    ///
    /// A task's result is about its success rate when that fell significantly; otherwise about the check whose
    /// pass rate fell with the most excess failures, whatever the success rate did (both are reported).
    func evaluate(_ windows: WindowCounters, skipping: Set<String> = []) -> [String: TaskResult] {
        let all = findings(windows, skipping: skipping)
        var out: [String: TaskResult] = [:]
        let significantFindings = all.tested.indices.filter { all.significant.contains($0) }.map { all.tested[$0] }
        for (task, list) in Dictionary(grouping: all.tested, by: \.scope.task) {
            let significant = significantFindings.filter { $0.scope.task == task }
            guard !significant.isEmpty else { continue }
            // A check finding counts only where the scope's success rate held (fell by less than the floor):
            // a check failing along with the requests (a regression, or traffic moving to a slice that fails
            // it more) is evidence for a success-rate incident, not one of its own.
            // A check's rise counts whatever the success rate did (a check failing with a not-yet-significant
            // success drop fell between the two paths before); the incident is about the success rate when that fell
            // significantly too, and reports the check beside it.
            var byMetric = Dictionary(grouping: significant, by: \.metric)
            guard !byMetric.isEmpty else { continue }
            let metric: DetectedMetric
            if byMetric[.successRate] != nil {
                metric = .successRate
            } else {
                metric = byMetric.keys.max {
                    (byMetric[$0]!.map(\.excess).max() ?? 0, $1) < (byMetric[$1]!.map(\.excess).max() ?? 0, $0)
                }!
            }
            // A check that rose only because traffic moved toward slices that fail it more is the traffic's
            // doing: the success-rate mix test speaks for it, not a check incident.
            if metric != .successRate, explainedByMix(task: task, metric: metric, windows: windows) { continue }
            out[task] = TaskResult(comparison: list.first { $0.kind == .task && $0.metric == metric },
                                   findings: byMetric.removeValue(forKey: metric)!, metric: metric)
        }
        return out
    }

    func findings(_ windows: WindowCounters, skipping: Set<String> = []) -> (tested: [Finding], significant: Set<Int>) {
        var tested: [Finding] = []
        let tasks = Set(windows.current.keys.map(\.task)).sorted()
        for task in tasks {
            let taskScope = ScopeKey(task: task)
            guard let cur = windows.current[taskScope], windows.baseline[taskScope] != nil else { continue }
            tested += findings(task: task, metric: .successRate, windows: windows, skipping: skipping)
            if configuration.detectChecks {
                for check in cur.checks.map(\.name).sorted() {
                    tested += findings(task: task, metric: .check(check), windows: windows, skipping: skipping)
                }
            }
            if configuration.detectToolFailures {
                for tool in cur.tools.map(\.name).sorted() {
                    tested += findings(task: task, metric: .tool(tool), windows: windows, skipping: skipping)
                }
            }
        }
        guard !tested.isEmpty else { return ([], []) }
        // One Benjamini–Hochberg family: every metric × scope hypothesis of this evaluation.
        let bh = BenjaminiHochberg.adjust(tested.map(\.pValue), alpha: configuration.falseDiscoveryRate)
        var significant: Set<Int> = []
        for i in tested.indices {
            tested[i].adjustedPValue = bh.adjusted[i]
            if bh.rejected[i] && tested[i].effect >= configuration.minimumEffect { significant.insert(i) }
        }
        return (tested, significant)
    }

    /// The hypotheses of one task and metric: the whole task, its mix terms (success rate only), its established
    /// segments against their baselines and its new versions against the versions serving beside them.
    private func findings(task: String, metric: DetectedMetric, windows: WindowCounters, skipping: Set<String>) -> [Finding] {
        var tested: [Finding] = []
        // A task with an open incident is only tested for new versions against those serving beside them,
        // which its incident cannot contaminate (a canary deployed during an outage is still found).
        let onlyCanaries = skipping.contains(task)
        let taskScope = ScopeKey(task: task)
        guard let cur = windows.current[taskScope], let base = windows.baseline[taskScope] else { return [] }
        let curTrials = metric.rate(cur).trials
        guard curTrials >= configuration.minimumCurrent else { return [] }
        let testTask = !onlyCanaries && metric.rate(base).trials >= configuration.minimumBaseline
        let dimensions = Set(windows.current.keys.filter { $0.task == task && !$0.isTask }.map(\.dimension)).sorted()
        var mixes: [Finding] = []
        if testTask, metric == .successRate {
            for key in dimensions where Dimension.isSlice(key) {
                if let mix = mixFinding(task: task, key: key, windows: windows, base: base, cur: cur) { mixes.append(mix) }
            }
        }
        // The between-hour variance stands for variation of unknown origin; a drop that comes with a slice's share
        // moving (beyond doubt) toward a slice it serves worse has a known one, and is tested as binomial. Only the
        // task's: its segments keep the hourly variance, or a shift exposes every segment to hourly swings (the
        // suite's traffic-shift `customer_tier=pro` false alarms).
        let shifted = mixes.contains { $0.pValue < Self.shiftBeyondDoubt }
        if testTask {
            tested.append(test(taskScope, .task, metric: metric, reference: base, current: cur, taskTrials: curTrials, hourly: !shifted))
        }
        tested += mixes
        for dimension in dimensions {
            let scopes = windows.scopes(task: task, dimension: dimension)
            for scope in scopes {
                guard let c = windows.current[scope], metric.rate(c).trials >= configuration.minimumCurrent else { continue }
                let b = windows.baseline[scope] ?? MetricCounters()
                let baseTrials = metric.rate(b).trials
                if baseTrials >= configuration.minimumBaseline {
                    // Checks and tools are tested per task and per new version only: segment tests of every one
                    // would multiply the family and delay every other finding under Benjamini–Hochberg.
                    if onlyCanaries || metric != .successRate { continue }
                    tested.append(test(scope, .segment, metric: metric, reference: b, current: c, taskTrials: curTrials, hourly: true))
                } else if Dimension.versioned.contains(dimension), baseTrials * 20 < metric.rate(c).trials {
                    // A new version: against the other versions serving now (a canary), else the baseline.
                    var others = MetricCounters()
                    for other in scopes where other != scope { others.merge(windows.current[other]!, sketch: false) }
                    let reference: MetricCounters
                    if metric.rate(others).trials >= configuration.minimumCurrent {
                        reference = others
                    } else if onlyCanaries {
                        continue
                    } else {
                        var all = MetricCounters()
                        for s in windows.baseline.keys where s.task == task && s.dimension == dimension {
                            all.merge(windows.baseline[s]!, sketch: false)
                        }
                        reference = all
                    }
                    guard metric.rate(reference).trials >= configuration.minimumCurrent else { continue }
                    tested.append(test(scope, .newVersion, metric: metric, reference: reference, current: c, taskTrials: curTrials))
                }
            }
        }
        return tested
    }

    /// Whether, over some slice key, the mix term explains at least 60% of the metric's drop, the rate term
    /// counted only beyond two of its standard errors.
    func explainedByMix(task: String, metric: DetectedMetric, windows: WindowCounters) -> Bool {
        let keys = Set(windows.current.keys.filter { $0.task == task && Dimension.isSlice($0.dimension) }.map(\.dimension))
        for key in keys.sorted() {
            var b: [String: MetricCounters] = [:], c: [String: MetricCounters] = [:]
            for scope in windows.scopes(task: task, dimension: key) {
                if let x = windows.baseline[scope] { b[scope.value] = x }
                if let x = windows.current[scope] { c[scope.value] = x }
            }
            let d = MixRateDecomposition(key: key, baseline: b, current: c, metric: metric)
            let excessRate = max(0, -d.rate - 2 * d.rateStandardError)
            if d.mix < 0, -d.mix >= 0.6 * (-d.mix + excessRate) { return true }
        }
        return false
    }

    /// Tests whether the share of the slice value driving the mix term moved (two-sided two-proportion z-test);
    /// the effect is the drop in success rate the move alone predicts.
    func mixFinding(task: String, key: String, windows: WindowCounters, base: MetricCounters, cur: MetricCounters) -> Finding? {
        var b: [String: MetricCounters] = [:], c: [String: MetricCounters] = [:]
        for scope in windows.scopes(task: task, dimension: key) {
            if let x = windows.baseline[scope] { b[scope.value] = x }
            if let x = windows.current[scope] { c[scope.value] = x }
        }
        let d = MixRateDecomposition(key: key, baseline: b, current: c)
        guard d.mix < 0, let part = d.drivingPart else { return nil }
        let nb = b.values.reduce(0) { $0 + $1.outcomes }, nc = c.values.reduce(0) { $0 + $1.outcomes }
        let sb = b[part.value]?.outcomes ?? 0, sc = c[part.value]?.outcomes ?? 0
        guard nb > 0, nc > 0 else { return nil }
        var p = Proportions.twoProportionZTest(successes1: Int(sc), trials1: Int(nc), successes2: Int(sb), trials2: Int(nb)).pValue
        if p.isNaN { p = 1 }
        return Finding(scope: ScopeKey(task: task, dimension: key, value: part.value), kind: .mix, reference: base, current: cur,
                       pValue: p, effect: -d.mix, share: part.w1)
    }

    func test(_ scope: ScopeKey, _ kind: Finding.Kind, metric: DetectedMetric = .successRate, reference: MetricCounters,
              current: MetricCounters, taskTrials: Int64, hourly: Bool = false) -> Finding {
        let r = metric.rate(reference), c = metric.rate(current)
        var p = Self.pWorse(current: c, reference: r, fisherBelow: configuration.fisherBelowExpected)
        if hourly, metric == .successRate, kind == .task || kind == .segment, let d = dispersion[scope.task], d.logitVariance > 0 {
            let hours = Double(configuration.baselineWindowMicros) / Double(configuration.currentWindowMicros)
            p = max(p, d.pWorse(current: (c.passes, c.trials), reference: (r.passes, r.trials), referenceHours: hours))
        }
        let effect = (r.value ?? 0) - (c.value ?? 0)
        let share = taskTrials > 0 ? Double(c.trials) / Double(taskTrials) : 0
        return Finding(scope: scope, kind: kind, reference: reference, current: current, pValue: p, effect: effect, share: share,
                       metric: metric)
    }

    /// One-sided p-value that the current success rate is below the reference's.
    static func pWorse(current: MetricCounters, reference: MetricCounters, fisherBelow: Double) -> Double {
        pWorse(current: DetectedMetric.successRate.rate(current), reference: DetectedMetric.successRate.rate(reference),
               fisherBelow: fisherBelow)
    }

    /// One-sided p-value that the current pass rate is below the reference's: Fisher's exact test when a
    /// cell's expected count is small, else the pooled two-proportion z-test.
    static func pWorse(current: PassRate, reference: PassRate, fisherBelow: Double) -> Double {
        let a = Int(current.passes), b = Int(current.trials - current.passes)
        let c = Int(reference.passes), d = Int(reference.trials - reference.passes)
        let n = Double(a + b + c + d)
        guard a + b > 0, c + d > 0 else { return 1 }
        let rows = [Double(a + b), Double(c + d)], cols = [Double(a + c), Double(b + d)]
        let minExpected = rows.flatMap { r in cols.map { r * $0 / n } }.min() ?? 0
        let p: Double
        if minExpected < fisherBelow {
            p = FisherExactTest.test(a, b, c, d, alternative: .less).pValue
        } else {
            p = Proportions.twoProportionZTest(successes1: a, trials1: a + b, successes2: c, trials2: c + d, alternative: .less).pValue
        }
        return p.isNaN ? 1 : p
    }
}
