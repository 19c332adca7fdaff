public import DriftwatchCore
public import DriftwatchStore

/// Stores through the SQLite store, then hands what each commit stored (records with their row ids) to
/// `onCommitted`: how analysis follows ingest in the same process without decoding records a second time.
///
/// The hand-over happens after the ingest transaction committed, so a failure there never loses records: the
/// analyzer's checkpoint still trails and it catches up from the store.
public final class AnalyzingIngestSink: IngestSink {
    public let store: SQLiteStore
    private let onCommitted: @Sendable (CommittedRecords) -> Void

    public init(store: SQLiteStore, onCommitted: @escaping @Sendable (CommittedRecords) -> Void) {
        self.store = store
        self.onCommitted = onCommitted
    }

    public func checkpoint(fingerprint: String) throws -> FileCheckpoint? {
        try store.checkpoint(fingerprint: fingerprint)
    }

    public func commit(_ batch: IngestBatch) throws -> IngestCommitResult {
        let result = try store.commit(batch)
        if result.inserted > 0, result.insertedRowIDs.count == batch.records.count {
            onCommitted(CommittedRecords(records: batch.records.map(\.record), rowIDs: result.insertedRowIDs))
        }
        return result
    }
}
