public import DriftwatchCore
import Synchronization

/// The analyzer's ``FreeFormBounds``, shared by the copies of one ``AnalysisPersistence`` (catch-up and the
/// streaming fold apply it to every record before the engine sees it). Its counts are committed with the
/// checkpoint (`strings_truncated`, `slice_values_folded`), so `status` and `/metrics` show the store's total.
public final class AnalysisBounds: Sendable {
    static let truncatedName = "strings_truncated"
    static let foldedName = "slice_values_folded"

    private let state = Mutex(FreeFormBounds())

    public init() {}

    /// Bounds one record before it is analysed.
    public func apply(_ record: inout RequestRecord) {
        state.withLock { $0.apply(&record) }
    }

    public var counts: FreeFormBounds.Counts { state.withLock { $0.counts } }

    /// Starts the counts from a committed checkpoint's.
    func seed(_ named: [String: Int64]) {
        state.withLock { $0.counts = FreeFormBounds.Counts(truncated: named[Self.truncatedName] ?? 0, folded: named[Self.foldedName] ?? 0) }
    }

    /// The counts by their checkpoint names.
    func named() -> [String: Int64] {
        let counts = self.counts
        return [Self.truncatedName: counts.truncated, Self.foldedName: counts.folded]
    }
}
