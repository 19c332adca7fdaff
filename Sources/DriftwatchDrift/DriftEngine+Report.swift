import DriftwatchCore
import DriftwatchStatistics

extension DriftEngine {
    /// The drift report for the newest data: every feature and scope with enough values in both
    /// windows, streaming detector status and recommendations joined with `incidents`.
    ///
    /// Reference buckets overlapping an incident's window (open incidents run to the end of the data)
    /// are left out of the reference: the baseline is what the service looked like when nothing was
    /// known to be wrong.
    public func report(incidents: [IncidentSummary] = []) -> DriftReport {
        let windows = resolveWindows(excluding: incidents.compactMap(\.window))
        var rows: [FeatureDrift] = []
        var skipped = 0
        for scopeID in 0..<state.scopes.count {
            let scopeName = state.scopeName(scopeID)
            guard let current = windows.current.scope(scopeID) else { continue }
            for (f, feature) in state.features.enumerated() {
                if case .slice(let key) = feature.source, scopeName.hasPrefix(key + "=") { continue }
                if feature.source == .documents && scopeName != "all" && !scopeName.hasPrefix("task=") { continue }
                let onBaseline = feature.reference == .baseline
                let referenceWindow = onBaseline ? windows.baseline : windows.trailing
                guard let reference = referenceWindow.scope(scopeID) else { continue }
                var parts: [[UInt32]] = []
                if onBaseline && feature.source == .documents {
                    parts = windows.baselineParts.map { $0.scope(scopeID)?.documents ?? [] }
                } else if onBaseline && feature.source.kind == .categorical {
                    parts = windows.baselineParts.map { part in part.scope(scopeID).map { f < $0.categorical.count ? $0.categorical[f] : [] } ?? [] }
                }
                switch compare(feature: f, scope: scopeName, reference: reference, current: current, parts: parts) {
                case .row(let row): rows.append(row)
                case .tooFew: skipped += 1
                case .absent: break
                }
            }
        }
        decide(&rows)
        let context = RecommendationContext(
            rows: rows, baseline: windows.baseline, current: windows.current, state: state,
            currentFrom: windows.currentRange.lowerBound, currentTo: windows.currentRange.upperBound,
            configuration: configuration)
        var recommender = DriftRecommender(context: context)
        return DriftReport(
            newestRecord: state.newestMicros.map(RFC3339.format(micros:)),
            recordsSeen: state.recordsSeen,
            baseline: windows.baselineRange.flatMap { window($0.lowerBound, $0.upperBound) },
            current: windows.hasCurrent ? window(windows.currentRange.lowerBound, windows.currentRange.upperBound) : nil,
            trailingReference: windows.hasTrailing ? window(windows.trailingRange.lowerBound, windows.trailingRange.upperBound) : nil,
            features: rows,
            detectors: state.detectors.map(Self.status),
            recommendations: recommender.recommend(incidents: incidents),
            skippedForCount: skipped,
            excludedReferenceBuckets: windows.excludedReferenceBuckets)
    }

    struct ResolvedWindows {
        var baseline = WindowCounts()
        /// The baseline by reference bucket, for the new-document test.
        var baselineParts: [WindowCounts] = []
        var baselineRange: Range<Int64>?
        var excludedReferenceBuckets = 0
        var current = WindowCounts()
        var trailing = WindowCounts()
        var currentRange: Range<Int64> = 0..<0
        var trailingRange: Range<Int64> = 0..<0
        var hasCurrent = false
        var hasTrailing = false
    }

