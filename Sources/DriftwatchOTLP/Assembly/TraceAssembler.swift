/// Joins the spans of one trace that arrive in several export requests, and decides when a
/// trace is complete enough to become a record.
///
/// A pure state machine over a clock's instants (events in, completed traces out), so tests
/// drive it with a manual clock. A trace is due once its root span has arrived and no span has
/// arrived for ``Configuration/wait``, or ``Configuration/maxWait`` after its first span, whichever
/// is first. Memory is bounded: past ``Configuration/maxPendingTraces`` the oldest trace is
/// flushed early, and a trace reaching ``Configuration/maxSpansPerTrace`` is flushed at once.
///
/// GenAI events logged for a trace (OTLP log records) join it the same way, in either order: events
/// that arrive first wait with the trace (an events-only trace has no root, so it waits for
/// ``Configuration/maxWait``), events that arrive before the flush ride along. They count toward
/// ``Configuration/maxSpansPerTrace`` but never make a trace complete.
public struct TraceAssembler<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var wait: Duration
        public var maxWait: Duration
        public var maxPendingTraces: Int
        public var maxSpansPerTrace: Int

        public init(wait: Duration = .seconds(2), maxWait: Duration = .seconds(30), maxPendingTraces: Int = 10_000, maxSpansPerTrace: Int = 4096) {
            self.wait = wait
            self.maxWait = maxWait
            self.maxPendingTraces = max(1, maxPendingTraces)
            self.maxSpansPerTrace = max(1, maxSpansPerTrace)
        }
    }

    /// Why a trace left the pending map; counted in the receiver's metrics.
    public enum FlushReason: String, Sendable, Equatable {
        case complete
        case maxWait = "max_wait"
        case overflow
        case tooManySpans = "too_many_spans"
        case shutdown
    }

    /// The spans of one trace, ready to map, with the GenAI events logged for it.
    public struct CompletedTrace: Sendable, Equatable {
        public var traceID: [UInt8]
        public var spans: [OTLPSpan]
        public var reason: FlushReason
        /// Empty unless log records of this trace arrived; with no spans, the trace never arrived in time.
        public var logs: [OTLPLogRecord] = []
    }

    private struct Pending: Sendable {
        var spans: [OTLPSpan]
        var logs: [OTLPLogRecord] = []
        var firstSeen: C.Instant
        var lastSeen: C.Instant
        var hasRoot: Bool
        var sequence: UInt64

        func deadline(_ c: Configuration) -> C.Instant {
            let hard = firstSeen.advanced(by: c.maxWait)
            guard hasRoot else { return hard }
            let soft = lastSeen.advanced(by: c.wait)
            return soft < hard ? soft : hard
        }
    }

    public let configuration: Configuration
    private var pending: [[UInt8]: Pending] = [:]
    /// Arrival order for evicting the oldest; entries whose sequence no longer matches are stale.
    private var arrivals: [(traceID: [UInt8], sequence: UInt64)] = []
    private var arrivalsHead = 0
    private var nextSequence: UInt64 = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var pendingTraceCount: Int { pending.count }
    public var pendingSpanCount: Int { pending.values.reduce(0) { $0 + $1.spans.count } }
    public var pendingLogCount: Int { pending.values.reduce(0) { $0 + $1.logs.count } }

    /// Adds log records (GenAI events with a trace id) to their traces. Returns traces that had to be
    /// flushed right away (over a limit).
    public mutating func receive(logs: [OTLPLogRecord], at now: C.Instant) -> [CompletedTrace] {
        var out: [CompletedTrace] = []
        for log in logs {
            if var p = pending[log.traceID] {
                p.logs.append(log)
                p.lastSeen = now
                if p.spans.count + p.logs.count >= configuration.maxSpansPerTrace {
                    pending[log.traceID] = nil
                    out.append(CompletedTrace(traceID: log.traceID, spans: p.spans, reason: .tooManySpans, logs: p.logs))
                } else {
                    pending[log.traceID] = p
                }
                continue
            }
            let seq = nextSequence
            nextSequence += 1
            pending[log.traceID] = Pending(spans: [], logs: [log], firstSeen: now, lastSeen: now, hasRoot: false, sequence: seq)
            arrivals.append((log.traceID, seq))
            while pending.count > configuration.maxPendingTraces, let oldest = popOldest() {
                out.append(CompletedTrace(traceID: oldest.0, spans: oldest.1.spans, reason: .overflow, logs: oldest.1.logs))
            }
            if configuration.maxSpansPerTrace == 1, let p = pending.removeValue(forKey: log.traceID) {
                out.append(CompletedTrace(traceID: log.traceID, spans: p.spans, reason: .tooManySpans, logs: p.logs))
            }
        }
        compactArrivals()
        return out
    }

    /// Adds spans (of any traces). Returns traces that had to be flushed right away (over a limit).
    public mutating func receive(_ spans: [OTLPSpan], at now: C.Instant) -> [CompletedTrace] {
        var out: [CompletedTrace] = []
        for span in spans {
            if var p = pending[span.traceID] {
                p.spans.append(span)
                p.lastSeen = now
                p.hasRoot = p.hasRoot || span.isRoot
                if p.spans.count + p.logs.count >= configuration.maxSpansPerTrace {
                    pending[span.traceID] = nil
                    out.append(CompletedTrace(traceID: span.traceID, spans: p.spans, reason: .tooManySpans, logs: p.logs))
                } else {
                    pending[span.traceID] = p
                }
                continue
            }
            let seq = nextSequence
            nextSequence += 1
            pending[span.traceID] = Pending(spans: [span], firstSeen: now, lastSeen: now, hasRoot: span.isRoot, sequence: seq)
            arrivals.append((span.traceID, seq))
            while pending.count > configuration.maxPendingTraces, let oldest = popOldest() {
                out.append(CompletedTrace(traceID: oldest.0, spans: oldest.1.spans, reason: .overflow, logs: oldest.1.logs))
            }
            if configuration.maxSpansPerTrace == 1, let p = pending.removeValue(forKey: span.traceID) {
                out.append(CompletedTrace(traceID: span.traceID, spans: p.spans, reason: .tooManySpans, logs: p.logs))
            }
        }
        compactArrivals()
        return out
    }

    /// Traces whose deadline has passed, oldest first.
    public mutating func flushDue(at now: C.Instant) -> [CompletedTrace] {
        let due = pending.filter { $0.value.deadline(configuration) <= now }
            .sorted { $0.value.sequence < $1.value.sequence }
        var out: [CompletedTrace] = []
        out.reserveCapacity(due.count)
        for (id, p) in due {
            pending[id] = nil
            let complete = p.hasRoot && p.lastSeen.advanced(by: configuration.wait) <= now
            out.append(CompletedTrace(traceID: id, spans: p.spans, reason: complete ? .complete : .maxWait, logs: p.logs))
        }
        compactArrivals()
        return out
    }

    /// Everything pending, oldest first (graceful shutdown).
    public mutating func flushAll() -> [CompletedTrace] {
        let all = pending.sorted { $0.value.sequence < $1.value.sequence }
        pending.removeAll()
        arrivals.removeAll()
        arrivalsHead = 0
        return all.map { CompletedTrace(traceID: $0.key, spans: $0.value.spans, reason: .shutdown, logs: $0.value.logs) }
    }

    /// The earliest instant at which ``flushDue(at:)`` will return something; nil when nothing is pending.
    public var nextDeadline: C.Instant? {
        pending.values.lazy.map { $0.deadline(self.configuration) }.min()
    }

    private mutating func popOldest() -> ([UInt8], Pending)? {
        while arrivalsHead < arrivals.count {
            let entry = arrivals[arrivalsHead]
            arrivalsHead += 1
            if let p = pending[entry.traceID], p.sequence == entry.sequence {
                pending[entry.traceID] = nil
                return (entry.traceID, p)
            }
        }
        return nil
    }

    /// Drops consumed and stale arrival entries once they outnumber the live ones.
    private mutating func compactArrivals() {
        guard arrivals.count > 64, arrivals.count > 2 * pending.count + arrivalsHead / 2 else { return }
        arrivals = arrivals[arrivalsHead...].filter { pending[$0.traceID]?.sequence == $0.sequence }
        arrivalsHead = 0
    }
}
