import DriftwatchCore

/// The delay before the next shipment: the interval while shipping works, doubling from `initial` up to `maximum`
/// while it fails (PostgreSQL down or slow). A pure value, tested without a clock.
public struct FleetBackoff: Sendable, Equatable {
    public let interval: Duration
    public let initial: Duration
    public let maximum: Duration
    public private(set) var failures = 0

    public init(interval: Duration, initial: Duration = .seconds(1), maximum: Duration = .seconds(60)) {
        self.interval = interval
        self.initial = initial
        self.maximum = maximum
    }

    /// After a shipment that worked (or found nothing to ship).
    public mutating func succeeded() -> Duration {
        failures = 0
        return interval
    }

    /// After a shipment that failed.
    public mutating func failed() -> Duration {
        failures += 1
        var delay = initial
        for _ in 1..<failures where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }
}

/// Runs `body`, failing with a clear error when it takes longer than `limit`: a shipment never waits forever
/// for a connection the pool cannot make.
public func withTimeout<T: Sendable>(_ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw DriftwatchError(.fleet, "\(what) did not finish within \(limit)")
        }
        return value
    }
}
