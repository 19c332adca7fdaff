/// One OTLP log record as the receiver needs it, flattened with the resource and scope it came under.
///
/// GenAI instrumentations emit events (`gen_ai.evaluation.result`, `gen_ai.guardrail.result`,
/// `gen_ai.client.inference.operation.details`) as log records carrying the trace and span ids of
/// the operation they describe; the receiver joins them to that trace's spans (docs/otlp-mapping.md).
public struct OTLPLogRecord: Sendable, Equatable {
    /// 16 bytes, or empty when the record was emitted outside a trace.
    public var traceID: [UInt8]
    /// 8 bytes, or empty.
    public var spanID: [UInt8]
    public var timeUnixNano: UInt64
    public var observedTimeUnixNano: UInt64
    /// `LogRecord.event_name` (OTLP 1.5); older SDKs put the name in the `event.name` attribute instead.
    public var eventName: String
    public var severityNumber: Int
    public var body: OTLPValue
    public var attributes: [OTLPAttribute]
    public var resourceAttributes: [OTLPAttribute]
    public var scopeName: String

    public init(
        traceID: [UInt8] = [], spanID: [UInt8] = [], timeUnixNano: UInt64 = 0, observedTimeUnixNano: UInt64 = 0,
        eventName: String = "", severityNumber: Int = 0, body: OTLPValue = .empty, attributes: [OTLPAttribute] = [],
        resourceAttributes: [OTLPAttribute] = [], scopeName: String = ""
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.timeUnixNano = timeUnixNano
        self.observedTimeUnixNano = observedTimeUnixNano
        self.eventName = eventName
        self.severityNumber = severityNumber
        self.body = body
        self.attributes = attributes
        self.resourceAttributes = resourceAttributes
        self.scopeName = scopeName
    }

    /// The event name: the `event_name` field, else the `event.name` attribute (the pre-1.5 place).
    public var effectiveEventName: String {
        if !eventName.isEmpty { return eventName }
        return attributes[key: "event.name"]?.stringValue ?? ""
    }

    /// What the event says, for the mapper: the attributes, then the members of a key-value body that
    /// are not attributes already (some emitters put an event's fields in the body).
    public var eventAttributes: [OTLPAttribute] {
        guard case .kvlist(let members) = body else { return attributes }
        let keys = Set(attributes.map(\.key))
        return attributes + members.filter { !keys.contains($0.key) }
    }

    /// True when the record carries a usable trace id (16 bytes, not all zero).
    public var hasTraceID: Bool { traceID.count == 16 && !traceID.allSatisfy { $0 == 0 } }

    /// The GenAI event this record is, or nil for any other log record (which the receiver ignores).
    public var genAIEvent: GenAIEventKind? { GenAIEventKind(eventName: effectiveEventName) }

    /// When the event happened: its own time, else when the SDK observed it.
    public var effectiveTimeUnixNano: UInt64 { timeUnixNano != 0 ? timeUnixNano : observedTimeUnixNano }
}

/// The GenAI events the receiver maps onto a trace's record (the rest of a service's logs are not its business).
public enum GenAIEventKind: String, Sendable, CaseIterable {
    /// `gen_ai.evaluation.result`: a validation check, or the record's feedback.
    case evaluation
    /// `gen_ai.guardrail.result`: a validation check.
    case guardrail
    /// `gen_ai.client.inference.operation.details`: model and tokens when the spans lack them.
    case inferenceDetails = "inference_details"

    public init?(eventName: String) {
        if SemanticConventions.evaluationEvents.contains(eventName) {
            self = .evaluation
        } else if SemanticConventions.guardrailEvents.contains(eventName) {
            self = .guardrail
        } else if SemanticConventions.inferenceDetailsEvents.contains(eventName) {
            self = .inferenceDetails
        } else {
            return nil
        }
    }
}

/// What one `ExportLogsServiceRequest` carried, log records flattened in order.
public struct OTLPLogsRequest: Sendable, Equatable {
    public var logRecords: [OTLPLogRecord]

    public init(logRecords: [OTLPLogRecord] = []) {
        self.logRecords = logRecords
    }
}
