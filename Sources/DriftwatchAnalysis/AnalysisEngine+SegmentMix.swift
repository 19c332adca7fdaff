extension AnalysisEngine {
    /// Whether a segment's success-rate drop (`task ∧ customer_tier=pro`) is its own traffic mix moving over another
    /// slice key rather than its rates: the drop the segment's baseline rates per value of that key predict at the
    /// current window's mix is at least 60% of the observed one (the rule the task's mix test uses).
    ///
    /// The window rollups hold one dimension per scope, so the segment's mix over another key comes from the shape
    /// counts (every request's full set of predicates). Without this a traffic shift toward `language=de`, which the
    /// model serves worse, also moved `customer_tier=pro`'s mix, and the segment's drop opened a `model` incident
    /// beside the task's traffic finding (the suite's known traffic-shift false alarm). A value of the key seen
    /// rarely in the baseline is shrunk toward the segment's baseline rate (10 pseudo-requests).
    func segmentDropExplainedByMix(_ finding: Finding, windows: WindowCounters) -> Bool {
        guard finding.kind == .segment, finding.metric == .successRate, Dimension.isSlice(finding.scope.dimension),
              let segment = scopes.existingID(finding.scope) else { return false }
        let stride = ShapeTable.stride
        let task = finding.scope.task
        let hasSegment: (Int) -> Bool = { self.shapes.shapes[$0].predicates.contains(segment) }
        var base: [Int64] = [], cur: [Int64] = []
        shapes.accumulate(into: &base, range: windows.baselineRange,
                          skip: { windows.isExcluded(task: task, bucket: $0..<($0 + self.configuration.bucketMicros)) }, only: hasSegment)
        shapes.accumulate(into: &cur, range: windows.currentRange, only: hasSegment)
        // Per other slice key and value: current requests, baseline (requests, failures).
        var curByValue: [Int: Double] = [:], baseByValue: [Int: (trials: Double, failures: Double)] = [:]
        var curTotal = 0.0, baseTrials = 0.0, baseFailures = 0.0, curFailures = 0.0
        for shape in shapes.shapes.indices where hasSegment(shape) {
            let at = shape * stride
            let c = at < cur.count ? Double(cur[at]) : 0, cf = at < cur.count ? Double(cur[at + 1]) : 0
            let b = at < base.count ? Double(base[at]) : 0, bf = at < base.count ? Double(base[at + 1]) : 0
            guard c > 0 || b > 0 else { continue }
            curTotal += c
            curFailures += cf
            baseTrials += b
            baseFailures += bf
            for p in shapes.shapes[shape].predicates where p != segment {
                let dimension = scopes.keys[p].dimension
                guard Dimension.isSlice(dimension), dimension != finding.scope.dimension else { continue }
                if c > 0 { curByValue[p, default: 0] += c }
                if b > 0 {
                    baseByValue[p, default: (0, 0)].trials += b
                    baseByValue[p, default: (0, 0)].failures += bf
                }
            }
        }
        guard curTotal > 0, baseTrials > 0 else { return false }
        let baseRate = baseFailures / baseTrials, curRate = curFailures / curTotal
        let drop = curRate - baseRate
        guard drop > 0 else { return false }
        var predicted: [String: (covered: Double, rate: Double)] = [:]
        for (p, trials) in curByValue {
            let ref = baseByValue[p] ?? (0, 0)
            let rate = (ref.failures + 10 * baseRate) / (ref.trials + 10)
            predicted[scopes.keys[p].dimension, default: (0, 0)].covered += trials
            predicted[scopes.keys[p].dimension, default: (0, 0)].rate += trials / curTotal * rate
        }
        guard let standardized = predicted.values.filter({ $0.covered >= 0.99 * curTotal }).map(\.rate).max() else { return false }
        return standardized - baseRate >= 0.6 * drop
    }
}
