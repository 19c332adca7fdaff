import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
import Logging
import Synchronization

/// Spans in, records out: joins spans per trace, maps finished traces and commits them through
/// the same ``IngestSink`` path as the file tailer (exactly once by `request_id`).
///
/// With a ``SpanJournal`` (the SQLite store under `run`), a request is journaled before it is
/// acknowledged and its traces are closed in the journal in the same transaction as their records,
/// so an acknowledged span survives a crash: ``replayJournal()`` feeds open entries back at start.
/// Traces whose commit fails are kept and retried on the next flush instead of being dropped.
final class OTLPIngestPipeline: Sendable {
    let assembler: Mutex<TraceAssembler<ContinuousClock>>
    /// Completed traces whose commit failed, retried first on every flush.
    private let retry = Mutex<[TraceAssembler<ContinuousClock>.CompletedTrace]>([])
    let sink: any IngestSink
    let journal: (any SpanJournal)?
    let journalWriter: SpanJournalWriter?
    let mapper: OTLPTraceMapper
    let metrics: SidecarMetrics
    let logger: Logger
    let clock = ContinuousClock()
    let flushInterval: Duration

    init(configuration: OTLPReceiverConfiguration, sink: any IngestSink, journal: (any SpanJournal)? = nil, metrics: SidecarMetrics, logger: Logger) {
        self.assembler = Mutex(TraceAssembler(configuration: configuration.assembly))
        self.sink = sink
        self.journal = journal
        self.journalWriter = journal.map { SpanJournalWriter(journal: $0) }
        self.mapper = OTLPTraceMapper(configuration: configuration.mapping)
        self.metrics = metrics
        self.logger = logger
        self.flushInterval = configuration.flushInterval
    }

    /// Journals an export request (when there is a journal) and accepts its spans. Throws, and
    /// accepts nothing, when the journal cannot be written: the caller answers with a retryable error.
    func accept(_ spans: [OTLPSpan], encoding: String, body: [UInt8]) async throws {
        guard !spans.isEmpty else { return }
        if let journalWriter {
            var seen = Set<[UInt8]>()
            let traceIDs = spans.map(\.traceID).filter { seen.insert($0).inserted }
            try await journalWriter.append(SpanJournalRequest(encoding: encoding, body: body, traceIDs: traceIDs, receivedAtMicros: WallClock.nowMicros()))
        }
        receive(spans)
    }

    /// Feeds the spans and log records of open journal entries back into the assembler (at start, after a
    /// crash or an unclean stop). Returns the number of spans and log records replayed.
    @discardableResult
    func replayJournal() throws -> Int {
        guard let journal else { return 0 }
        var replayed = 0
        for entry in try journal.openSpanJournalEntries() {
            if let logs = try replayLogs(entry, journal: journal) {
                replayed += logs
                continue
            }
            let request: OTLPTraceRequest
            do {
                request = entry.encoding == "protobuf" ? try OTLPProtobufDecoder().decode(entry.body) : try OTLPJSONDecoder().decode(entry.body)
            } catch {
                // It decoded when it was received; a decoder change must not wedge startup, nor lose the
                // request silently: it becomes a dead letter (`driftwatch dead-letters`) and its traces close.
                logger.error("journaled OTLP request no longer decodes; dead-lettered", metadata: ["entry": "\(entry.id)", "error": "\(error)"])
                let letter = DeadLetter(
                    source: "otlp-journal", fingerprint: "otlp-journal-\(entry.id)", offset: 0, length: UInt64(entry.body.count),
                    raw: entry.body, code: "otlp_" + error.code.rawValue, reason: error.message)
                _ = try journal.commit(IngestBatch(deadLetters: [letter]), completingTraces: entry.openTraceIDs)
                continue
            }
            let open = Set(entry.openTraceIDs)
            let spans = request.spans.filter { open.contains($0.traceID) }
            replayed += spans.count
            receive(spans)
        }
        if replayed > 0 { logger.notice("replayed acknowledged OTLP spans and log records from the journal", metadata: ["items": "\(replayed)"]) }
        return replayed
    }

