public import DriftwatchCore
import Foundation

/// The drift detector's state machine: records in (in any order within the kept window), drift
/// reports out. Counting is incremental and memory is bounded; reports are computed from the
/// counts, never from raw records. The state round-trips through ``snapshot()`` so the caller can
/// store it with the last processed row id in one transaction.
public struct DriftEngine: Sendable {
    public let configuration: DriftConfiguration
    var state: DriftState
    let binning: FineBinning
    var scratch = Scratch()
    /// ``keptBuckets``, recomputed when features change.
    var keptBucketCount: Int64 = 1

    /// Per-record working arrays, reused so ingesting allocates little.
    struct Scratch: Sendable {
        var documents: [Int32] = []
        var scopes: [Int32] = []
        var documentScopes: [Bool] = []
        /// Per feature, per value id: the scope id of that value (-1 unknown, -2 none). Rebuilt lazily.
        var scopeByValue: [[Int32]] = []
        /// Slice keys with a feature, and that feature (a linear scan: there are at most a few dozen).
        var sliceKeys: [String] = []
        var sliceFeatures: [Int] = []
        var distinctSliceKeys = 0
        /// Per feature: the position in this record's slices of the value it reads, -1 for none.
        var sliceByFeature: [Int32] = []
        /// Per feature: ids of `a@b` values already seen (model and template versions).
        var pairCache: [[(first: String, second: String, id: Int32)]] = []
        /// This record's values: (feature, value id) and (feature, fine-bin key, value) for the
        /// features it has, so adding iterates over what is present only.
        var categoryList: [(feature: Int32, id: Int32)] = []
        var numberList: [(feature: Int32, key: Int32, value: Double)] = []
        /// This record's quality counters and their model/task key (nil without a model).
        var quality: (key: Int32, counts: QualityCounts)?
    }

    public init(configuration: DriftConfiguration = DriftConfiguration()) {
        self.configuration = configuration
        state = DriftState(configuration: configuration)
        binning = FineBinning(relativeAccuracy: configuration.relativeAccuracy)
        rebuildCaches()
    }

    /// Restores a snapshot. State written under a different feature list or bucket layout is not
    /// compatible; the result is then nil and the caller starts afresh.
    public init?(configuration: DriftConfiguration, restoring bytes: [UInt8]) throws {
        let decoded = try JSONDecoder().decode(DriftState.self, from: Data(bytes))
        guard decoded.formatVersion == DriftState.formatVersion, decoded.fingerprint == configuration.stateFingerprint else {
            return nil
        }
        self.configuration = configuration
        state = decoded
        binning = FineBinning(relativeAccuracy: configuration.relativeAccuracy)
        rebuildCaches()
    }

