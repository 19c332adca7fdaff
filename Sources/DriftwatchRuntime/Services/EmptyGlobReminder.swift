/// When to warn that a source's glob matches no file: at the first look, then again every `repeatAfter` while it stays
/// empty (not at every scan, which would drown the log), and once more, as good news, when it starts matching.
/// A pure state machine over any clock's instants, so the timing is tested without sleeping.
struct EmptyGlobReminder<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    enum Action: Equatable, Sendable {
        /// Say the glob matches nothing; `emptyFor` is how long it has been empty (zero the first time).
        case warn(emptyFor: Duration)
        /// The glob matches files again after a warning.
        case recovered
        case none
    }

    let repeatAfter: Duration
    private var emptySince: [String: Instant] = [:]
    private var lastWarned: [String: Instant] = [:]

    init(repeatAfter: Duration) {
        self.repeatAfter = repeatAfter
    }

    mutating func observe(pattern: String, matches: Int, at now: Instant) -> Action {
        guard matches == 0 else {
            emptySince[pattern] = nil
            return lastWarned.removeValue(forKey: pattern) == nil ? .none : .recovered
        }
        let since = emptySince[pattern] ?? now
        emptySince[pattern] = since
        if let last = lastWarned[pattern], last.duration(to: now) < repeatAfter { return .none }
        lastWarned[pattern] = now
        return .warn(emptyFor: since.duration(to: now))
    }
}