    /// Accepts decoded spans; traces that must leave memory at once are committed before returning.
    func receive(_ spans: [OTLPSpan]) {
        guard !spans.isEmpty else { return }
        let now = clock.now
        let (out, pending) = assembler.withLock { a in
            var out = a.receive(spans, at: now)
            if a.configuration.wait == .zero { out += a.flushDue(at: now) }
            return (out, a.pendingTraceCount)
        }
        metrics.otlpSpansReceived.increment(by: Double(spans.count))
        metrics.otlpPendingTraces.set(Double(pending))
        commit(out)
    }

    /// Commits every trace whose deadline has passed; returns the next deadline.
    func flushDue() -> ContinuousClock.Instant? {
        let now = clock.now
        let (out, next, pending) = assembler.withLock { a in
            let out = a.flushDue(at: now)
            return (out, a.nextDeadline, a.pendingTraceCount)
        }
        metrics.otlpPendingTraces.set(Double(pending))
        commit(out)
        return next
    }

    /// Commits everything pending (graceful shutdown).
    func flushAll() {
        let out = assembler.withLock { $0.flushAll() }
        metrics.otlpPendingTraces.set(0)
        commit(out)
    }

    /// Sleeps until the next deadline (at most ``flushInterval``) and flushes, until cancelled.
    func runFlushLoop() async {
        while !Task.isCancelled {
            let next = flushDue()
            let cap = clock.now.advanced(by: flushInterval)
            let wake = next.map { min($0, cap) } ?? cap
            do { try await clock.sleep(until: wake, tolerance: .milliseconds(5)) } catch { return }
        }
    }

    func commit(_ completed: [TraceAssembler<ContinuousClock>.CompletedTrace]) {
        let traces = retry.withLock { retry in
            defer { retry.removeAll() }
            return retry + completed
        }
        guard !traces.isEmpty else { return }
        let encoder = RecordEncoder()
        var records: [IngestedRecord] = []
        records.reserveCapacity(traces.count)
        for trace in completed where !trace.spans.isEmpty {
            metrics.otlpTracesFlushed.increment(labels: [trace.reason.rawValue])
        }
        var deadLetters: [DeadLetter] = []
        var joined = 0
        for trace in traces {
            if trace.spans.isEmpty {
                // GenAI events whose trace never came (or was stored before they did): kept as dead letters.
                deadLetters += trace.logs.map { Self.deadLetter($0, code: "otlp_log_orphan", reason: orphanReason($0)) }
            } else if let record = mapper.record(for: trace.spans, logs: trace.logs) {
                records.append(IngestedRecord(record: record, raw: encoder.encode(record)))
                joined += trace.logs.count
            }
        }
        do {
            let batch = IngestBatch(records: records, deadLetters: deadLetters)
            let result = try journal.map { try $0.commit(batch, completingTraces: traces.map(\.traceID)) } ?? sink.commit(batch)
            metrics.otlpRecords.increment(by: Double(result.inserted), labels: ["inserted"])
            metrics.otlpRecords.increment(by: Double(result.duplicates), labels: ["duplicate"])
            metrics.recordsRead.increment(by: Double(result.inserted), labels: ["otlp"])
            if joined > 0 { metrics.otlpLogRecords.increment(by: Double(joined), labels: ["joined"]) }
            if !deadLetters.isEmpty {
                metrics.otlpLogRecords.increment(by: Double(deadLetters.count), labels: ["orphaned"])
                logger.warning("GenAI events without spans of their trace were dead-lettered", metadata: ["events": "\(deadLetters.count)"])
            }
        } catch {
            metrics.otlpCommitFailures.increment()
            retry.withLock { $0 = traces + $0 }
            logger.error("OTLP records could not be stored; retrying on the next flush", metadata: ["error": "\(error)", "records": "\(records.count)"])
        }
    }
}