    /// Sums the buckets of the current window (ending with the newest record's bucket), of the
    /// trailing reference just before it, and of the baseline minus reference buckets that overlap
    /// `excluding`. With a rolling baseline, kept buckets before the current window (held for a
    /// trailing reference) belong to the baseline too.
    func resolveWindows(excluding: [Range<Int64>] = []) -> ResolvedWindows {
        var result = ResolvedWindows()
        let origin = configuration.bucketOriginMicros
        let rw = configuration.referenceBucketMicros
        var parts: [Int64: WindowCounts] = [:]
        for bucket in state.reference { parts[bucket.index] = bucket.counts }
        guard let newest = state.newestMicros else { return result }
        let w = configuration.bucketMicros
        let newestIndex = bucketIndex(newest)
        let currentBuckets = (configuration.currentWindowMicros + w - 1) / w
        let trailingBuckets = (configuration.trailingReferenceMicros + w - 1) / w
        let currentFirst = newestIndex - currentBuckets + 1
        let trailingFirst = currentFirst - trailingBuckets
        for bucket in state.buckets {
            if bucket.index >= currentFirst {
                result.current.merge(bucket.counts)
            } else {
                if bucket.index >= trailingFirst {
                    result.trailing.merge(bucket.counts)
                    result.hasTrailing = true
                }
                if isRolling { parts[referenceIndex(origin + bucket.index * w), default: WindowCounts()].merge(bucket.counts) }
            }
        }
        result.hasCurrent = true
        result.currentRange = (origin + currentFirst * w)..<(origin + (newestIndex + 1) * w)
        result.trailingRange = (origin + trailingFirst * w)..<(origin + currentFirst * w)
        var from = Int64.max, to = Int64.min
        for index in parts.keys.sorted() {
            var range = (origin + index * rw)..<(origin + (index + 1) * rw)
            if isRolling { range = range.lowerBound..<min(range.upperBound, result.currentRange.lowerBound) }
            if excluding.contains(where: { $0.overlaps(range) }) {
                result.excludedReferenceBuckets += 1
                continue
            }
            result.baseline.merge(parts[index]!)
            result.baselineParts.append(parts[index]!)
            from = min(from, range.lowerBound)
            to = max(to, range.upperBound)
        }
        if isRolling {
            if from < to { result.baselineRange = from..<to }
        } else if let a = state.baselineFromMicros, let b = state.baselineToMicros {
            result.baselineRange = a..<b
        }
        return result
    }

    private func window(_ from: Int64?, _ to: Int64?) -> DriftReport.Window? {
        guard let from, let to else { return nil }
        return DriftReport.Window(fromMicros: from, toMicros: to, from: RFC3339.format(micros: from), to: RFC3339.format(micros: to))
    }

    static func status(_ d: RateDetector) -> DetectorStatus {
        DetectorStatus(
            name: d.name, observations: d.observations, currentRate: d.currentRate,
            rateBeforeLastDetection: d.rateBeforeLastDetection, adwinDetections: d.adwinDetections,
            pageHinkleyDetections: d.pageHinkleyDetections,
            firstDetection: d.firstDetectionMicros.map(RFC3339.format(micros:)),
            lastDetection: d.lastDetectionMicros.map(RFC3339.format(micros:)))
    }

    enum Comparison {
        case row(FeatureDrift)
        case tooFew
        case absent
    }

    func compare(feature f: Int, scope: String, reference: ScopeCounts, current: ScopeCounts, parts: [[UInt32]]) -> Comparison {
        let feature = state.features[f]
        switch feature.source.kind {
        case .categorical:
            let r = f < reference.categorical.count ? reference.categorical[f] : []
            let c = f < current.categorical.count ? current.categorical[f] : []
            return compareCategories(feature, scope: scope, r, c, labels: state.vocabularies[f].values, parts: parts)
        case .numerical:
            guard f < reference.numeric.count, f < current.numeric.count else { return .absent }
            return compareNumbers(feature, scope: scope, reference.numeric[f], current.numeric[f])
        case .documents:
            return compareDocuments(feature, scope: scope, reference.documents, current.documents, parts: parts)
        }
    }

