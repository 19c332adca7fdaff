import Foundation

/// The progress line of a catch-up (`analyze`, `drift`, `dashboards` reading the records stored since the last
/// commit): records done of the total and the rate. Silent for a catch-up that ends within ``delay``, then at most
/// one line per ``interval``. A pure state machine over a `Clock` (tested with a manual clock); the caller writes
/// the lines to standard error, and only when it is a terminal.
public struct CatchUpProgress<C: Clock>: Sendable where C.Duration == Duration {
    public let label: String
    public let total: Int
    public let clock: C
    public let delay: Duration
    public let interval: Duration
    let started: C.Instant
    var lastShown: C.Instant?

    public init(label: String, total: Int, clock: C, delay: Duration = .seconds(2), interval: Duration = .milliseconds(250)) {
        self.label = label
        self.total = total
        self.clock = clock
        self.delay = delay
        self.interval = interval
        started = clock.now
    }

    /// Whether a line was shown, so the end needs its own line and a newline.
    public var hasShown: Bool { lastShown != nil }

    /// The line to show after `done` records, or nil (too early, or too soon after the last one).
    public mutating func update(done: Int) -> String? {
        let now = clock.now
        guard started.duration(to: now) >= delay else { return nil }
        if let lastShown, lastShown.duration(to: now) < interval { return nil }
        lastShown = now
        return line(done: done, elapsed: started.duration(to: now))
    }

    /// The final line (with the rate over the whole catch-up), only when progress was shown.
    public mutating func finish(done: Int) -> String? {
        guard hasShown else { return nil }
        return line(done: done, elapsed: started.duration(to: clock.now))
    }

    /// `analyze: 120,000 / 600,000 records (20%)  40,000 records/s  ETA 12s`.
    public func line(done: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let shown = max(total, done)
        let percent = shown > 0 ? Int((Double(done) / Double(shown) * 100).rounded(.down)) : 100
        var text = "\(label): \(formatCount(Int64(done))) / \(formatCount(Int64(shown))) records (\(percent)%)  \(formatCount(Int64(rate.rounded()))) records/s"
        if rate > 0, done < shown { text += "  ETA \(Int((Double(shown - done) / rate).rounded(.up)))s" }
        return text
    }
}

/// Writes ``CatchUpProgress`` lines to standard error in place (carriage return, clear to end of line).
public final class TerminalProgress: @unchecked Sendable {
    private var meter: CatchUpProgress<ContinuousClock>
    private let lock = NSLock()

    /// A meter for a catch-up of `total` records, or nil when standard error is not a terminal.
    /// `DRIFTWATCH_PROGRESS_DELAY_MS` replaces the two seconds a catch-up runs before its first line (the end-to-end
    /// tests set 0, so they need not make a catch-up slow).
    public static func make(label: String, total: Int, enabled: Bool = BackfillRunner.stderrIsTerminal) -> TerminalProgress? {
        guard enabled else { return nil }
        let delay = ProcessInfo.processInfo.environment["DRIFTWATCH_PROGRESS_DELAY_MS"].flatMap(Int.init).map { Duration.milliseconds($0) }
        return TerminalProgress(label: label, total: total, delay: delay ?? .seconds(2))
    }

    init(label: String, total: Int, delay: Duration) {
        meter = CatchUpProgress(label: label, total: total, clock: ContinuousClock(), delay: delay)
    }

    public func update(done: Int) {
        lock.withLock { if let line = meter.update(done: done) { Self.write("\r" + line + "\u{1B}[K") } }
    }

    public func finish(done: Int) {
        lock.withLock { if let line = meter.finish(done: done) { Self.write("\r" + line + "\u{1B}[K\n") } }
    }

    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
