import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchDemo
import Testing

/// Detection on validation check pass rates (`check:<name>`): a check whose failures rise while the requests it
/// flags still succeed (an advisory validator) moves no success rate, so only the check's own test can find it.
@Suite("Check pass-rate detection")
struct CheckMetricTests {
    static let hour: Int64 = 3_600_000_000
    static let injectedAt = WorkloadConfiguration.defaultStartMicros + 2 * hour

    /// A demo workload in which, from 2h, the `grounded` check of `task` also fails on `rate` of the requests it
    /// passed, without changing their outcome.
    static func run(task: String, rate: Double, seed: UInt64) throws -> [Incident] {
        var workload = WorkloadConfiguration(seed: seed, length: .duration(micros: 9 * hour / 2))
        workload.noise = 0.1
        var generator = try WorkloadGenerator(workload)
        var engine = try AnalysisEngine()
        var opened: [Incident] = []
        var n = 0
        var flagged = 0
        while var record = generator.next() {
            if record.timestampMicros >= injectedAt, record.task == task,
               let i = record.validation.firstIndex(where: { $0.check == "grounded" && $0.passed }),
               Double(fnv(record.requestID) % 10_000) < rate * 10_000 {
                record.validation[i].passed = false
                flagged += 1
            }
            engine.ingest(record)
            n += 1
            if n % 5000 == 0 { opened += engine.takeChanges().events.filter { $0.kind == .opened }.map(\.incident) }
        }
        opened += engine.takeChanges().events.filter { $0.kind == .opened }.map(\.incident)
        #expect(flagged > 300)
        return opened.sorted { ($0.severity, $0.id) > ($1.severity, $1.id) }
    }

    static func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    @Test("an advisory check failing more often opens a check incident on that check alone",
          arguments: [(task: "policy_lookup", rate: 0.15), (task: "refund_question", rate: 0.08)], [UInt64(1), 2])
    func advisoryCheck(_ scenario: (task: String, rate: Double), seed: UInt64) throws {
        let opened = try Self.run(task: scenario.task, rate: scenario.rate, seed: seed)
        for incident in opened { print("check \(scenario.task) \(scenario.rate) seed \(seed): \(incident.metric) \(incident.debugLine)") }
        let top = try #require(opened.first)
        #expect(top.metric == "check:grounded")
        #expect(top.task == scenario.task)
        #expect(top.component == "retrieval")
        #expect(top.recommendation.action == "retrieval_fix")
        // Detected within minutes, the current hour is mostly before the change: the drop is diluted.
        #expect(top.baseline.value - top.current.value >= 0.02)
        #expect(abs(top.startedAtMicros - Self.injectedAt) <= Self.hour)
        #expect(top.evidence.first?.signal == "check:grounded pass_rate")
        // The success rate held, so nothing else opens.
        #expect(opened.allSatisfy { $0.metric == "check:grounded" && $0.task == scenario.task }, "\(opened.map(\.debugLine))")
    }

    @Test("with check detection off, the same run raises nothing")
    func offByConfiguration() throws {
        var configuration = AnalysisConfiguration()
        configuration.detectChecks = false
        #expect(AnalysisConfiguration().detectChecks)
        var workload = WorkloadConfiguration(seed: 1, length: .duration(micros: 9 * Self.hour / 2))
        workload.noise = 0.1
        var generator = try WorkloadGenerator(workload)
        var engine = try AnalysisEngine(configuration: configuration)
        var opened = 0
        while var record = generator.next() {
            if record.timestampMicros >= Self.injectedAt, record.task == "policy_lookup",
               let i = record.validation.firstIndex(where: { $0.check == "grounded" && $0.passed }),
               Self.fnv(record.requestID) % 100 < 15 {
                record.validation[i].passed = false
            }
            engine.ingest(record)
            // As a committing owner would, every few hundred records (each take encodes the open buckets).
            if record.requestID.hasSuffix("00") { opened += engine.takeChanges().events.filter { $0.kind == .opened }.count }
        }
        opened += engine.takeChanges().events.filter { $0.kind == .opened }.count
        #expect(opened == 0)
    }
}