    func compareCategories(_ feature: DriftFeature, scope: String, _ r: [UInt32], _ c: [UInt32], labels: [String], parts: [[UInt32]] = []) -> Comparison {
        var ids: [Int] = []
        var ref: [Int] = [], cur: [Int] = []
        for i in 0..<max(r.count, c.count) {
            let a = i < r.count ? Int(r[i]) : 0, b = i < c.count ? Int(c[i]) : 0
            if a > 0 || b > 0 {
                ids.append(i)
                ref.append(a)
                cur.append(b)
            }
        }
        let nRef = ref.reduce(0, +), nCur = cur.reduce(0, +)
        if nRef == 0 && nCur == 0 { return .absent }
        guard nRef >= configuration.minCount, nCur >= configuration.minCount else { return .tooFew }
        let test = feature.test ?? DriftTest.evidentlyDefault(kind: .categorical, referenceCount: nRef, distinctValues: ids.count)
        var value: Double, pValue: Double?
        switch test {
        case .chiSquare:
            value = Self.pooledChiSquareP(ref, cur, dispersion: Self.dispersion(ids: ids, parts: parts))
            pValue = value
        case .zTest where ids.count == 2:
            // Evidently orders the two categories by value.
            let order = labels[ids[0]] <= labels[ids[1]] ? [0, 1] : [1, 0]
            value = EvidentlyZTest.pValue(referenceCounts: order.map { ref[$0] }, currentCounts: order.map { cur[$0] })
            pValue = value
        case .zTest:
            // One category in both windows: nothing can have drifted.
            value = 1
            pValue = 1
        case .psi:
            value = PopulationStability.evidentlyIndex(referenceCounts: ref, currentCounts: cur)
        default:
            value = JensenShannon.distance(referenceCounts: ref, currentCounts: cur)
        }
        if pValue == nil { pValue = Self.pooledChiSquareP(ref, cur, dispersion: Self.dispersion(ids: ids, parts: parts)) }
        let used: DriftTest = (test == .kolmogorovSmirnov || test == .wasserstein) ? .jensenShannon : test
        return .row(FeatureDrift(
            feature: feature.name, scope: scope, statistic: used.rawValue, value: value,
            threshold: feature.threshold ?? used.defaultThreshold, pValue: pValue, pValueAdjusted: nil,
            drifted: used.isDrift(score: value, threshold: feature.threshold), informational: feature.source.isVersion, psi: nil,
            reference: Self.categorySummary(ids: ids, counts: ref, labels: labels),
            current: Self.categorySummary(ids: ids, counts: cur, labels: labels)))
    }

    /// The guard p-value of a categorical row: ``PooledContingencyChiSquare`` (a two-sample test with sparse
    /// values pooled until every cell is expected at least five times; without pooling a scope with a few
    /// dozen requests and many rare values drifted on noise every day, and a value seen once in the
    /// current hour but never in the reference made Evidently's goodness-of-fit statistic infinite).
    ///
    /// `dispersion` divides the statistic (quasi-likelihood): requests are not independent draws, since
    /// failure and retry rates move together for minutes at a time, and the reference buckets show by
    /// how much more than multinomial noise the same feature varies between hours.
    static func pooledChiSquareP(_ ref: [Int], _ cur: [Int], dispersion: Double = 1) -> Double {
        PooledContingencyChiSquare.test(reference: ref, current: cur, dispersion: dispersion).pValue
    }

    /// The over-dispersion of a categorical feature between reference buckets: the contingency
    /// chi-squared of buckets × values (values expected fewer than five times in the smallest bucket
    /// pooled) over its degrees of freedom, at least 1. 1 with fewer than three buckets.
    static func dispersion(ids: [Int], parts: [[UInt32]]) -> Double {
        let rows = parts.map { part in ids.map { $0 < part.count ? Double(part[$0]) : 0 } }.filter { $0.reduce(0, +) > 0 }
        guard rows.count >= 3 else { return 1 }
        let rowTotals = rows.map { $0.reduce(0, +) }
        let n = rowTotals.reduce(0, +), smallest = rowTotals.min()!
        var columns: [[Double]] = [], rare = [Double](repeating: 0, count: rows.count)
        for i in ids.indices {
            let column = rows.map { $0[i] }
            if smallest * column.reduce(0, +) / n < 5 {
                for j in rows.indices { rare[j] += column[j] }
            } else {
                columns.append(column)
            }
        }
        if rare.reduce(0, +) > 0 { columns.append(rare) }
        guard columns.count >= 2 else { return 1 }
        var statistic = 0.0
        for column in columns {
            let total = column.reduce(0, +)
            for j in rows.indices {
                let expected = rowTotals[j] * total / n
                if expected > 0 { statistic += (column[j] - expected) * (column[j] - expected) / expected }
            }
        }
        return max(1, statistic / Double((rows.count - 1) * (columns.count - 1)))
    }

    static func categorySummary(ids: [Int], counts: [Int], labels: [String]) -> WindowSummary {
        let n = counts.reduce(0, +)
        let top = counts.indices.filter { counts[$0] > 0 }.sorted { counts[$0] > counts[$1] }.prefix(5).map {
            WindowSummary.Share(value: labels[ids[$0]], share: Double(counts[$0]) / Double(max(n, 1)))
        }
        return WindowSummary(count: n, top: top, distinct: counts.filter { $0 > 0 }.count)
    }

