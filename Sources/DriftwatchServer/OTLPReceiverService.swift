public import DriftwatchCore
public import DriftwatchMetrics
import DriftwatchOTLP
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import ServiceLifecycle

/// The sidecar's HTTP face: OTLP/HTTP traces and GenAI event logs in (`POST /v1/traces`, `POST /v1/logs`), Prometheus metrics out
/// (`GET /metrics`), and `GET /healthz`. Run it in the runtime's `ServiceGroup`.
///
/// On graceful shutdown the server stops accepting, in-flight requests finish, and every pending
/// trace is flushed to the sink before `run()` returns.
public struct OTLPReceiverService: Service {
    public let configuration: OTLPReceiverConfiguration
    private let sink: any IngestSink
    private let journal: (any SpanJournal)?
    private let metrics: SidecarMetrics
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - journal: where acknowledged requests are kept until their traces are stored (the SQLite
    ///     store under `run`); without one, a 200 means the spans are held in memory only.
    ///   - onListening: called with the bound port once the server accepts connections (useful with port 0).
    public init(
        configuration: OTLPReceiverConfiguration,
        sink: any IngestSink,
        journal: (any SpanJournal)? = nil,
        metrics: SidecarMetrics,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.sink = sink
        self.journal = journal
        self.metrics = metrics
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let pipeline = OTLPIngestPipeline(configuration: configuration, sink: sink, journal: journal, metrics: metrics, logger: logger)
        try pipeline.replayJournal()
        let handler = OTLPExportHandler(configuration: configuration, pipeline: pipeline, metrics: metrics,
                                        budget: InflightBudget(limit: configuration.maxInflightBytes))
        let metrics = self.metrics
        let router = Router(context: BasicRequestContext.self)
        router.post("/v1/traces") { request, _ in await handler.handle(request) }
        var logsHandler = handler
        logsHandler.signal = .logs
        router.post("/v1/logs") { [logsHandler] request, _ in await logsHandler.handle(request) }
        let metricsToken = configuration.metricsAuth ? configuration.bearerToken : nil
        router.get("/metrics") { request, _ in
            if let metricsToken {
                guard let header = request.headers[.authorization], OTLPExportHandler.bearerMatches(header, token: metricsToken) else {
                    return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer", .contentType: "text/plain"],
                                    body: .init(byteBuffer: ByteBuffer(string: "missing or wrong bearer token (server.metrics_auth is on)\n")))
                }
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render()))
            )
        }
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        let logger = self.logger
        let onListening = self.onListening
        let app = Application(
            router: router,
            server: HTTPServerBuilder { [configuration, metrics] responder in
                DeadlineHTTP1Channel(responder: responder, configuration: .init(idleTimeout: Self.timeAmount(configuration.idleTimeout)),
                                     headerTimeout: Self.timeAmount(configuration.headerTimeout),
                                     bodyTimeout: Self.timeAmount(configuration.bodyTimeout),
                                     onClose: { reason in metrics.otlpConnectionsClosed.increment(labels: [reason.rawValue]) })
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "driftwatch",
                                 availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("OTLP receiver listening", metadata: ["port": "\(port)"])
                await onListening(port)
            },
            logger: logger
        )
        let address = "\(configuration.host):\(configuration.port)"
        // `waitForAll` would wait for the flush loop (until shutdown) before reporting the server's failure: a port
        // already taken must stop `run` at once, loudly, not leave it tailing without a listener.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await app.run()
                } catch {
                    logger.error("OTLP receiver cannot serve on \(address): \(error)", metadata: ["address": "\(address)"])
                    throw OTLPReceiverError(address: address, underlying: error)
                }
                return true
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await pipeline.runFlushLoop() }
                return false
            }
            // The server returned (shutdown, or it never bound): nothing more will arrive to flush on a timer.
            if try await group.next() == true { group.cancelAll() }
            try await group.waitForAll()
        }
        pipeline.flushAll()
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}

/// The receiver could not serve, e.g. its port is taken: names the address and why.
public struct OTLPReceiverError: Error, CustomStringConvertible {
    public var address: String
    public var underlying: any Error

    public var description: String {
        "the OTLP receiver cannot listen on \(address): \(underlying) (is another process using that port? set server.listen or --otlp-listen to a free one)"
    }
}
