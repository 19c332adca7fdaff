public import DriftwatchCore

extension SQLiteStore: SpanJournal {
    public func appendSpanJournal(_ requests: [SpanJournalRequest]) throws -> [Int64] {
        try withConnection { connection in
            try connection.transaction {
                let entry = try connection.prepare("INSERT INTO otlp_journal (encoding, body, received_at) VALUES (?, ?, ?)")
                let trace = try connection.prepare("INSERT OR IGNORE INTO otlp_journal_traces (trace_id, entry_id) VALUES (?, ?)")
                var ids: [Int64] = []
                ids.reserveCapacity(requests.count)
                for request in requests {
                    entry.bind(1, request.encoding)
                    entry.bindBlob(2, request.body)
                    entry.bind(3, request.receivedAtMicros)
                    try entry.run()
                    let id = connection.lastInsertRowID
                    ids.append(id)
                    for traceID in request.traceIDs {
                        trace.bindBlob(1, traceID)
                        trace.bind(2, id)
                        try trace.run()
                    }
                }
                return ids
            }
        }
    }

    /// One request; see ``appendSpanJournal(_:)``.
    public func appendSpanJournal(encoding: String, body: [UInt8], traceIDs: [[UInt8]], receivedAtMicros: Int64) throws -> Int64 {
        try appendSpanJournal([SpanJournalRequest(encoding: encoding, body: body, traceIDs: traceIDs, receivedAtMicros: receivedAtMicros)])[0]
    }

    public func commit(_ batch: IngestBatch, completingTraces traceIDs: [[UInt8]]) throws -> IngestCommitResult {
        try withState { state in
            let connection = state.connection
            return try connection.transaction {
                let result = try Self.write(batch, state: state)
                guard !traceIDs.isEmpty else { return result }
                let close = try connection.prepare("DELETE FROM otlp_journal_traces WHERE trace_id = ? RETURNING entry_id")
                var entries = Set<Int64>()
                for traceID in traceIDs {
                    close.bindBlob(1, traceID)
                    while try close.step() { entries.insert(close.int64(0)) }
                    close.reset()
                }
                let drop = try connection.prepare("""
                    DELETE FROM otlp_journal WHERE id = ?1
                        AND NOT EXISTS (SELECT 1 FROM otlp_journal_traces WHERE entry_id = ?1)
                    """)
                for entry in entries.sorted() {
                    drop.bind(1, entry)
                    try drop.run()
                }
                return result
            }
        }
    }

    public func openSpanJournalEntries() throws -> [SpanJournalEntry] {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT j.id, j.encoding, j.body, j.received_at, t.trace_id
                FROM otlp_journal j JOIN otlp_journal_traces t ON t.entry_id = j.id
                ORDER BY j.id, t.trace_id
                """)
            var entries: [SpanJournalEntry] = []
            while try statement.step() {
                let id = statement.int64(0)
                let traceID = statement.blob(4)
                if entries.last?.id == id {
                    entries[entries.count - 1].openTraceIDs.append(traceID)
                } else {
                    entries.append(SpanJournalEntry(
                        id: id, encoding: statement.text(1) ?? "", body: statement.blob(2),
                        openTraceIDs: [traceID], receivedAtMicros: statement.int64(3)))
                }
            }
            return entries
        }
    }

    /// How many journal entries are open and how many distinct traces they still hold.
    public func spanJournalCounts() throws -> (entries: Int64, traces: Int64) {
        try withConnection { connection in
            (try connection.scalarInt("SELECT COUNT(*) FROM otlp_journal"),
             try connection.scalarInt("SELECT COUNT(DISTINCT trace_id) FROM otlp_journal_traces"))
        }
    }
}
