import DriftwatchIngest
import Logging
public import ServiceLifecycle

/// Under `run`, warns when a configured source's glob matches no file: a typo in a path would otherwise tail nothing,
/// silently, forever. Looks at start and every `interval`; repeats a warning only every `repeatAfter` (see
/// ``EmptyGlobReminder``).
public struct SourceGlobService<C: Clock>: Service where C.Duration == Duration {
    let sources: [DriftwatchConfiguration.LogSource]
    let interval: Duration
    let repeatAfter: Duration
    let clock: C
    let logger: Logger

    init(sources: [DriftwatchConfiguration.LogSource], interval: Duration = .seconds(30), repeatAfter: Duration = .seconds(600),
         clock: C, logger: Logger) {
        self.sources = sources
        self.interval = interval
        self.repeatAfter = repeatAfter
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        var reminder = EmptyGlobReminder<C.Instant>(repeatAfter: repeatAfter)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            for source in sources {
                for pattern in source.paths {
                    let matches = FileDiscovery(patterns: [pattern]).discover().count
                    switch reminder.observe(pattern: pattern, matches: matches, at: clock.now) {
                    case .warn(let emptyFor):
                        var metadata: Logger.Metadata = ["source": "\(source.name)", "pattern": "\(pattern)"]
                        if emptyFor > .zero { metadata["empty_for"] = "\(DurationText.format(micros: emptyFor.components.seconds * 1_000_000))" }
                        logger.warning("a source's glob matches no file; nothing is tailed from it until a file matches", metadata: metadata)
                    case .recovered:
                        logger.notice("a source's glob matches files again", metadata: ["source": "\(source.name)", "pattern": "\(pattern)", "files": "\(matches)"])
                    case .none:
                        break
                    }
                }
            }
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }
}
