import DriftwatchCore
import DriftwatchMetrics
import DriftwatchOTLP
import Logging
import Synchronization

/// Spans in, records out: joins spans per trace, maps finished traces and commits them through
/// the same ``IngestSink`` path as the file tailer (exactly once by `request_id`).
final class OTLPIngestPipeline: Sendable {
    private let assembler: Mutex<TraceAssembler<ContinuousClock>>
    private let sink: any IngestSink
    private let mapper: OTLPTraceMapper
    private let metrics: SidecarMetrics
    private let logger: Logger
    private let clock = ContinuousClock()
    let flushInterval: Duration

    init(configuration: OTLPReceiverConfiguration, sink: any IngestSink, metrics: SidecarMetrics, logger: Logger) {
        self.assembler = Mutex(TraceAssembler(configuration: configuration.assembly))
        self.sink = sink
        self.mapper = OTLPTraceMapper(configuration: configuration.mapping)
        self.metrics = metrics
        self.logger = logger
        self.flushInterval = configuration.flushInterval
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

    private func commit(_ traces: [TraceAssembler<ContinuousClock>.CompletedTrace]) {
        guard !traces.isEmpty else { return }
        let encoder = RecordEncoder()
        var records: [IngestedRecord] = []
        records.reserveCapacity(traces.count)
        for trace in traces {
            metrics.otlpTracesFlushed.increment(labels: [trace.reason.rawValue])
            if let record = mapper.record(for: trace.spans) {
                records.append(IngestedRecord(record: record, raw: encoder.encode(record)))
            }
        }
        do {
            let result = try sink.commit(IngestBatch(records: records))
            metrics.otlpRecords.increment(by: Double(result.inserted), labels: ["inserted"])
            metrics.otlpRecords.increment(by: Double(result.duplicates), labels: ["duplicate"])
            metrics.recordsRead.increment(by: Double(result.inserted), labels: ["otlp"])
        } catch {
            metrics.otlpCommitFailures.increment()
            logger.error("OTLP records could not be stored", metadata: ["error": "\(error)", "records": "\(records.count)"])
        }
    }
}
