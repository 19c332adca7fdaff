import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
import Logging
import Synchronization

/// `POST /v1/logs`: GenAI events join their trace in the assembler, journaled like spans.
///
/// Journal entries of log requests carry the encoding `logs/protobuf` or `logs/json` (``logsEncodingPrefix``),
/// so replay decodes them as logs; their open trace ids close with the trace's record (or its dead letters),
/// in the same transaction, exactly as for spans.
extension OTLPIngestPipeline {
    static let logsEncodingPrefix = "logs/"

    /// Takes the GenAI events of an export request: events without a trace id become dead letters at once
    /// (`otlp_log_no_trace`), the rest are journaled (when there is a journal) and joined to their traces;
    /// other log records are ignored (counted). Throws, and accepts nothing, when the store cannot be
    /// written: the caller answers with a retryable error.
    func accept(logs records: [OTLPLogRecord], encoding: String, body: [UInt8]) async throws {
        let events = records.filter { $0.genAIEvent != nil }
        let ignored = records.count - events.count
        let traced = events.filter(\.hasTraceID)
        let untraced = events.filter { !$0.hasTraceID }
        if !untraced.isEmpty {
            let letters = untraced.map {
                Self.deadLetter($0, code: "otlp_log_no_trace", reason: "\($0.effectiveEventName) event has no trace id, so it belongs to no request record")
            }
            _ = try journal.map { try $0.commit(IngestBatch(deadLetters: letters), completingTraces: []) } ?? sink.commit(IngestBatch(deadLetters: letters))
        }
        if !traced.isEmpty, let journalWriter {
            var seen = Set<[UInt8]>()
            let traceIDs = traced.map(\.traceID).filter { seen.insert($0).inserted }
            try await journalWriter.append(SpanJournalRequest(
                encoding: Self.logsEncodingPrefix + encoding, body: body, traceIDs: traceIDs, receivedAtMicros: WallClock.nowMicros()))
        }
        if ignored > 0 { metrics.otlpLogRecords.increment(by: Double(ignored), labels: ["ignored"]) }
        if !untraced.isEmpty { metrics.otlpLogRecords.increment(by: Double(untraced.count), labels: ["no_trace"]) }
        receive(logs: traced)
    }

    /// Joins log records (GenAI events with trace ids) to their traces; traces that must leave memory at
    /// once are committed before returning.
    func receive(logs: [OTLPLogRecord]) {
        guard !logs.isEmpty else { return }
        let now = clock.now
        let (out, pending) = assembler.withLock { a in (a.receive(logs: logs, at: now), a.pendingTraceCount) }
        metrics.otlpPendingTraces.set(Double(pending))
        commit(out)
    }

    /// Replays a journaled log request; nil when the entry is not one (it holds spans).
    func replayLogs(_ entry: SpanJournalEntry, journal: any SpanJournal) throws -> Int? {
        guard entry.encoding.hasPrefix(Self.logsEncodingPrefix) else { return nil }
        let request: OTLPLogsRequest
        do {
            request = entry.encoding == Self.logsEncodingPrefix + "protobuf"
                ? try OTLPProtobufDecoder().decodeLogs(entry.body) : try OTLPJSONDecoder().decodeLogs(entry.body)
        } catch {
            logger.error("journaled OTLP logs request no longer decodes; dead-lettered", metadata: ["entry": "\(entry.id)", "error": "\(error)"])
            let letter = DeadLetter(
                source: "otlp-journal", fingerprint: "otlp-journal-\(entry.id)", offset: 0, length: UInt64(entry.body.count),
                raw: entry.body, code: "otlp_" + error.code.rawValue, reason: error.message)
            _ = try journal.commit(IngestBatch(deadLetters: [letter]), completingTraces: entry.openTraceIDs)
            return 0
        }
        let open = Set(entry.openTraceIDs)
        let logs = request.logRecords.filter { $0.genAIEvent != nil && $0.hasTraceID && open.contains($0.traceID) }
        receive(logs: logs)
        return logs.count
    }

    func orphanReason(_ log: OTLPLogRecord) -> String {
        "\(log.effectiveEventName) event for trace \(HexID.encode(log.traceID)): no span of that trace arrived within max_wait, "
            + "or the trace's record was stored before the event came (raise server.trace_wait above the exporters' delay between spans and events)"
    }

    /// A GenAI event kept as a dead letter (`driftwatch dead-letters`): source `otlp-logs`, its JSON as the raw
    /// bytes. Fingerprint and offset derive from the event itself, so a replay or an exporter's retry of the
    /// same event is stored once.
    static func deadLetter(_ log: OTLPLogRecord, code: String, reason: String) -> DeadLetter {
        let raw = log.canonicalJSON()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in raw { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        let trace = log.hasTraceID ? HexID.encode(log.traceID) : "untraced"
        return DeadLetter(
            source: "otlp-logs", fingerprint: "otlp-log-\(trace)", offset: hash & 0x7FFF_FFFF_FFFF_FFFF,
            length: UInt64(raw.count), raw: raw, code: code, reason: reason)
    }
}
