import Synchronization

/// Bytes of request bodies held in memory across every connection at once. Each request reserves what it reads,
/// chunk by chunk, and gives it back when it is answered: many clients sending large bodies slowly cannot take the
/// process's memory with them (200 stalled 4 MB uploads held ~950 MiB before). A request that would go over the
/// budget gets 503 with Retry-After, which OTLP exporters retry: delayed, not lost.
final class InflightBudget: Sendable {
    let limit: Int
    private let used = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Reserves `bytes`; false (nothing reserved) when that would exceed the limit.
    func reserve(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard used + bytes <= limit else { return false }
            used += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        used.withLock { $0 -= bytes }
    }

    var inUse: Int { used.withLock { $0 } }
}
