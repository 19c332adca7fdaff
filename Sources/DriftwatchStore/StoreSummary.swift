public import DriftwatchCore

/// Totals for `driftwatch status`.
public struct StoreSummary: Sendable, Equatable {
    public var records: Int64
    public var deadLetters: Int64
    /// Records skipped because their `request_id` was already stored.
    public var duplicates: Int64
    public var oldestRecordMicros: Int64?
    public var newestRecordMicros: Int64?
    public var lastIngestMicros: Int64?
    /// Size of the database file (pages × page size), free pages included.
    public var databaseBytes: Int64
    /// Bytes on the free list: freed by retention and reused by new records before the file grows.
    public var freeBytes: Int64
    /// What retention by size limits: ``databaseBytes`` minus ``freeBytes``.
    public var usedBytes: Int64 { databaseBytes - freeBytes }
    public var checkpoints: [FileCheckpoint]
    public var schemaVersion: Int
}

/// A stored dead letter with its row id.
public struct StoredDeadLetter: Sendable, Equatable {
    public var id: Int64
    public var letter: DeadLetter
    public var createdAtMicros: Int64
}
