import DriftwatchAnalysis
import DriftwatchCore
import DriftwatchFleet
public import DriftwatchStore
import Foundation
public import Logging
public import ServiceLifecycle

/// `run --role central`: every `fleet.interval`, takes or renews the central lease in PostgreSQL; while it holds it,
/// re-analyses the fleet's merged state when a node shipped since the last pass and replaces the central store's
/// incidents with the result (one transaction), so the alert dispatcher beside it alerts once per fleet. Without
/// the lease it stands by and takes over when the leader's lease expires (docs/fleet.md).
///
/// On taking the role it starts from the alert state the previous leader stored in PostgreSQL (what it had notified
/// and delivered), and leads only once the first analysis is in the store, so a successor neither repeats the
/// leader's notifications nor resolves alerts for want of incidents.
public struct FleetCentralService<C: Clock>: Service where C.Duration == Duration {
    let store: SQLiteStore
    let configuration: DriftwatchConfiguration
    let role: CentralRole
    let clock: C
    let logger: Logger
    /// This process's name on the lease: the node name, the process id and a random suffix (a restarted central is
    /// another holder and waits for its predecessor's lease to expire).
    public let holder: String

    public init(store: SQLiteStore, configuration: DriftwatchConfiguration, role: CentralRole, clock: C, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.role = role
        self.clock = clock
        self.logger = logger
        holder = "\(configuration.fleet.node)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8).lowercased())"
    }

    public func run() async throws {
        let url = try FleetShipping.url(configuration.fleet)
        let ttl = Duration.milliseconds(configuration.fleet.leaseTTLMillis)
        let interval = Duration.milliseconds(configuration.fleet.intervalMillis)
        try await FleetStore.withStore(url: url, logger: logger) { fleet in
            var state = PassState()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    // The lease within half its length: a renewal that fails or hangs leaves time to stop leading
                    // before the lease could pass to another central.
                    let before = state
                    state = try await withTimeout(ttl / 2, what: "renewing the central lease at \(url.endpoint)") {
                        try await lease(fleet, before, ttl: ttl)
                    }
                    if !state.standingBy {
                        // The analysis is not bounded by the lease (a long history takes longer); the lease is renewed
                        // after it, before this process leads or publishes.
                        let leased = state
                        state = try await withTimeout(.seconds(300), what: "analysing the fleet at \(url.endpoint)") {
                            try await analyseAndLead(fleet, leased, ttl: ttl)
                        }
                    }
                } catch {
                    logger.warning("central pass failed; retrying", metadata: ["error": "\(error)"])
                    if role.term != nil, state.renewedAt.map({ $0.duration(to: .now) >= ttl / 2 }) ?? true {
                        logger.warning("the central lease may have lapsed; standing by until it is renewed", metadata: ["holder": "\(holder)"])
                        role.standBy()
                        state.analysedShipments = nil
                    }
                }
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            }
            // A graceful stop hands the role over at once: the last delivered alert state, then the lease.
            if role.term != nil {
                _ = try? await withTimeout(.seconds(5), what: "releasing the central lease") {
                    if let state = role.takePublished() { _ = try await fleet.publishAlertState(state, holder: holder) }
                    try await fleet.releaseLease(holder: holder)
                }
                role.standBy()
            }
        }
    }

    struct PassState: Sendable {
        var migrated = false
        /// The nodes' shipment count the central store's incidents were analysed at; nil: not analysed this term.
        var analysedShipments: Int64?
        var standingBy = false
        /// When the lease was last taken or renewed.
        var renewedAt: ContinuousClock.Instant?
        /// The alert state this process last stored in PostgreSQL: when the shared state is still that one, the
        /// central store's own state is as new or newer (notifications in its outbox), and is kept.
        var lastPublished: String?
    }

    /// The lease: taken or renewed, or standing by.
    func lease(_ fleet: FleetStore, _ before: PassState, ttl: Duration) async throws -> PassState {
        var s = before
        if !s.migrated {
            try await fleet.migrate()
            s.migrated = true
        }
        guard try await fleet.acquireLease(holder: holder, ttl: ttl) else {
            if role.term != nil { logger.warning("lost the central lease; standing by", metadata: ["holder": "\(holder)"]) }
            if role.term != nil || !s.standingBy {
                let current = try await fleet.leaseHolder()
                logger.notice("standing by: another central holds the lease", metadata: ["leader": "\(current?.holder ?? "-")"])
            }
            role.standBy()
            s.standingBy = true
            s.analysedShipments = nil
            return s
        }
        s.standingBy = false
        s.renewedAt = .now
        return s
    }

    /// Holding the lease: the predecessor's alert state, the analysis when something was shipped, the role, the
    /// alert state to publish.
    func analyseAndLead(_ fleet: FleetStore, _ before: PassState, ttl: Duration) async throws -> PassState {
        var s = before
        if role.term == nil && s.analysedShipments == nil {
            // The predecessor's notified state first: its alerts are not sent again.
            if let state = try await fleet.sharedAlertState(), state != s.lastPublished {
                try store.commitAlerts(state: state, notifications: [])
            }
        }
        let shipments = try await fleet.shipmentCount()
        if shipments != s.analysedShipments {
            try await analyse(fleet)
            s.analysedShipments = shipments
        }
        if role.term == nil {
            // Lead only on a fresh lease: the analysis may have taken a while.
            guard try await fleet.acquireLease(holder: holder, ttl: ttl) else { return s }
            s.renewedAt = .now
            role.lead()
            logger.notice("took the central role", metadata: ["holder": "\(holder)"])
        }
        if let state = role.takePublished(), try await fleet.publishAlertState(state, holder: holder) { s.lastPublished = state }
        return s
    }

    /// Folds the merged state and replaces the central store's incidents; open ones name their nodes.
    func analyse(_ fleet: FleetStore) async throws {
        let engine = configuration.analysis.engine
        let merge = try await FleetMerge.read(fleet, configuration: engine)
        var incidents = try FleetAnalysis.incidents(merge, configuration: engine)
        var open = incidents.filter { $0.status == .open && $0.parentID == nil }
        try await FleetIncidentNodes.annotate(&open, fleet: fleet, nodes: merge.nodes.map(\.node), bucketMicros: engine.bucketMicros)
        let byID = Dictionary(open.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        incidents = incidents.map { byID[$0.id] ?? $0 }
        try store.replaceIncidents(try incidents.map(AnalysisPersistence.row))
        logger.debug("fleet analysed", metadata: ["nodes": "\(merge.nodes.count)", "buckets": "\(merge.buckets.count)", "incidents": "\(incidents.count)"])
    }
}
