import DriftwatchOTLP
import Testing

/// A clock that only moves when told to; the assembler never sleeps, so `sleep` is unused.
struct ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by d: Duration) -> Instant { Instant(offset: offset + d) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }
    var now = Instant(offset: .zero)
    var minimumResolution: Duration { .nanoseconds(1) }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {}
}

@Suite struct TraceAssemblerTests {
    typealias Assembler = TraceAssembler<ManualClock>
    func at(_ ms: Int64) -> ManualClock.Instant { ManualClock.Instant(offset: .milliseconds(ms)) }

    @Test func traceWaitsForTheRootThenForQuiet() {
        var a = Assembler(configuration: .init(wait: .milliseconds(100), maxWait: .seconds(10)))
        #expect(a.receive([makeSpan(trace: 1, id: 2, parent: 1)], at: at(0)).isEmpty)
        #expect(a.nextDeadline == at(10_000))
        #expect(a.flushDue(at: at(5_000)).isEmpty)  // no root yet
        #expect(a.receive([makeSpan(trace: 1, id: 1)], at: at(5_000)).isEmpty)
        #expect(a.nextDeadline == at(5_100))
        #expect(a.flushDue(at: at(5_099)).isEmpty)
        #expect(a.receive([makeSpan(trace: 1, id: 3, parent: 1)], at: at(5_050)).isEmpty)  // a late child extends the wait
        #expect(a.flushDue(at: at(5_100)).isEmpty)
        let done = a.flushDue(at: at(5_150))
        #expect(done.count == 1)
        #expect(done.first?.spans.count == 3)
        #expect(done.first?.reason == .complete)
        #expect(a.pendingTraceCount == 0)
        #expect(a.nextDeadline == nil)
    }

    @Test func traceWithoutRootIsFlushedAtMaxWait() {
        var a = Assembler(configuration: .init(wait: .milliseconds(100), maxWait: .seconds(1)))
        _ = a.receive([makeSpan(trace: 1, id: 2, parent: 1)], at: at(0))
        _ = a.receive([makeSpan(trace: 1, id: 3, parent: 1)], at: at(900))
        #expect(a.flushDue(at: at(999)).isEmpty)
        let done = a.flushDue(at: at(1_000))
        #expect(done.map(\.reason) == [.maxWait])
        #expect(done.first?.spans.count == 2)
    }

    @Test func maxWaitCapsATraceThatKeepsGrowing() {
        var a = Assembler(configuration: .init(wait: .milliseconds(100), maxWait: .milliseconds(300)))
        _ = a.receive([makeSpan(trace: 1, id: 1)], at: at(0))
        for t in stride(from: Int64(50), through: 250, by: 50) {
            _ = a.receive([makeSpan(trace: 1, id: UInt8(t / 10), parent: 1)], at: at(t))
            #expect(a.flushDue(at: at(t)).isEmpty)
        }
        #expect(a.flushDue(at: at(300)).map(\.reason) == [.maxWait])
    }

    @Test func overTheLimitTheOldestTraceIsFlushed() {
        var a = Assembler(configuration: .init(maxPendingTraces: 3))
        for t: UInt8 in 1...3 { #expect(a.receive([makeSpan(trace: t, id: 1)], at: at(Int64(t))).isEmpty) }
        _ = a.receive([makeSpan(trace: 1, id: 2, parent: 1)], at: at(10))  // more spans do not refresh age
        let evicted = a.receive([makeSpan(trace: 4, id: 1), makeSpan(trace: 5, id: 1)], at: at(20))
        #expect(evicted.map { $0.traceID[0] } == [1, 2])
        #expect(evicted.map(\.reason) == [.overflow, .overflow])
        #expect(evicted[0].spans.count == 2)
        #expect(a.pendingTraceCount == 3)
        #expect(a.flushAll().map { $0.traceID[0] } == [3, 4, 5])
    }

    @Test func aTraceWithTooManySpansIsFlushedAtOnce() {
        var a = Assembler(configuration: .init(maxSpansPerTrace: 3))
        let out = a.receive((1...4).map { makeSpan(trace: 9, id: $0, parent: $0 == 1 ? nil : 1) }, at: at(0))
        #expect(out.map(\.reason) == [.tooManySpans])
        #expect(out.first?.spans.count == 3)
        #expect(a.pendingTraceCount == 1)  // the fourth span starts a new entry
    }

    @Test func memoryStaysBoundedUnderChurn() {
        var a = Assembler(configuration: .init(maxPendingTraces: 100))
        var flushed = 0
        for i in 0..<20_000 {
            let id = UInt8(truncatingIfNeeded: i)
            var span = makeSpan(trace: id, id: 1)
            span.traceID = withUnsafeBytes(of: UInt64(i).bigEndian) { Array($0) } + [UInt8](repeating: 0, count: 8)
            flushed += a.receive([span], at: at(Int64(i))).count
            #expect(a.pendingTraceCount <= 100)
        }
        #expect(flushed == 20_000 - 100)
    }
}
