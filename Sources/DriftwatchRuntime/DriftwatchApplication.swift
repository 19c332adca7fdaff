import DriftwatchAlerts
import DriftwatchCore
import DriftwatchDrift
import DriftwatchFleet
public import DriftwatchIngest
public import DriftwatchMetrics
import DriftwatchOTLP
import DriftwatchServer
public import DriftwatchStore
public import Logging
public import ServiceLifecycle
import UnixSignals
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds what `driftwatch run` runs: one ``ServiceGroup`` with the tailer, the OTLP listener,
/// the analyzer, the drift detector, the dashboard writer, the alert dispatcher and the retention
/// pass over one store, shut down gracefully on SIGTERM or SIGINT (the tailer finishes and commits the
/// batch in progress). Kept out of the executable so tests can build and drive it.
public struct DriftwatchApplication: Sendable {
    public let configuration: DriftwatchConfiguration
    public let store: SQLiteStore
    public let ingestStats: IngestStats
    /// The sidecar's own metrics, served on `/metrics` when the listener is on.
    public let metrics: SidecarMetrics
    let logger: Logger
    /// `run --role`: a sidecar (the default) or a fleet's central view.
    public let role: Role

    public enum Role: String, Sendable, CaseIterable {
        case sidecar, central
    }

    public init(configuration: DriftwatchConfiguration, logger: Logger, role: Role = .sidecar) throws {
        self.role = role
        self.configuration = configuration
        self.logger = logger
        self.store = try SQLiteStore(path: configuration.databasePath, logger: logger)
        self.ingestStats = IngestStats()
        self.metrics = SidecarMetrics()
        metrics.buildInfo.set(1, labels: [BuildInfo.version, BuildInfo.commit])
        let receivers = configuration.alerts.enabled ? configuration.alerts.receivers.map(\.name) : []
        metrics.touch(components: RuleVocabulary.components, features: configuration.drift.detector.features.map(\.name), receivers: receivers)
        MetricsBridge.install(metrics: metrics, ingest: ingestStats, store: store, receivers: receivers, fleet: configuration.fleet.isEnabled)
    }

    /// Each source's `follow_symlinks` and `allowed_owners`, by glob pattern (a pattern in two sources: the first's).
    var admission: [String: FileAdmission] {
        var out: [String: FileAdmission] = [:]
        for source in configuration.sources {
            for pattern in source.paths where out[pattern] == nil { out[pattern] = source.admission }
        }
        return out
    }

    /// The glob patterns of every configured source.
    public var patterns: [String] { configuration.sources.flatMap(\.paths) }

    /// The glob patterns of the sources in `format` without a field mapping.
    public func patterns(_ format: DriftwatchConfiguration.LogFormat) -> [String] {
        configuration.sources.filter { $0.format == format && $0.mapping == nil }.flatMap(\.paths)
    }

    public func makeServiceGroup() throws -> ServiceGroup {
        if role == .central { return try makeCentralServiceGroup() }
        guard !patterns.isEmpty || configuration.server.listen != nil else {
            throw DriftwatchError(.invalidConfig, "nothing to ingest: add `sources:` with `paths:` globs to the configuration, pass --path GLOB, or turn on the OTLP listener (--otlp-listen 127.0.0.1:4318)")
        }
        var services: [any Service] = [
            StoreIntegrityService(path: store.path, clock: ContinuousClock(), logger: logger),
            RetentionService(
                store: store, policy: configuration.retention.policy,
                interval: .milliseconds(configuration.retention.intervalMillis), clock: ContinuousClock(), logger: logger),
        ]
        // The analyzer gets what the tailers commit handed over in memory (no read-back, no second decode);
        // rows it did not get (OTLP over HTTP, a full hand-over queue, two tailers' commits interleaved) it
        // reads from the store by row id.
        let handOver = configuration.analysis.enabled && !patterns.isEmpty ? CommittedRecordQueue() : nil
        let sink: any IngestSink = handOver.map { queue in AnalyzingIngestSink(store: store) { queue.push($0) } } ?? store
        // One tailer per line format; both commit through the same sink and publish to the same stats.
        if !patterns(.driftwatch).isEmpty {
            services.append(TailerService(patterns: patterns(.driftwatch), sink: sink, configuration: configuration.ingest, logger: logger, stats: ingestStats,
                                          admission: admission))
        }
        if !patterns(.otlpJSON).isEmpty {
            services.append(TailerService(patterns: patterns(.otlpJSON), sink: sink, configuration: configuration.ingest,
                                          logger: logger, stats: ingestStats, lineDecoder: OTLPJSONLineDecoder(), admission: admission))
        }
        // A source with `fields:` gets a tailer of its own, reading through its mapping (tailed and
        // checkpointed like any other).
        for source in configuration.sources where source.mapping != nil {
            services.append(TailerService(patterns: source.paths, sink: sink, configuration: configuration.ingest, logger: logger,
                                          stats: ingestStats, lineDecoder: BackfillRunner.lineDecoder(for: source), admission: admission))
        }
        if !patterns.isEmpty {
            services.append(SourceGlobService(sources: configuration.sources, clock: ContinuousClock(), logger: logger))
        }
        // Analysis, drift, dashboards and alerts follow the records table by row id, so they work
        // the same whether records came from files or from OTLP.
        if configuration.analysis.enabled {
            services.append(AnalyzerService(store: store, configuration: configuration.analysis, clock: ContinuousClock(), logger: logger,
                                            handOver: handOver))
        }
        services.append(DriftService(store: store, configuration: configuration, clock: ContinuousClock(), logger: logger, metrics: metrics))
        if configuration.dashboards.outputDirectory != nil {
            services.append(DashboardService(store: store, configuration: configuration, clock: ContinuousClock(), logger: logger))
        }
        if configuration.alerts.enabled && !configuration.alerts.receivers.isEmpty {
            // In a fleet, incident alerts are the central's unless fleet.local_alerts (docs/fleet.md).
            let selection: AlertRuleSelection = configuration.fleet.isEnabled && !configuration.fleet.localAlerts ? .nodeLocal : .all
            services.append(AlertDispatcherService(store: store, configuration: configuration, clock: ContinuousClock(), logger: logger,
                                                   selection: selection))
        } else if let warning = AlertsAdmin.noReceiversWarning(configuration.alerts, rules: AlertRuleLoader().load(configuration.alerts).rules.count) {
            logger.warning("alerts are not sent", metadata: ["reason": "\(warning)"])
        }
        if configuration.fleet.isEnabled {
            let shipper = FleetShipper(store: store, node: configuration.fleet.node, configuration: configuration.analysis.engine,
                                       retentionMaxAgeMicros: configuration.retention.policy.maxAgeMicros)
            services.append(FleetShipService(shipper: shipper, url: try FleetShipping.url(configuration.fleet),
                                             interval: .milliseconds(configuration.fleet.intervalMillis), clock: ContinuousClock(), logger: logger))
        }
        if let receiver = try makeReceiverConfiguration() {
            services.append(OTLPReceiverService(configuration: receiver, sink: store, journal: configuration.server.journal ? store : nil, metrics: metrics, logger: logger))
        }
        return ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
    }

