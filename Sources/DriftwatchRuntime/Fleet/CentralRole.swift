import Synchronization

/// Whether this `run --role central` process leads its fleet: shared by ``FleetCentralService`` (which holds the lease
/// in PostgreSQL and keeps the central store's incidents current) and the alert dispatcher (which evaluates and sends
/// only while leading), so alerts go out once per fleet however many centrals run.
public final class CentralRole: Sendable {
    private struct State {
        var term = 0
        var leading = false
        var published: String?
    }

    private let state = Mutex(State())

    public init() {}

    /// The current term of leadership (a new number each time the role is taken), nil while standing by.
    public var term: Int? { state.withLock { $0.leading ? $0.term : nil } }

    /// Starts a term: the incidents and the alert state in the central store are the fleet's current ones.
    func lead() { state.withLock { $0.term += 1; $0.leading = true; $0.published = nil } }

    func standBy() { state.withLock { $0.leading = false; $0.published = nil } }

    /// The dispatcher's alert state after a pass whose notifications were all delivered, kept for the next successor
    /// (a state with notifications still in the outbox would make a successor skip them).
    public func publish(_ alertState: String, term: Int) {
        state.withLock { if $0.leading && $0.term == term { $0.published = alertState } }
    }

    func takePublished() -> String? {
        state.withLock { s in
            defer { s.published = nil }
            return s.published
        }
    }
}
