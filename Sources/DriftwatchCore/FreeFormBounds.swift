/// Bounds what a record's free-form strings can cost the analyzer and the drift detector (issue 18): every
/// string that becomes a scope, a timeline entry or a drift category — task, service, route, model, template,
/// release and index versions, tool and check names, slice keys and values, evidence ids — is cut to
/// ``maxBytes`` of UTF-8 (at a character boundary), and each slice key keeps at most ``maxValuesPerSliceKey``
/// distinct values (later values count as ``other``), with at most ``maxSliceKeys`` distinct keys (later keys
/// fold into the key ``other``). Numbers, outcomes and timestamps are untouched, so no statistic changes for a
/// record within the bounds. The stored line keeps everything as written.
public struct FreeFormBounds: Sendable {
    /// The documented limits (docs/limits.md).
    public static let maxBytes = 256
    public static let maxValuesPerSliceKey = 500
    public static let maxSliceKeys = 32
    public static let other = "__other__"

    public struct Counts: Sendable, Equatable {
        /// Strings cut to ``FreeFormBounds/maxBytes``.
        public var truncated: Int64 = 0
        /// Slice values (or keys) past their cap, counted as ``FreeFormBounds/other``.
        public var folded: Int64 = 0

        public init(truncated: Int64 = 0, folded: Int64 = 0) {
            self.truncated = truncated
            self.folded = folded
        }
    }

    public var maxBytes: Int
    public var maxValuesPerSliceKey: Int
    public var maxSliceKeys: Int
    /// Off where a consumer caps distinct values itself, persistently (the drift detector's vocabularies).
    public var capsSlices: Bool
    public var counts = Counts()
    /// The values kept so far, by slice key: the first distinct ones seen by this process.
    private var kept: [String: Set<SliceValue>] = [:]

    public init(maxBytes: Int = Self.maxBytes, maxValuesPerSliceKey: Int = Self.maxValuesPerSliceKey, maxSliceKeys: Int = Self.maxSliceKeys,
                capsSlices: Bool = true) {
        self.capsSlices = capsSlices
        self.maxBytes = maxBytes
        self.maxValuesPerSliceKey = maxValuesPerSliceKey
        self.maxSliceKeys = maxSliceKeys
    }

    /// Applies the bounds to `record` in place, counting what it changed.
    public mutating func apply(_ record: inout RequestRecord) {
        cut(&record.service)
        cut(&record.task)
        cut(&record.route)
        if record.model != nil {
            cut(&record.model!.name)
            cut(&record.model!.version)
        }
        if record.template != nil {
            cut(&record.template!.id)
            cut(&record.template!.version)
        }
        if record.release != nil {
            cut(&record.release!.dataset)
            cut(&record.release!.validator)
            cut(&record.release!.evalSuite)
        }
        if record.retrieval != nil {
            cut(&record.retrieval!.indexVersion)
            for i in record.retrieval!.evidence.indices where needsCut(record.retrieval!.evidence[i].id) {
                cut(&record.retrieval!.evidence[i].id)
            }
        }
        for i in record.toolsExpected.indices where needsCut(record.toolsExpected[i]) { cut(&record.toolsExpected[i]) }
        for i in record.tools.indices {
            if needsCut(record.tools[i].name) { cut(&record.tools[i].name) }
            if let version = record.tools[i].version, needsCut(version) { cut(&record.tools[i].version) }
        }
        for i in record.validation.indices where needsCut(record.validation[i].check) { cut(&record.validation[i].check) }
        for i in record.slices.indices {
            if needsCut(record.slices[i].key) { cut(&record.slices[i].key) }
            if case .string(let s) = record.slices[i].value, needsCut(s) {
                var value = s
                cut(&value)
                record.slices[i].value = .string(value)
            }
            if capsSlices { cap(&record.slices[i]) }
        }
    }

    /// The record with the bounds applied.
    public mutating func bounded(_ record: RequestRecord) -> RequestRecord {
        var copy = record
        apply(&copy)
        return copy
    }

    private mutating func cap(_ slice: inout Slice) {
        if kept[slice.key] == nil {
            guard kept.count < maxSliceKeys else {
                slice = Slice(key: Self.other, value: .string(Self.other))
                counts.folded += 1
                return
            }
            kept[slice.key] = []
        }
        if kept[slice.key]!.contains(slice.value) { return }
        if kept[slice.key]!.count < maxValuesPerSliceKey {
            kept[slice.key]!.insert(slice.value)
        } else {
            slice.value = .string(Self.other)
            counts.folded += 1
        }
    }

    private func needsCut(_ s: String) -> Bool { s.utf8.count > maxBytes }

    private mutating func cut(_ s: inout String?) {
        guard let value = s, needsCut(value) else { return }
        s = Self.prefix(value, bytes: maxBytes)
        counts.truncated += 1
    }

    private mutating func cut(_ s: inout String) {
        guard needsCut(s) else { return }
        s = Self.prefix(s, bytes: maxBytes)
        counts.truncated += 1
    }

    /// The longest prefix of whole characters within `bytes` of UTF-8 (never half a scalar or cluster).
    public static func prefix(_ s: String, bytes: Int) -> String {
        var end = s.startIndex
        var used = 0
        for index in s.indices {
            let next = s.index(after: index)
            let size = s.utf8.distance(from: index, to: next)
            if used + size > bytes { break }
            used += size
            end = next
        }
        return String(s[..<end])
    }
}
