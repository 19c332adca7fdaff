/// How much history the store keeps. Either limit may be unset; both apply when set.
public struct RetentionPolicy: Sendable, Equatable {
    /// Records whose timestamp is older than this many microseconds before now are deleted.
    public var maxAgeMicros: Int64?
    /// When the database grows past this many bytes the oldest records are deleted to get under it.
    public var maxBytes: Int64?

    public init(maxAgeMicros: Int64? = nil, maxBytes: Int64? = nil) {
        self.maxAgeMicros = maxAgeMicros
        self.maxBytes = maxBytes
    }
}

/// What one retention pass removed (or, from ``SQLiteStore/retentionTotals()``, every pass so far).
public struct RetentionResult: Sendable, Equatable {
    public var deletedRecords: Int64
    public var deletedDeadLetters: Int64

    public init(deletedRecords: Int64, deletedDeadLetters: Int64) {
        self.deletedRecords = deletedRecords
        self.deletedDeadLetters = deletedDeadLetters
    }
}