    func compareNumbers(_ feature: DriftFeature, scope: String, _ r: NumericHistogram, _ c: NumericHistogram) -> Comparison {
        if r.total == 0 && c.total == 0 { return .absent }
        guard r.total >= configuration.minCount, c.total >= configuration.minCount else { return .tooFew }
        let bins = AlignedBins(reference: r, current: c)
        let test = feature.test ?? DriftTest.evidentlyDefault(kind: .numerical, referenceCount: r.total, distinctValues: bins.keys.count)
        var result = Self.numericScore(test, bins: bins, binning: binning, psiBins: configuration.psiBins)
        if result.pValue == nil { result.pValue = Self.guardPValue(bins) }
        let quantiles = bins.quantileBins(configuration.psiBins, binning: binning)
        let psi = PopulationStability.index(referenceCounts: quantiles.reference, currentCounts: quantiles.current)
        return .row(FeatureDrift(
            feature: feature.name, scope: scope, statistic: test.rawValue, value: result.value,
            threshold: feature.threshold ?? test.defaultThreshold, pValue: result.pValue, pValueAdjusted: nil,
            drifted: test.isDrift(score: result.value, threshold: feature.threshold), informational: feature.source.isVersion,
            psi: psi, reference: numericSummary(r), current: numericSummary(c)))
    }

    /// The score of `test` on aligned fine bins; exposed to tests to compare with raw-sample results.
    static func numericScore(_ test: DriftTest, bins: AlignedBins, binning: FineBinning, psiBins: Int) -> (value: Double, pValue: Double?) {
        switch test {
        case .kolmogorovSmirnov:
            let p = KolmogorovSmirnov.test(counts1: bins.reference, counts2: bins.current).pValue
            return (p, p)
        case .wasserstein:
            let values = bins.keys.map(binning.value)
            return (Wasserstein.normalizedDistance(values: values, referenceCounts: bins.reference, currentCounts: bins.current), nil)
        case .chiSquare:
            let p = ChiSquareDrift.test(referenceCounts: bins.reference, currentCounts: bins.current).pValue
            return (p, p)
        case .zTest:
            guard bins.keys.count == 2 else { return (1, 1) }
            let p = EvidentlyZTest.pValue(referenceCounts: bins.reference, currentCounts: bins.current)
            return (p, p)
        case .psi:
            let q = bins.quantileBins(psiBins, binning: binning)
            return (PopulationStability.index(referenceCounts: q.reference, currentCounts: q.current), nil)
        case .jensenShannon:
            return (JensenShannon.distance(referenceCounts: bins.reference, currentCounts: bins.current), nil)
        }
    }

