public import DriftwatchOTLP

/// Settings of the OTLP/HTTP receiver (`driftwatch run --otlp-listen`, or the config file).
public struct OTLPReceiverConfiguration: Sendable {
    /// Loopback by default: the receiver is for a sidecar's neighbours, not the network.
    public var host: String
    /// 4318 is the OTLP/HTTP default; 0 picks a free port (tests).
    public var port: Int
    /// When set, requests must carry `Authorization: Bearer <token>`.
    public var bearerToken: String?
    /// Largest request body accepted as sent (compressed), in bytes.
    public var maxRequestBytes: Int
    /// Largest body accepted after gzip decompression, in bytes.
    public var maxDecompressedBytes: Int
    /// How spans of one trace are joined before the record is written.
    public var assembly: TraceAssembler<ContinuousClock>.Configuration
    public var mapping: OTLPMappingConfiguration
    /// Longest sleep of the flush loop; deadlines sooner than this are honoured exactly.
    public var flushInterval: Duration

    /// A connection with nothing parsed for this long is closed: an idle keep-alive, or a client stalled mid-body.
    public var idleTimeout: Duration
    /// A request's head must be complete this long after its first byte (a client dribbling headers is cut off).
    public var headerTimeout: Duration = .seconds(10)
    /// A request's body must be complete this long after its head (a client dribbling a body is cut off).
    public var bodyTimeout: Duration = .seconds(60)
    /// Connections accepted at once; more wait in the listen backlog.
    public var maxConnections: Int
    /// Request bodies held in memory across all connections at once; beyond it a request gets 503 (retried).
    public var maxInflightBytes: Int = 64 << 20
    /// `GET /metrics` requires `Authorization: Bearer <bearerToken>` too (else 401); `/healthz` stays open for probes.
    public var metricsAuth = false

    public init(
        host: String = "127.0.0.1",
        port: Int = 4318,
        bearerToken: String? = nil,
        maxRequestBytes: Int = 4 * 1024 * 1024,
        maxDecompressedBytes: Int = 32 * 1024 * 1024,
        assembly: TraceAssembler<ContinuousClock>.Configuration = .init(),
        mapping: OTLPMappingConfiguration = OTLPMappingConfiguration(),
        flushInterval: Duration = .milliseconds(250),
        idleTimeout: Duration = .seconds(30),
        maxConnections: Int = 256
    ) {
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.host = host
        self.port = port
        self.bearerToken = bearerToken
        self.maxRequestBytes = maxRequestBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.assembly = assembly
        self.mapping = mapping
        self.flushInterval = flushInterval
    }

    /// Parses `host:port` (or `[v6]:port`) as given to `--otlp-listen`.
    public static func parseListenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
