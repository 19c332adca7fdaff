public import DriftwatchCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates the demo workload: request records in timestamp order, deterministic for a configuration.
///
/// It is its own iterator and holds no per-record state beyond the clock, so memory is constant however many
/// records it yields. Arrivals are a Poisson process whose rate follows a daily cycle; each record's content is
/// drawn from streams keyed by the seed and the record's index (see ``RequestSimulator``).
public struct WorkloadGenerator: Sequence, IteratorProtocol, Sendable {
    public let configuration: WorkloadConfiguration
    /// What the configuration injects, for checking an analyzer's verdicts against.
    public let groundTruth: [GroundTruthLabel]
    private var simulator: RequestSimulator
    private var scratch = SimulatedRequest()
    private let renderer: LineRenderer
    private var arrivals: Xoshiro256StarStar
    private var clockMicros: Double = 0
    private var index = 0
    private var finished = false
    private let endMicros: Int64
    private let maxRecords: Int

    /// Fails when the configuration or one of its changes is invalid (the message names which and why).
    public init(_ configuration: WorkloadConfiguration) throws(DriftwatchError) {
        let changes = try configuration.scheduledChanges()
        self.configuration = configuration
        self.groundTruth = changes.compactMap(\.label).sorted { $0.startMicros < $1.startMicros }
        self.simulator = RequestSimulator(
            seed: configuration.seed, startMicros: configuration.startMicros, changes: changes,
            noise: configuration.noise, feedbackRate: configuration.feedbackRate)
        self.renderer = LineRenderer(tables: simulator.tables)
        self.arrivals = Xoshiro256StarStar(seed: configuration.seed ^ 0xA77A_17A1)
        switch configuration.length {
        case .duration(let micros):
            endMicros = configuration.startMicros &+ micros
            maxRecords = .max
        case .records(let n):
            endMicros = .max
            maxRecords = n
        }
    }

    /// How many records have been produced so far.
    public var recordsProduced: Int { index }

    public mutating func next() -> RequestRecord? {
        guard let t = nextTimestamp() else { return nil }
        simulator.simulate(index: index, timestamp: t, into: &scratch)
        index += 1
        return simulator.tables.record(scratch)
    }

    /// Appends up to `maxCount` next records as JSON lines, each followed by a newline, exactly as
    /// `RecordEncoder` would encode the records ``next()`` returns, without building them. Returns how many
    /// lines were appended; fewer than `maxCount` means the workload is exhausted.
    ///
    /// This is the fast path for benchmarks that need lines in memory; ``WorkloadWriter`` uses it for files.
    public mutating func appendLines(_ maxCount: Int, to bytes: inout [UInt8]) -> Int {
        let encoder = RecordLineEncoder()
        var n = 0
        while n < maxCount, appendNextLine(with: encoder) {
            n += 1
            if encoder.buffer.count >= 1 << 16 {
                bytes.append(contentsOf: encoder.buffer.bytes)
                encoder.buffer.count = 0
            }
        }
        bytes.append(contentsOf: encoder.buffer.bytes)
        return n
    }

    /// Renders the next record into `encoder`'s buffer, followed by a newline.
    mutating func appendNextLine(with encoder: RecordLineEncoder) -> Bool {
        guard let t = nextTimestamp() else { return false }
        simulator.simulate(index: index, timestamp: t, into: &scratch)
        index += 1
        renderer.render(scratch, with: encoder)
        encoder.buffer.append(UInt8(ascii: "\n"))
        return true
    }

    /// Advances the arrival clock; the timestamp is truncated to milliseconds, which keeps it non-decreasing.
    private mutating func nextTimestamp() -> Int64? {
        guard !finished, index < maxRecords else { return nil }
        let start = configuration.startMicros
        let now = Double(start) + clockMicros
        let secondOfDay = (now / 1_000_000).truncatingRemainder(dividingBy: 86_400)
        let cycle = 1 + configuration.diurnalAmplitude * sin(2 * Double.pi * (secondOfDay / 86_400 - 8.0 / 24))
        let ratePerMicro = configuration.requestsPerMinute * cycle / 60_000_000
        clockMicros += arrivals.exponential(rate: ratePerMicro)
        let t = start + Int64(clockMicros / 1000) * 1000
        guard t < endMicros else {
            finished = true
            return nil
        }
        return t
    }
}