    /// The significance guard for numeric distances: the KS p-value of the same bins from the
    /// asymptotic distribution at the effective size (the exact one costs O(n·m), far too much to
    /// run on every row of every report, and a guard needs no more precision).
    static func guardPValue(_ bins: AlignedBins) -> Double {
        let n1 = bins.reference.reduce(0, +), n2 = bins.current.reduce(0, +)
        var c1 = 0, c2 = 0
        var d = 0.0
        for i in bins.keys.indices {
            c1 += bins.reference[i]
            c2 += bins.current[i]
            d = max(d, abs(Double(c1) / Double(n1) - Double(c2) / Double(n2)))
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        return KolmogorovSmirnov.kolmogorovSF(d, n: Int((m * n / (m + n)).rounded(.toNearestOrEven)))
    }

    func numericSummary(_ h: NumericHistogram) -> WindowSummary {
        WindowSummary(count: h.total, mean: h.mean, p50: h.quantile(0.5, binning: binning), p90: h.quantile(0.9, binning: binning))
    }

    /// Evidence documents: the share of the current window's hits on documents the reference never
    /// returned, tested against the reference's own variation by ``NewDocumentTest`` (statistic
    /// `new_documents`, a p-value). The reference's top-N share is reported for reading, not tested:
    /// between two samples of one long-tailed pool it moves by more than its binomial error.
    func compareDocuments(_ feature: DriftFeature, scope: String, _ r: [UInt32], _ c: [UInt32], parts: [[UInt32]]) -> Comparison {
        let nRef = r.reduce(0) { $0 + Int($1) }, nCur = c.reduce(0) { $0 + Int($1) }
        if nRef == 0 && nCur == 0 { return .absent }
        guard nRef >= configuration.minCount, nCur >= configuration.minCount else { return .tooFew }
        let top = Set(r.indices.filter { r[$0] > 0 && $0 > 0 }.sorted { r[$0] > r[$1] }.prefix(configuration.topDocuments))
        var refTop = 0, curTop = 0, curNew = 0
        for i in r.indices where r[i] > 0 && top.contains(i) { refTop += Int(r[i]) }
        var vanished = top.count
        for i in c.indices where c[i] > 0 {
            let known = i < r.count && r[i] > 0 || i == 0
            if top.contains(i) {
                curTop += Int(c[i])
                vanished -= 1
            } else if !known {
                curNew += Int(c[i])
            }
        }
        let test = NewDocumentTest.test(parts: parts, current: c)
        let refSummary = WindowSummary(
            count: nRef, topDocumentShare: Double(refTop) / Double(nRef), newDocumentShare: test?.referenceMean, vanishedTopDocuments: 0,
            distinct: r.filter { $0 > 0 }.count)
        let curSummary = WindowSummary(
            count: nCur, topDocumentShare: Double(curTop) / Double(nCur), newDocumentShare: Double(curNew) / Double(nCur),
            vanishedTopDocuments: vanished, distinct: c.filter { $0 > 0 }.count)
        // Without reference buckets to calibrate on (a trailing reference, or fewer than three) there is no test.
        let p = test?.pValue ?? 1
        return .row(FeatureDrift(
            feature: feature.name, scope: scope, statistic: Self.newDocumentsStatistic, value: p,
            threshold: feature.threshold ?? Self.newDocumentsThreshold, pValue: test?.pValue, pValueAdjusted: nil,
            drifted: false, informational: false, psi: nil, reference: refSummary, current: curSummary))
    }

    static let newDocumentsStatistic = "new_documents"
    /// The new-document share must also exceed the reference's mean by this much: a test that is
    /// significant on a tenth of a percent of the evidence is not a retrieval change.
    static let newDocumentsMinimumRise = 0.01
    static let newDocumentsThreshold = 0.001


    /// Benjamini–Hochberg over every row's p-value (when adjustment is on), then the decision: a
    /// p-value test on its (adjusted) p-value, a distance on its threshold and the significance guard.
    func decide(_ rows: inout [FeatureDrift]) {
        // NaN (scipy's answer with a single category) never signals drift, and JSON has no NaN.
        for i in rows.indices {
            if rows[i].pValue?.isNaN == true { rows[i].pValue = nil }
            if rows[i].value.isNaN { rows[i].value = DriftTest(rawValue: rows[i].statistic)?.scoreIsPValue == true ? 1 : 0 }
            if rows[i].psi.map({ !$0.isFinite }) == true { rows[i].psi = nil }
        }
        let indexes = rows.indices.filter { rows[$0].pValue.map { !$0.isNaN } ?? false }
        if configuration.adjustPValues, !indexes.isEmpty {
            let adjusted = BenjaminiHochberg.adjust(indexes.map { rows[$0].pValue! }).adjusted
            for (k, i) in indexes.enumerated() { rows[i].pValueAdjusted = adjusted[k] }
        }
        for i in rows.indices {
            if rows[i].statistic == Self.newDocumentsStatistic {
                let rise = (rows[i].current.newDocumentShare ?? 0) - (rows[i].reference.newDocumentShare ?? 1)
                let p = rows[i].pValueAdjusted ?? rows[i].pValue ?? 1
                rows[i].drifted = p < rows[i].threshold && rise >= Self.newDocumentsMinimumRise
                continue
            }
            guard let test = DriftTest(rawValue: rows[i].statistic) else { continue }
            let p = rows[i].pValueAdjusted ?? rows[i].pValue
            if test.scoreIsPValue {
                let guardLevel = configuration.significanceGuard ?? 1
                rows[i].drifted = p.map { test.isDrift(score: $0, threshold: rows[i].threshold) && $0 < guardLevel } ?? false
            } else {
                let significant = configuration.significanceGuard.map { guardLevel in p.map { $0 < guardLevel } ?? true } ?? true
                rows[i].drifted = test.isDrift(score: rows[i].value, threshold: rows[i].threshold) && significant
            }
        }
    }
}
