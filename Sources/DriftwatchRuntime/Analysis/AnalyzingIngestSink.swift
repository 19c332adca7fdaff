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

    /// Format v1 lines reach the store scanned, not decoded, as without analysis; the analyzer gets them as read
    /// and decodes them on its own thread.
    public var acceptsScannedRecords: Bool { true }
    public var wantsRawLines: Bool { true }

    public func commit(_ batch: IngestBatch) throws -> IngestCommitResult {
        let result = try store.commit(batch)
        guard result.inserted > 0, result.insertedRowIDs.count == batch.recordCount else { return result }
        var lines: CommittedLines?
        if !batch.scanned.isEmpty {
            // Without the lines the analyzer sees a gap in row ids and reads these rows back from the store.
            guard let raw = batch.rawLines, batch.rawRanges.count == batch.scanned.count else { return result }
            lines = CommittedLines(arena: raw, ranges: batch.rawRanges)
        }
        onCommitted(CommittedRecords(records: batch.records.map(\.record), lines: lines, rowIDs: result.insertedRowIDs))
        return result
    }
}