    /// `run --role central`: the fleet's analysis and its incident alerts, led by one central at a time
    /// (``FleetCentralService``); the store holds the fleet's incidents and the alerting state, no records.
    func makeCentralServiceGroup() throws -> ServiceGroup {
        guard configuration.fleet.isEnabled else {
            throw DriftwatchError(.invalidConfig, "run --role central needs the fleet store: set fleet.url_env to the environment variable holding its postgres:// URL (docs/fleet.md)")
        }
        _ = try FleetShipping.url(configuration.fleet)
        let role = CentralRole()
        var services: [any Service] = [
            FleetCentralService(store: store, configuration: configuration, role: role, clock: ContinuousClock(), logger: logger),
        ]
        if configuration.alerts.enabled && !configuration.alerts.receivers.isEmpty {
            services.append(AlertDispatcherService(store: store, configuration: configuration, clock: ContinuousClock(), logger: logger,
                                                   role: role, selection: .fleetWide))
        } else if let warning = AlertsAdmin.noReceiversWarning(configuration.alerts, rules: AlertRuleLoader().load(configuration.alerts).rules.count) {
            logger.warning("alerts are not sent", metadata: ["reason": "\(warning)"])
        }
        return ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
    }

    /// Runs the service group until a shutdown signal; returns after every service has stopped.
    public func run() async throws {
        let lock = try WriterLock(database: configuration.databasePath)
        let files = DescriptorLimit.raise()
        logger.debug("open files limit", metadata: ["soft": "\(files)"])
        try await makeServiceGroup().run()
        withExtendedLifetime(lock) {}
    }

    func makeReceiverConfiguration() throws -> OTLPReceiverConfiguration? {
        guard let listen = configuration.server.listen else { return nil }
        guard let address = OTLPReceiverConfiguration.parseListenAddress(listen) else {
            throw DriftwatchError(.invalidConfig, "server.listen: expected host:port such as 127.0.0.1:4318, got \"\(listen)\"")
        }
        let settings = configuration.server
        var receiver = OTLPReceiverConfiguration(
            host: address.host, port: address.port, bearerToken: settings.bearerToken,
            maxRequestBytes: settings.maxRequestBytes,
            assembly: .init(wait: .milliseconds(settings.traceWaitMillis), maxWait: .milliseconds(settings.traceMaxWaitMillis)),
            idleTimeout: .milliseconds(settings.idleTimeoutMillis), maxConnections: settings.maxConnections)
        receiver.maxInflightBytes = settings.maxInflightBytes
        receiver.headerTimeout = .milliseconds(settings.headerTimeoutMillis)
        receiver.bodyTimeout = .milliseconds(settings.bodyTimeoutMillis)
        receiver.metricsAuth = settings.metricsAuth
        return receiver
    }
}

/// Raises the soft limit on open files to the hard limit at `run`'s start (where the system allows it, at most
/// 65,536): log files, the store, its WAL and the OTLP connections (at most `server.max_connections`) share it, and
/// a default soft limit of 1,024 is what idle clients exhausted in issue #18.
enum DescriptorLimit {
    /// The soft limit after the attempt (unchanged if it could not be raised).
    @discardableResult
    static func raise(cap: UInt64 = 65_536) -> UInt64 {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 0 }
        let target = min(UInt64(limit.rlim_max), cap)
        guard UInt64(limit.rlim_cur) < target else { return UInt64(limit.rlim_cur) }
        var raised = limit
        raised.rlim_cur = rlim_t(target)
        return setrlimit(resource, &raised) == 0 ? target : UInt64(limit.rlim_cur)
    }
}
