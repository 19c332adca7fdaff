/// Everything counted for one scope (all traffic, one task, or one slice value) in one window or
/// time bucket: per categorical feature a count per value id, per numeric feature a fine histogram,
/// evidence document counts, and quality counters per model and task.
struct ScopeCounts: Sendable, Equatable, Codable {
    var records = 0
    /// By feature index; empty for non-categorical features.
    var categorical: [[UInt32]] = []
    /// By feature index; empty histograms for non-numeric features.
    var numeric: [NumericHistogram] = []
    /// By document id.
    var documents: [UInt32] = []
    var quality = QualityTable()

    mutating func ensureFeatures(_ count: Int) {
        if categorical.count < count {
            categorical.append(contentsOf: repeatElement([], count: count - categorical.count))
            numeric.append(contentsOf: repeatElement(NumericHistogram(), count: count - numeric.count))
        }
    }

    @inline(__always)
    mutating func addCategory(feature: Int, id: Int32) {
        let i = Int(id)
        if i >= categorical[feature].count {
            categorical[feature].append(contentsOf: repeatElement(0, count: i + 1 - categorical[feature].count))
        }
        categorical[feature][i] &+= 1
    }

    @inline(__always)
    mutating func addDocument(_ id: Int32) {
        let i = Int(id)
        if i >= documents.count { documents.append(contentsOf: repeatElement(0, count: Swift.max(i + 1 - documents.count, 64))) }
        documents[i] &+= 1
    }

    mutating func merge(_ other: ScopeCounts) {
        records += other.records
        ensureFeatures(other.categorical.count)
        for f in other.categorical.indices {
            let theirs = other.categorical[f]
            if theirs.isEmpty { continue }
            if categorical[f].count < theirs.count {
                categorical[f].append(contentsOf: repeatElement(0, count: theirs.count - categorical[f].count))
            }
            for i in theirs.indices where theirs[i] != 0 { categorical[f][i] &+= theirs[i] }
        }
        for f in other.numeric.indices where other.numeric[f].total > 0 { numeric[f].merge(other.numeric[f]) }
        if documents.count < other.documents.count {
            documents.append(contentsOf: repeatElement(0, count: other.documents.count - documents.count))
        }
        for i in other.documents.indices where other.documents[i] != 0 { documents[i] &+= other.documents[i] }
        quality.merge(other.quality)
    }
}

/// All scopes of one window or time bucket, indexed by scope id.
struct WindowCounts: Sendable, Equatable, Codable {
    var scopes: [ScopeCounts] = []

    mutating func merge(_ other: WindowCounts) {
        if scopes.count < other.scopes.count {
            scopes.append(contentsOf: repeatElement(ScopeCounts(), count: other.scopes.count - scopes.count))
        }
        for s in other.scopes.indices where other.scopes[s].records > 0 { scopes[s].merge(other.scopes[s]) }
    }

    func scope(_ id: Int) -> ScopeCounts? { id < scopes.count && scopes[id].records > 0 ? scopes[id] : nil }
}

/// One time bucket: [index·width, (index+1)·width).
struct TimeBucket: Sendable, Equatable, Codable {
    var index: Int64
    var counts: WindowCounts
}
