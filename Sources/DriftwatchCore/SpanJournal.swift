/// One acknowledged OTLP export request, kept until every trace it carried is stored as a record.
///
/// The receiver answers 200 only after the request is in the journal, so a crash between the answer
/// and the trace's flush loses nothing: at start the open entries are replayed into the assembler.
public struct SpanJournalEntry: Sendable, Equatable {
    public var id: Int64
    /// `protobuf` or `json`: how to decode ``body``.
    public var encoding: String
    /// The request body after any `Content-Encoding` was removed.
    public var body: [UInt8]
    /// Traces of this request not yet committed; spans of other traces in ``body`` are stored already.
    public var openTraceIDs: [[UInt8]]
    public var receivedAtMicros: Int64

    public init(id: Int64, encoding: String, body: [UInt8], openTraceIDs: [[UInt8]], receivedAtMicros: Int64) {
        self.id = id
        self.encoding = encoding
        self.body = body
        self.openTraceIDs = openTraceIDs
        self.receivedAtMicros = receivedAtMicros
    }
}

/// One export request to journal.
public struct SpanJournalRequest: Sendable, Equatable {
    public var encoding: String
    public var body: [UInt8]
    /// The distinct trace ids of the request's spans.
    public var traceIDs: [[UInt8]]
    public var receivedAtMicros: Int64

    public init(encoding: String, body: [UInt8], traceIDs: [[UInt8]], receivedAtMicros: Int64) {
        self.encoding = encoding
        self.body = body
        self.traceIDs = traceIDs
        self.receivedAtMicros = receivedAtMicros
    }
}

/// Durable storage for acknowledged-but-unflushed OTLP requests (a write-ahead journal).
///
/// `commit(_:completingTraces:)` stores the records and closes their traces in the journal in one
/// transaction, so every trace is either still open (and replayed after a crash) or stored, never
/// both lost and acknowledged. Replaying a trace that was stored already is harmless: records are
/// unique by `request_id`.
public protocol SpanJournal: Sendable {
    /// Stores requests, in one transaction, before they are acknowledged; returns their entry ids.
    func appendSpanJournal(_ requests: [SpanJournalRequest]) throws -> [Int64]
    /// Stores the batch and closes `traceIDs` in every entry, deleting entries left with no open trace.
    func commit(_ batch: IngestBatch, completingTraces traceIDs: [[UInt8]]) throws -> IngestCommitResult
    /// Entries with at least one open trace, oldest first.
    func openSpanJournalEntries() throws -> [SpanJournalEntry]
}
