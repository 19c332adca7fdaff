import DriftwatchCore
import DriftwatchDemo
import Testing

@Suite struct DeterminismTests {
    private func lines(_ configuration: WorkloadConfiguration) throws -> [UInt8] {
        var generator = try WorkloadGenerator(configuration)
        var bytes: [UInt8] = []
        _ = generator.appendLines(.max, to: &bytes)
        return bytes
    }

    @Test func sameSeedGivesIdenticalBytes() throws {
        let configuration = try WorkloadPreset.named("mixed").configuration(seed: 5, requestsPerMinute: 15)
        let a = try lines(configuration)
        let b = try lines(configuration)
        #expect(a.count > 10_000_000)
        #expect(a == b)
    }

    @Test func differentSeedsDiffer() throws {
        let a = try lines(WorkloadConfiguration(seed: 1, length: .records(200)))
        let b = try lines(WorkloadConfiguration(seed: 2, length: .records(200)))
        #expect(a != b)
    }

    /// The record sequence and the line fast path describe the same records, byte for byte as Core encodes them.
    @Test(arguments: ["mixed", "noise", "drift-stale", "drift-tool-calls"])
    func linesMatchRecordEncoder(preset: String) throws {
        var configuration = try WorkloadPreset.named(preset).configuration(seed: 9, requestsPerMinute: 15)
        configuration.length = .duration(micros: 12 * hourMicros)
        var records = try WorkloadGenerator(configuration)
        var fast = try WorkloadGenerator(configuration)
        let encoder = RecordEncoder()
        var line: [UInt8] = []
        var count = 0
        var mismatches = 0
        while let record = records.next() {
            line.removeAll(keepingCapacity: true)
            #expect(fast.appendLines(1, to: &line) == 1)
            if line != encoder.encode(record) + [0x0A] { mismatches += 1 }
            count += 1
        }
        #expect(fast.appendLines(1, to: &line) == 0)
        #expect(count > 8000)
        #expect(mismatches == 0)
    }

    @Test func recordsAreOrderedUniqueAndWithinTheWindow() throws {
        let configuration = WorkloadConfiguration(seed: 3, length: .duration(micros: 3 * hourMicros), requestsPerMinute: 300)
        var previous = Int64.min
        var ids = Set<String>()
        var count = 0
        try scan(configuration) { r in
            #expect(r.timestampMicros >= previous)
            #expect(r.timestampMicros % 1000 == 0)
            previous = r.timestampMicros
            ids.insert(r.requestID)
            count += 1
        }
        #expect(ids.count == count)
        #expect(previous < configuration.startMicros + 3 * hourMicros)
        // 300/min for 3 h with a ±25% daily cycle starting at midnight (below the mean): 54,000 on average.
        #expect((40_000...56_000).contains(count), "\(count)")
    }

    @Test func recordCountLimitIsExact() throws {
        var generator = try WorkloadGenerator(WorkloadConfiguration(seed: 4, length: .records(1234)))
        var n = 0
        while generator.next() != nil { n += 1 }
        #expect(n == 1234)
        #expect(generator.recordsProduced == 1234)
        #expect(generator.next() == nil)
    }

    /// Records before an incident starts are identical to the same run without it: incidents draw from their own
    /// stream and never shift the baseline's random numbers.
    @Test(arguments: ["retrieval_index_change@1h", "tool_outage@1h", "template_canary@1h", "checkpoint_regression@1h",
                      "traffic_shift@1h", "stale_evidence@1h", "tool_call_drop@1h", "benign_model@1h"])
    func recordsBeforeAnIncidentAreUntouched(spec: String) throws {
        let base = try scenario([], hours: 2, rpm: 100)
        let injected = try scenario([spec], hours: 2, rpm: 100)
        var a = try WorkloadGenerator(base)
        var b = try WorkloadGenerator(injected)
        var before = 0
        var changedAfter = 0
        while let x = a.next(), let y = b.next() {
            if x.offsetMicros < hourMicros {
                #expect(x == y)
                before += 1
            } else if x != y {
                changedAfter += 1
            }
        }
        #expect(before > 4000)
        #expect(changedAfter > 50)
    }

    @Test func prngsMatchReferenceOutputs() {
        var splitmix = SplitMix64(seed: 1_234_567)
        #expect([splitmix.next(), splitmix.next(), splitmix.next()] == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
        var xoshiro = Xoshiro256StarStar(seed: 42)
        #expect([xoshiro.next(), xoshiro.next(), xoshiro.next()] == [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009])
    }
}
