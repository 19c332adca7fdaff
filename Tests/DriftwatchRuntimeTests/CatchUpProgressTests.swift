import DriftwatchRuntime
import DriftwatchTesting
import Testing

@Suite("Catch-up progress line")
struct CatchUpProgressTests {
    @Test("silent for a short catch-up, then a few lines a second with done/total, rate and ETA")
    func throttledLines() {
        let clock = ManualClock()
        var meter = CatchUpProgress(label: "analysis", total: 600_000, clock: clock)
        // The first two seconds say nothing, whatever the updates.
        for _ in 0..<20 {
            clock.advance(by: .milliseconds(90))
            #expect(meter.update(done: 1_000) == nil)
        }
        #expect(!meter.hasShown)
        clock.advance(by: .milliseconds(200))  // 2.0 s
        #expect(meter.update(done: 80_000) == "analysis: 80,000 / 600,000 records (13%)  40,000 records/s  ETA 13s")
        // At most one line per 250 ms.
        clock.advance(by: .milliseconds(100))
        #expect(meter.update(done: 84_000) == nil)
        clock.advance(by: .milliseconds(150))
        #expect(meter.update(done: 90_000) != nil)
        var shown = 0
        for i in 0..<100 {
            clock.advance(by: .milliseconds(10))
            if meter.update(done: 90_000 + i * 400) != nil { shown += 1 }
        }
        #expect(shown == 4, "one second of updates every 10 ms gives 4 lines")
        clock.advance(by: .seconds(1))
        #expect(meter.finish(done: 600_000) == "analysis: 600,000 / 600,000 records (100%)  141,176 records/s")
    }

    @Test("a catch-up that ends within the delay prints nothing, not even at the end")
    func quietWhenQuick() {
        let clock = ManualClock()
        var meter = CatchUpProgress(label: "drift", total: 5_000, clock: clock)
        clock.advance(by: .seconds(1))
        #expect(meter.update(done: 5_000) == nil)
        #expect(meter.finish(done: 5_000) == nil)
    }

    @Test("more records than estimated (stored during the catch-up) never show over 100%")
    func totalGrows() {
        let clock = ManualClock()
        let meter = CatchUpProgress(label: "drift", total: 1_000, clock: clock)
        #expect(meter.line(done: 1_500, elapsed: .seconds(3)) == "drift: 1,500 / 1,500 records (100%)  500 records/s")
        #expect(meter.line(done: 0, elapsed: .zero) == "drift: 0 / 1,000 records (0%)  0 records/s")
        #expect(TerminalProgress.make(label: "x", total: 1, enabled: false) == nil)
    }
}
