import DriftwatchAlerts
import DriftwatchCore
public import DriftwatchStore
public import Logging
public import ServiceLifecycle

/// Evaluates the alert rules on an interval, routes and groups the alerts, writes the notifications to the
/// outbox together with the alerting state (one transaction), and delivers due outbox rows with retries.
/// Sleeps until the next evaluation, group flush or retry, whichever comes first.
public struct AlertDispatcherService<C: Clock>: Service where C.Duration == Duration, C.Instant: Sendable {
    let store: SQLiteStore
    let configuration: DriftwatchConfiguration
    let clock: C
    let logger: Logger

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration, clock: C, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        let settings = configuration.alerts
        let loaded = AlertRuleLoader().load(settings)
        for error in loaded.errors { logger.error("alert rule skipped", metadata: ["problem": "\(error)"]) }
        if let warning = AlertsAdmin.noReceiversWarning(settings, rules: loaded.rules.count) {
            logger.warning("alerts are not sent", metadata: ["reason": "\(warning)"])
        }
        logger.info("alert dispatcher started", metadata: ["rules": "\(loaded.rules.count)", "receivers": "\(settings.receivers.count)"])
        var pipeline = AlertPipeline<C>(rules: loaded.rules, configuration: settings)
        if let saved = try store.alertState() { pipeline.restore(saved, anchor()) }
        let collector = AlertFactsCollector(store: store, drift: configuration.drift)
        let deliverer = OutboxDeliverer(store: store, configuration: settings, logger: logger)
        let watchingSince = WallClock.nowMicros()
        var nextEvaluation = clock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let anchor = anchor()
                if nextEvaluation <= clock.now {
                    let facts = try collector.collect(rules: loaded.rules, nowMicros: anchor.wallMicros, watchingSinceMicros: watchingSince)
                    pipeline.evaluate(facts, at: anchor.instant)
                    nextEvaluation = anchor.instant.advanced(by: settings.evaluationInterval)
                }
                let silences = try store.silences(activeAt: anchor.wallMicros).compactMap { try? Silence(row: $0) }
                let rows = pipeline.flush(at: anchor.instant, silences: silences, anchor: anchor)
                try store.commitAlerts(state: pipeline.snapshot(anchor), notifications: rows)
                if !rows.isEmpty { logger.info("notifications queued", metadata: ["count": "\(rows.count)"]) }
                _ = try await deliverer.deliverDue()
            } catch {
                logger.error("alert pass failed", metadata: ["error": "\(error)"])
            }
            var wake = nextEvaluation
            if let flush = pipeline.nextDeadline, flush < wake { wake = flush }
            if let due = try? store.nextNotificationDue() {
                let inWall = due - WallClock.nowMicros()
                let instant = clock.now.advanced(by: .microseconds(max(inWall, 0)))
                if instant < wake { wake = instant }
            }
            let minimum = clock.now.advanced(by: .milliseconds(50))
            if wake < minimum { wake = minimum }
            let deadline = wake
            try? await cancelWhenGracefulShutdown { try await clock.sleep(until: deadline, tolerance: nil) }
        }
    }

    func anchor() -> InstantAnchor<C> { InstantAnchor(instant: clock.now, wallMicros: WallClock.nowMicros()) }
}