    /// The state as bytes (JSON), for ``init(configuration:restoring:)``.
    public func snapshot() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return [UInt8](try encoder.encode(state))
    }

    /// Records counted so far.
    public var recordsSeen: Int { state.recordsSeen }
    /// Timestamp of the newest record counted.
    public var newestMicros: Int64? { state.newestMicros }
    /// The monitored features, slice features included as discovered.
    public var features: [DriftFeature] { state.features }
    /// Time buckets currently kept (bounded by the windows).
    public var bucketCount: Int { state.buckets.count }

    mutating func rebuildCaches() {
        keptBucketCount = keptBuckets
        scratch.scopeByValue = state.features.map { _ in [] }
        scratch.pairCache = state.features.map { _ in [] }
        scratch.sliceByFeature = state.features.map { _ in -1 }
        scratch.sliceKeys = []
        scratch.sliceFeatures = []
        for (i, feature) in state.features.enumerated() {
            if case .slice(let key) = feature.source {
                scratch.sliceKeys.append(key)
                scratch.sliceFeatures.append(i)
            }
        }
        scratch.distinctSliceKeys = Set(scratch.sliceKeys).count
    }

    /// Index of the bucket holding `micros`.
    func bucketIndex(_ micros: Int64) -> Int64 {
        let w = configuration.bucketMicros
        let t = micros &- configuration.bucketOriginMicros
        return t >= 0 ? t / w : (t - w + 1) / w
    }

    /// How many buckets are kept behind the newest: the current window plus, when a feature uses
    /// it, the trailing reference.
    var keptBuckets: Int64 {
        let w = configuration.bucketMicros
        var span = (configuration.currentWindowMicros + w - 1) / w
        if state.features.contains(where: { $0.reference == .trailing }) || configuration.sliceReference == .trailing {
            span += (configuration.trailingReferenceMicros + w - 1) / w
        }
        return span
    }

    /// Counts records in order, as one ``ingest(_:)`` call each; the array is unchanged afterwards.
    /// Each record is moved out for its call and back after it: passing `records[i]` would copy the
    /// record (a retain and a release of each of its strings and arrays, a tenth of the counting
    /// time) because the compiler cannot prove the array's memory unchanged across the call.
    public mutating func ingest(_ records: inout [RequestRecord]) {
        records.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<buffer.count {
                let record = (base + i).move()
                ingest(record)
                (base + i).initialize(to: record)
            }
        }
    }

    /// Counts one record.
    public mutating func ingest(_ record: RequestRecord) {
        let ts = record.timestampMicros
        state.recordsSeen += 1
        if state.firstMicros == nil {
            state.firstMicros = ts
            if case .leading(let duration) = configuration.baseline {
                state.baselineFromMicros = ts
                state.baselineToMicros = ts + duration
            }
        }
        if ts > (state.newestMicros ?? .min) { state.newestMicros = ts }
        extract(record)
        let inBaseline = ts >= (state.baselineFromMicros ?? .max) && ts < (state.baselineToMicros ?? .min)
        // `add` is static and takes the scratch values, so mutating a window inside `state` never
        // aliases `self` (which would make Swift copy the window on every record).
        let values = scratch
        let featureCount = state.features.count
        if inBaseline {
            let position = Self.position(of: referenceIndex(ts), in: &state.reference)
            Self.add(values, featureCount: featureCount, to: &state.reference[position].counts)
        }
        let index = bucketIndex(ts)
        let newestIndex = bucketIndex(state.newestMicros ?? ts)
        if index > newestIndex - keptBucketCount {
            let position = Self.position(of: index, in: &state.buckets)
            Self.add(values, featureCount: featureCount, to: &state.buckets[position].counts)
            evictOldBuckets(newestIndex: newestIndex)
        } else if isRolling && ts >= rollingReferenceStart(newestIndex: newestIndex) {
            // Older than the kept buckets but within the rolling reference: straight into it.
            let position = Self.position(of: referenceIndex(ts), in: &state.reference)
            Self.add(values, featureCount: featureCount, to: &state.reference[position].counts)
        } else if !inBaseline {
            state.lateRecords += 1
        }
        if let quality = scratch.quality {
            for scope in scratch.scopes {
                let s = Int(scope)
                if s >= state.lifetimeQuality.count {
                    state.lifetimeQuality.append(contentsOf: repeatElement(QualityTable(), count: s + 1 - state.lifetimeQuality.count))
                }
                state.lifetimeQuality[s].add(quality.counts, key: quality.key)
            }
        }
        updateDetectors(record)
    }

    /// The position of the bucket with `index` in `buckets` (ascending), inserting it if new.
    private static func position(of index: Int64, in buckets: inout [TimeBucket]) -> Int {
        if let last = buckets.last {
            if last.index == index { return buckets.count - 1 }
            if last.index < index {
                buckets.append(TimeBucket(index: index, counts: WindowCounts()))
                return buckets.count - 1
            }
        } else {
            buckets.append(TimeBucket(index: index, counts: WindowCounts()))
            return 0
        }
        let insertion = buckets.firstIndex { $0.index >= index } ?? buckets.count
        if insertion < buckets.count, buckets[insertion].index == index { return insertion }
        buckets.insert(TimeBucket(index: index, counts: WindowCounts()), at: insertion)
        return insertion
    }

    var isRolling: Bool {
        if case .rolling = configuration.baseline { return true }
        return false
    }

    /// Index of the reference bucket holding `micros`.
    func referenceIndex(_ micros: Int64) -> Int64 {
        let w = configuration.referenceBucketMicros
        let t = micros &- configuration.bucketOriginMicros
        return t >= 0 ? t / w : (t - w + 1) / w
    }

    /// Start of the current window when the newest record is in bucket `newestIndex`.
    func currentStart(newestIndex: Int64) -> Int64 {
        let w = configuration.bucketMicros
        let currentBuckets = (configuration.currentWindowMicros + w - 1) / w
        return configuration.bucketOriginMicros + (newestIndex - currentBuckets + 1) * w
    }

    /// The oldest time a rolling reference keeps: the reference span before the current window,
    /// rounded down to a whole reference bucket.
    func rollingReferenceStart(newestIndex: Int64) -> Int64 {
        guard case .rolling(let duration) = configuration.baseline else { return .max }
        let first = referenceIndex(currentStart(newestIndex: newestIndex) - duration)
        return configuration.bucketOriginMicros + first * configuration.referenceBucketMicros
    }

    /// Drops buckets that left the kept span; with a rolling reference they move into it, and
    /// reference buckets older than the reference span are dropped.
    private mutating func evictOldBuckets(newestIndex: Int64) {
        let oldestKept = newestIndex - keptBucketCount + 1
        var drop = 0
        while drop < state.buckets.count && state.buckets[drop].index < oldestKept { drop += 1 }
        guard drop > 0 else { return }
        if isRolling {
            let w = configuration.bucketMicros, origin = configuration.bucketOriginMicros
            for bucket in state.buckets[0..<drop] {
                let position = Self.position(of: referenceIndex(origin + bucket.index * w), in: &state.reference)
                state.reference[position].counts.merge(bucket.counts)
            }
            let first = referenceIndex(rollingReferenceStart(newestIndex: newestIndex))
            var old = 0
            while old < state.reference.count && state.reference[old].index < first { old += 1 }
            if old > 0 { state.reference.removeFirst(old) }
        }
        state.buckets.removeFirst(drop)
    }

    /// Adds the extracted values of the current record to every scope it belongs to.
    private static func add(_ scratch: Scratch, featureCount: Int, to window: inout WindowCounts) {
        for (position, scope) in scratch.scopes.enumerated() {
            let s = Int(scope)
            if s >= window.scopes.count {
                window.scopes.append(contentsOf: repeatElement(ScopeCounts(), count: s + 1 - window.scopes.count))
            }
            window.scopes[s].add(scratch, featureCount: featureCount, documents: scratch.documentScopes[position])
        }
    }
}

extension ScopeCounts {
    /// Adds one record's extracted values.
    @inline(__always)
    mutating func add(_ scratch: DriftEngine.Scratch, featureCount: Int, documents withDocuments: Bool) {
        ensureFeatures(featureCount)
        records += 1
        for item in scratch.categoryList { addCategory(feature: Int(item.feature), id: item.id) }
        for item in scratch.numberList { numeric[Int(item.feature)].add(key: item.key, value: item.value) }
        if withDocuments {
            for doc in scratch.documents { addDocument(doc) }
        }
        if let quality = scratch.quality {
            self.quality.add(quality.counts, key: quality.key)
        }
    }
}
