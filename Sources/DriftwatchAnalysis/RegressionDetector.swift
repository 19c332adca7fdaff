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
    var reference: MetricCounters
    var current: MetricCounters
    var pValue: Double
    var adjustedPValue = 1.0
    /// Reference success rate minus current success rate.
    var effect: Double
    /// Failures beyond what the reference rate predicts for the current trials.
    var excess: Double { effect * Double(current.outcomes) }
    /// Share of the task's current trials in this scope.
    var share: Double
}

/// Tests every scope's current success rate against its baseline (or a new version against the versions it
/// replaces), one-sided for "worse", controls the false-discovery rate across all of them with
/// Benjamini–Hochberg, and keeps only drops at least as large as the practical effect floor.
struct RegressionDetector {
    let configuration: AnalysisConfiguration

    /// A task's whole-task comparison (tested whether or not it is significant) and its significant findings.
    struct TaskResult {
        var comparison: Finding?
        var findings: [Finding]
    }

    /// Tests every task except `skipping` (tasks with an open incident, which stay out of the BH family so their
    /// strong signals do not loosen the threshold for everything else).
    func evaluate(_ windows: WindowCounters, skipping: Set<String> = []) -> [String: TaskResult] {
        let all = findings(windows, skipping: skipping)
        var out: [String: TaskResult] = [:]
        let significantFindings = all.tested.indices.filter { all.significant.contains($0) }.map { all.tested[$0] }
        for (task, list) in Dictionary(grouping: all.tested, by: \.scope.task) {
            let significant = significantFindings.filter { $0.scope.task == task }
            guard !significant.isEmpty else { continue }
            out[task] = TaskResult(comparison: list.first { $0.kind == .task }, findings: significant)
        }
        return out
    }

    func findings(_ windows: WindowCounters, skipping: Set<String> = []) -> (tested: [Finding], significant: Set<Int>) {
        var tested: [Finding] = []
        let tasks = Set(windows.current.keys.map(\.task)).subtracting(skipping).sorted()
        for task in tasks {
            let taskScope = ScopeKey(task: task)
            guard let cur = windows.current[taskScope], let base = windows.baseline[taskScope],
                  cur.outcomes >= configuration.minimumCurrent else { continue }
            if base.outcomes >= configuration.minimumBaseline {
                tested.append(test(taskScope, .task, reference: base, current: cur, taskTrials: cur.outcomes))
            }
            let dimensions = Set(windows.current.keys.filter { $0.task == task && !$0.isTask }.map(\.dimension)).sorted()
            if base.outcomes >= configuration.minimumBaseline {
                for key in dimensions where Dimension.isSlice(key) {
                    if let mix = mixFinding(task: task, key: key, windows: windows, base: base, cur: cur) { tested.append(mix) }
                }
            }
            for dimension in dimensions {
                let scopes = windows.scopes(task: task, dimension: dimension)
                for scope in scopes {
                    guard let c = windows.current[scope], c.outcomes >= configuration.minimumCurrent else { continue }
                    let b = windows.baseline[scope] ?? MetricCounters()
                    if b.outcomes >= configuration.minimumBaseline {
                        tested.append(test(scope, .segment, reference: b, current: c, taskTrials: cur.outcomes))
                    } else if Dimension.versioned.contains(dimension), b.outcomes * 20 < c.outcomes {
                        // A new version: against the other versions serving now (a canary), else the baseline.
                        var others = MetricCounters()
                        for other in scopes where other != scope { others.merge(windows.current[other]!, sketch: false) }
                        let reference: MetricCounters
                        if others.outcomes >= configuration.minimumCurrent {
                            reference = others
                        } else {
                            var all = MetricCounters()
                            for s in windows.baseline.keys where s.task == task && s.dimension == dimension {
                                all.merge(windows.baseline[s]!, sketch: false)
                            }
                            reference = all
                        }
                        guard reference.outcomes >= configuration.minimumCurrent else { continue }
                        tested.append(test(scope, .newVersion, reference: reference, current: c, taskTrials: cur.outcomes))
                    }
                }
            }
        }
        guard !tested.isEmpty else { return ([], []) }
        let bh = BenjaminiHochberg.adjust(tested.map(\.pValue), alpha: configuration.falseDiscoveryRate)
        var significant: Set<Int> = []
        for i in tested.indices {
            tested[i].adjustedPValue = bh.adjusted[i]
            if bh.rejected[i] && tested[i].effect >= configuration.minimumEffect { significant.insert(i) }
        }
        return (tested, significant)
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

    func test(_ scope: ScopeKey, _ kind: Finding.Kind, reference: MetricCounters, current: MetricCounters, taskTrials: Int64) -> Finding {
        let p = Self.pWorse(current: current, reference: reference, fisherBelow: configuration.fisherBelowExpected)
        let effect = (reference.successRate ?? 0) - (current.successRate ?? 0)
        let share = taskTrials > 0 ? Double(current.outcomes) / Double(taskTrials) : 0
        return Finding(scope: scope, kind: kind, reference: reference, current: current, pValue: p, effect: effect, share: share)
    }

    /// One-sided p-value that the current success rate is below the reference's: Fisher's exact test when a
    /// cell's expected count is small, else the pooled two-proportion z-test.
    static func pWorse(current: MetricCounters, reference: MetricCounters, fisherBelow: Double) -> Double {
        let a = Int(current.successes), b = Int(current.outcomes - current.successes)
        let c = Int(reference.successes), d = Int(reference.outcomes - reference.successes)
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
