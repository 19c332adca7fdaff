public import DriftwatchCore

/// Everything that determines a demo workload: the same configuration yields the same records, byte for byte.
public struct WorkloadConfiguration: Sendable, Equatable {
    /// When the generator stops.
    public enum Length: Sendable, Equatable {
        /// Stop at this many microseconds after ``WorkloadConfiguration/startMicros``.
        case duration(micros: Int64)
        /// Stop after this many records.
        case records(Int)
    }

    /// 2025-01-06T00:00:00Z: a fixed default so default runs are reproducible too.
    public static let defaultStartMicros: Int64 = 1_736_121_600_000_000

    public var seed: UInt64
    /// Timestamp of the workload start, microseconds since the epoch; records have millisecond resolution.
    public var startMicros: Int64
    public var length: Length
    /// Mean arrival rate; arrivals are Poisson, modulated by ``diurnalAmplitude``.
    public var requestsPerMinute: Double
    public var incidents: [InjectedIncident]
    public var benignChanges: [BenignChange]
    /// Log-scale standard deviation of the slow multiplicative wobble (per 10-minute period, globally and per task)
    /// of every baseline failure rate. It is real variation an analyzer must not mistake for an incident.
    public var noise: Double
    /// Relative amplitude of the daily traffic cycle (peak at 14:00 UTC); it changes volume, never the mix.
    public var diurnalAmplitude: Double
    /// Share of requests that get user or reviewer feedback.
    public var feedbackRate: Double

    public init(
        seed: UInt64 = 1,
        startMicros: Int64 = WorkloadConfiguration.defaultStartMicros,
        length: Length = .duration(micros: 6 * 3_600_000_000),
        requestsPerMinute: Double = 200,
        incidents: [InjectedIncident] = [],
        benignChanges: [BenignChange] = [],
        noise: Double = 0.1,
        diurnalAmplitude: Double = 0.25,
        feedbackRate: Double = 0.12
    ) {
        self.seed = seed
        self.startMicros = startMicros
        self.length = length
        self.requestsPerMinute = requestsPerMinute
        self.incidents = incidents
        self.benignChanges = benignChanges
        self.noise = noise
        self.diurnalAmplitude = diurnalAmplitude
        self.feedbackRate = feedbackRate
    }

    /// Adds a parsed spec to ``incidents`` or ``benignChanges``.
    public mutating func add(_ change: WorkloadChange) {
        switch change {
        case .incident(let incident): incidents.append(incident)
        case .benign(let benign): benignChanges.append(benign)
        }
    }

    /// The labels of everything injected, in start order: what an analyzer should find (and not find).
    public func groundTruth() throws(DriftwatchError) -> [GroundTruthLabel] {
        try scheduledChanges().compactMap(\.label).sorted { $0.startMicros < $1.startMicros }
    }

    /// Checks the numbers and resolves every change against the catalog.
    func scheduledChanges() throws(DriftwatchError) -> [ScheduledChange] {
        guard requestsPerMinute > 0, requestsPerMinute.isFinite else {
            throw DriftwatchError(.invalidArgument, "requests per minute must be positive, got \(requestsPerMinute)")
        }
        guard (0...2).contains(noise) else {
            throw DriftwatchError(.invalidArgument, "noise must be in 0...2, got \(noise)")
        }
        guard (0..<1).contains(diurnalAmplitude) else {
            throw DriftwatchError(.invalidArgument, "diurnal amplitude must be in 0..<1, got \(diurnalAmplitude)")
        }
        guard (0...1).contains(feedbackRate) else {
            throw DriftwatchError(.invalidArgument, "feedback rate must be in 0...1, got \(feedbackRate)")
        }
        switch length {
        case .duration(let micros) where micros < 0:
            throw DriftwatchError(.invalidArgument, "duration must not be negative")
        case .records(let n) where n < 0:
            throw DriftwatchError(.invalidArgument, "record count must not be negative")
        default: break
        }
        var changes: [ScheduledChange] = []
        for incident in incidents {
            do { changes.append(try ScheduledChange(incident, workloadStart: startMicros)) } catch {
                throw DriftwatchError(.invalidArgument, "incident \(incident): \(error.message)")
            }
        }
        for benign in benignChanges {
            do { changes.append(try ScheduledChange(benign, workloadStart: startMicros)) } catch {
                throw DriftwatchError(.invalidArgument, "benign change \(benign): \(error.message)")
            }
        }
        // Later starts override earlier ones where both set a version.
        return changes.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
    }
}
