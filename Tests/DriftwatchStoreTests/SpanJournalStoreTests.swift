import DriftwatchCore
import DriftwatchStore
import Foundation
import Testing

@Suite struct SpanJournalStoreTests {
    private func record(_ id: String) -> IngestedRecord {
        let r = RequestRecord(requestID: id, timestampMicros: 1_700_000_000_000_000, task: "t")
        return IngestedRecord(record: r, raw: RecordEncoder().encode(r))
    }

    @Test func tracesCloseWithTheirRecordsAndEntriesGoWhenNoTraceIsLeft() throws {
        let store = try SQLiteStore(path: ":memory:")
        let a: [UInt8] = [1], b: [UInt8] = [2], c: [UInt8] = [3]
        let first = try store.appendSpanJournal(encoding: "json", body: Array("one".utf8), traceIDs: [a, b], receivedAtMicros: 10)
        let second = try store.appendSpanJournal(encoding: "protobuf", body: [0x0A], traceIDs: [b, c], receivedAtMicros: 20)
        #expect(try store.openSpanJournalEntries().map(\.id) == [first, second])

        // Trace a is stored: the first entry keeps b open, the second is untouched.
        #expect(try store.commit(IngestBatch(records: [record("ra")]), completingTraces: [a]).inserted == 1)
        var open = try store.openSpanJournalEntries()
        #expect(open.map(\.openTraceIDs) == [[b], [b, c]])
        #expect(open.first?.body == Array("one".utf8))
        #expect(open.last?.encoding == "protobuf")

        // Trace b spans both entries: the first has nothing left and goes.
        _ = try store.commit(IngestBatch(records: [record("rb")]), completingTraces: [b])
        open = try store.openSpanJournalEntries()
        #expect(open.map(\.id) == [second])
        #expect(open.first?.openTraceIDs == [c])

        // A trace that maps to no record still closes.
        _ = try store.commit(IngestBatch(), completingTraces: [c])
        #expect(try store.openSpanJournalEntries().isEmpty)
        let counts = try store.spanJournalCounts()
        #expect(counts.entries == 0 && counts.traces == 0)
        #expect(try store.requestIDs().sorted() == ["ra", "rb"])
    }

    @Test func reStoringARecordThatExistsStillClosesItsTrace() throws {
        let store = try SQLiteStore(path: ":memory:")
        let t: [UInt8] = [9, 9]
        _ = try store.commit(IngestBatch(records: [record("x")]))
        _ = try store.appendSpanJournal(encoding: "json", body: [1], traceIDs: [t], receivedAtMicros: 1)
        let result = try store.commit(IngestBatch(records: [record("x")]), completingTraces: [t])
        #expect(result.inserted == 0)
        #expect(result.duplicates == 1)
        #expect(try store.openSpanJournalEntries().isEmpty)
        #expect(try store.countRecords() == 1)
    }
}
