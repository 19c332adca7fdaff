/// One span as the mapper needs it, flattened with the resource and scope it came under.
public struct OTLPSpan: Sendable, Equatable {
    /// 16 bytes; all spans of a trace share it.
    public var traceID: [UInt8]
    /// 8 bytes.
    public var spanID: [UInt8]
    /// Empty for a root span.
    public var parentSpanID: [UInt8]
    public var name: String
    /// `SpanKind` as its wire number (0 unspecified ... 5 consumer).
    public var kind: Int
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64
    public var attributes: [OTLPAttribute]
    public var events: [OTLPEvent]
    public var status: OTLPStatus
    /// Attributes of the resource that emitted the span (`service.name`, ...).
    public var resourceAttributes: [OTLPAttribute]
    /// Name of the instrumentation scope, e.g. `openinference.instrumentation.openai`.
    public var scopeName: String

    public init(
        traceID: [UInt8] = [], spanID: [UInt8] = [], parentSpanID: [UInt8] = [], name: String = "", kind: Int = 0,
        startTimeUnixNano: UInt64 = 0, endTimeUnixNano: UInt64 = 0, attributes: [OTLPAttribute] = [],
        events: [OTLPEvent] = [], status: OTLPStatus = OTLPStatus(), resourceAttributes: [OTLPAttribute] = [],
        scopeName: String = ""
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.attributes = attributes
        self.events = events
        self.status = status
        self.resourceAttributes = resourceAttributes
        self.scopeName = scopeName
    }

    /// True when the span has no parent (an empty or all-zero parent id).
    public var isRoot: Bool { parentSpanID.allSatisfy { $0 == 0 } }

    /// Duration in milliseconds; zero when the end precedes the start.
    public var durationMs: Double {
        endTimeUnixNano >= startTimeUnixNano ? Double(endTimeUnixNano - startTimeUnixNano) / 1_000_000 : 0
    }
}

/// A time-stamped annotation on a span (`gen_ai.evaluation.result`, exceptions, ...).
public struct OTLPEvent: Sendable, Equatable {
    public var timeUnixNano: UInt64
    public var name: String
    public var attributes: [OTLPAttribute]

    public init(timeUnixNano: UInt64 = 0, name: String = "", attributes: [OTLPAttribute] = []) {
        self.timeUnixNano = timeUnixNano
        self.name = name
        self.attributes = attributes
    }
}

/// A span's final status.
public struct OTLPStatus: Sendable, Equatable {
    /// Wire values of `Status.StatusCode`.
    public static let unset = 0
    public static let ok = 1
    public static let error = 2

    public var code: Int
    public var message: String

    public init(code: Int = OTLPStatus.unset, message: String = "") {
        self.code = code
        self.message = message
    }
}

/// What one `ExportTraceServiceRequest` carried, spans flattened in order.
public struct OTLPTraceRequest: Sendable, Equatable {
    public var spans: [OTLPSpan]

    public init(spans: [OTLPSpan] = []) {
        self.spans = spans
    }
}
