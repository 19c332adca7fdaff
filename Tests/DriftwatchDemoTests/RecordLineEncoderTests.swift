import DriftwatchCore
import DriftwatchDemo
import Testing

/// The fast encoder must produce exactly Core's bytes, including for values the generator never makes.
@Suite struct RecordLineEncoderTests {
    @Test func matchesRecordEncoderOnEdgeCases() {
        let awkward = "quote\" back\\slash\nnew\rret\ttab \u{01}ctl é 漢字 🙂 and a string well past fifteen bytes"
        let records = [
            RequestRecord(requestID: "only", timestampMicros: 0),
            RequestRecord(requestID: awkward, timestampMicros: -1, service: awkward, task: "", route: "r",
                          model: ModelInfo(name: awkward, version: "v", tuned: false),
                          template: TemplateInfo(id: "t", version: awkward),
                          release: ReleaseInfo(dataset: nil, validator: nil, evalSuite: "e"),
                          retrieval: RetrievalInfo(indexVersion: "i", topK: nil, evidence: [Evidence(id: "x")]),
                          toolsExpected: ["a", awkward],
                          tools: [ToolCall(name: "t", status: .timeout)],
                          validation: [ValidationCheck(check: "c", passed: false, reason: awkward)],
                          outcome: .escalated, feedback: Feedback(score: -0.5),
                          latency: StageLatency(total: 1e-7), tokens: TokenUsage(input: -3, output: Int.max),
                          costUSD: .nan, retries: Int.min,
                          slices: [Slice(key: awkward, value: .number(2.5e20)), Slice(key: "b", value: .bool(true)),
                                   Slice(key: "n", value: .number(-0.0))]),
            RequestRecord(requestID: "ts", timestampMicros: 253_402_300_799_999_999 + 1, release: ReleaseInfo(),
                          retrieval: RetrievalInfo(indexVersion: "i", evidence: []),
                          feedback: Feedback(score: 0.1 + 0.2, source: "s"),
                          latency: StageLatency(total: 123_456_789.123456, retrieval: 0.0001, tools: 0.00009999,
                                                generation: 999_999_999.5, validation: 1e15),
                          costUSD: -12.25),
            RequestRecord(requestID: "old", timestampMicros: -62_135_596_800_000_000 - 1000, costUSD: 1.0 / 3.0),
        ]
        var fast = RecordLineEncoder()
        let reference = RecordEncoder()
        for record in records {
            #expect(fast.encode(record) == reference.encode(record), "\(String(decoding: reference.encode(record), as: UTF8.self))")
        }
    }

    /// Format v1 is declared in ``RecordFormat``: a field added there must reach this encoder too.
    @Test func matchesRecordEncoderOnEveryFieldOfTheFormat() throws {
        let record = try RecordDecoder().decode(Array(RecordFormat.sampleLine().utf8))
        var fast = RecordLineEncoder()
        #expect(fast.encode(record) == RecordEncoder().encode(record))
    }

    @Test func matchesSwiftNumberFormattingOnManyDoubles() {
        var rng = SplitMix64(seed: 77)
        var fast = RecordLineEncoder()
        let reference = RecordEncoder()
        for i in 0..<20_000 {
            let u = Double(rng.next() >> 11) * 0x1.0p-53
            let value: Double = switch i % 4 {
            case 0: (u * 10_000).rounded() / 10_000
            case 1: (u * 1e9 * 10).rounded() / 10
            case 2: u * pow10(Int(rng.next() % 20) - 10)
            default: Double(bitPattern: rng.next())
            }
            let record = RequestRecord(requestID: "d", timestampMicros: Int64(bitPattern: rng.next() >> 12) - (1 << 50), costUSD: value)
            #expect(fast.encode(record) == reference.encode(record), "\(value)")
        }
    }

    private func pow10(_ e: Int) -> Double {
        var x = 1.0
        for _ in 0..<abs(e) { x *= 10 }
        return e < 0 ? 1 / x : x
    }
}
