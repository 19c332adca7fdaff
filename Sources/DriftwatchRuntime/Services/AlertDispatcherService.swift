import DriftwatchAlerts
import DriftwatchCore
public import DriftwatchStore
public import Logging
public import ServiceLifecycle

/// Evaluates the alert rules on an interval, routes and groups the alerts, writes the notifications to the
/// outbox together with the alerting state (one transaction), and delivers due outbox rows with retries.
/// Rules sleep until the next evaluation or group flush; delivery runs beside them (`OutboxDeliveryLoop`).
public struct AlertDispatcherService<C: Clock>: Service where C.Duration == Duration, C.Instant: Sendable {
    let store: SQLiteStore
    let configuration: DriftwatchConfiguration
    let clock: C
    let logger: Logger
    /// Under `run --role central`: passes run only while this process leads the fleet.
    let role: CentralRole?
    let selection: AlertRuleSelection

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration, clock: C, logger: Logger,
                role: CentralRole? = nil, selection: AlertRuleSelection = .all) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.role = role
        self.selection = selection
    }

    public func run() async throws {
        let settings = configuration.alerts
        var loaded = AlertRuleLoader().load(settings)
        loaded.rules = loaded.rules.filter(selection.includes)
        for error in loaded.errors { logger.error("alert rule skipped", metadata: ["problem": "\(error)"]) }
        if let warning = AlertsAdmin.noReceiversWarning(settings, rules: loaded.rules.count) {
            logger.warning("alerts are not sent", metadata: ["reason": "\(warning)"])
        }
        logger.info("alert dispatcher started", metadata: ["rules": "\(loaded.rules.count)", "receivers": "\(settings.receivers.count)"])
        var pipeline = AlertPipeline<C>(rules: loaded.rules, configuration: settings)
        if let saved = try store.alertState() { pipeline.restore(saved, anchor()) }
        let restored = pipeline
        let collector = AlertFactsCollector(store: store, drift: configuration.drift)
        let deliverer = OutboxDeliverer(store: store, configuration: settings, logger: logger)
        let delivery = OutboxDeliveryLoop(deliverer: deliverer, store: store, clock: clock, logger: logger,
                                          poll: min(settings.evaluationInterval, .seconds(1)), isActive: { [role] in role == nil || role?.term != nil })
        // Delivery runs beside evaluation, not inside it (issue 18, item 13): a hanging receiver holds up neither
        // the rules nor the other receivers. Both loops end at graceful shutdown.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await delivery.run() }
            try await evaluate(loaded.rules, pipeline: restored, collector: collector)
            try await group.waitForAll()
        }
    }

    /// Evaluates the rules and queues notifications until graceful shutdown.
    private func evaluate(_ rules: [AlertRule], pipeline start: AlertPipeline<C>, collector: AlertFactsCollector) async throws {
        let settings = configuration.alerts
        var pipeline = start
        let watchingSince = WallClock.nowMicros()
        var nextEvaluation = clock.now
        var term: Int?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let role {
                // A standby central sends nothing; a new term starts from the alert state the central service put in
                // the store (the previous leader's).
                guard let current = role.term else {
                    term = nil
                    try? await cancelWhenGracefulShutdown { try await clock.sleep(for: .milliseconds(250)) }
                    continue
                }
                if current != term {
                    pipeline = AlertPipeline<C>(rules: rules, configuration: settings)
                    if let saved = try? store.alertState() { pipeline.restore(saved, anchor()) }
                    nextEvaluation = clock.now
                    term = current
                }
            }
            do {
                let anchor = anchor()
                if nextEvaluation <= clock.now {
                    let facts = try collector.collect(rules: rules, nowMicros: anchor.wallMicros, watchingSinceMicros: watchingSince)
                    pipeline.evaluate(facts, at: anchor.instant)
                    nextEvaluation = anchor.instant.advanced(by: settings.evaluationInterval)
                }
                let silences = try store.silences(activeAt: anchor.wallMicros).compactMap { try? Silence(row: $0) }
                let rows = pipeline.flush(at: anchor.instant, silences: silences, anchor: anchor)
                try store.commitAlerts(state: pipeline.snapshot(anchor), notifications: rows)
                if !rows.isEmpty { logger.info("notifications queued", metadata: ["count": "\(rows.count)"]) }
                // A state whose notifications are all delivered is what a successor may start from.
                if let role, let term, try store.nextNotificationDue() == nil { role.publish(pipeline.snapshot(anchor), term: term) }
            } catch {
                logger.error("alert pass failed", metadata: ["error": "\(error)"])
            }
            var wake = nextEvaluation
            if let flush = pipeline.nextDeadline, flush < wake { wake = flush }
            let minimum = clock.now.advanced(by: .milliseconds(50))
            if wake < minimum { wake = minimum }
            let deadline = wake
            try? await cancelWhenGracefulShutdown { try await clock.sleep(until: deadline, tolerance: nil) }
        }
    }

    func anchor() -> InstantAnchor<C> { InstantAnchor(instant: clock.now, wallMicros: WallClock.nowMicros()) }
}
