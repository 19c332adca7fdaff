import DriftwatchCore
import DriftwatchDemo

/// A count of hits among trials, for rates measured over generated records.
struct Tally: CustomStringConvertible {
    var hits = 0
    var n = 0

    mutating func add(_ hit: Bool) {
        n += 1
        if hit { hits += 1 }
    }

    var rate: Double { n == 0 ? .nan : Double(hits) / Double(n) }
    var description: String { "\(hits)/\(n)=\(rate)" }
}

/// A running mean.
struct Mean {
    var sum = 0.0
    var n = 0
    mutating func add(_ x: Double) { sum += x; n += 1 }
    var value: Double { n == 0 ? .nan : sum / Double(n) }
}

let hourMicros: Int64 = 3_600_000_000

/// Two hours at 1000 requests/minute with the given specs: enough records for rates within about ±0.01.
func scenario(_ specs: [String], seed: UInt64 = 11, hours: Int64 = 2, rpm: Double = 1000, noise: Double = 0.1) throws -> WorkloadConfiguration {
    var configuration = WorkloadConfiguration(seed: seed, length: .duration(micros: hours * hourMicros), requestsPerMinute: rpm, noise: noise)
    for spec in specs { configuration.add(try WorkloadSpecParser.parse(spec)) }
    return configuration
}

extension RequestRecord {
    func passed(_ check: String) -> Bool? { validation.first { $0.check == check }?.passed }
    var succeeded: Bool { outcome == .success }
    func sliceString(_ key: String) -> String? { slice(key)?.description }
    /// Relative to the default workload start.
    var offsetMicros: Int64 { timestampMicros - WorkloadConfiguration.defaultStartMicros }
}

/// Streams a configuration's records without keeping them.
func scan(_ configuration: WorkloadConfiguration, _ body: (RequestRecord) -> Void) throws {
    var generator = try WorkloadGenerator(configuration)
    while let record = generator.next() { body(record) }
}

/// Streams a run with `specs` in lockstep with the same run without them (same seed, same arrivals), so a
/// quality comparison after the start sees only what the specs changed, not period-to-period noise.
func scanCounterfactual(_ specs: [String], rpm: Double = 500, _ body: (_ baseline: RequestRecord, _ injected: RequestRecord) -> Void) throws {
    var baseline = try WorkloadGenerator(scenario([], rpm: rpm))
    var injected = try WorkloadGenerator(scenario(specs, rpm: rpm))
    while let a = baseline.next(), let b = injected.next() {
        precondition(a.timestampMicros == b.timestampMicros)
        body(a, b)
    }
}
