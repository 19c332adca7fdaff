/// Decodes a protobuf `ExportTraceServiceRequest` (or `TracesData`, which has the same shape).
///
/// Hand-written over ``ProtobufReader`` instead of generated code: the subset is small, the field
/// numbers are stable (opentelemetry-proto `trace/v1/trace.proto`, `common/v1/common.proto`,
/// `resource/v1/resource.proto`), and every read is bounds-checked.
public struct OTLPProtobufDecoder: Sendable {
    /// Deepest nesting of attribute values (arrays and key-value lists) accepted.
    public var maxValueDepth: Int

    public init(maxValueDepth: Int = 32) {
        self.maxValueDepth = maxValueDepth
    }

    public func decode(_ bytes: [UInt8]) throws(OTLPDecodingError) -> OTLPTraceRequest {
        var request = OTLPTraceRequest()
        var r = ProtobufReader(bytes: bytes, range: 0..<bytes.count, message: "ExportTraceServiceRequest")
        while let (number, wire) = try r.nextField() {
            if number == 1 {
                try r.expect(wire, .lengthDelimited, field: "resource_spans")
                try decodeResourceSpans(bytes, try r.readLengthDelimited(), into: &request.spans)
            } else {
                try r.skip(wire)
            }
        }
        return request
    }

    /// A `ResourceSpans` / `ResourceLogs` message: the resource's attributes and the ranges of its scope messages
    /// (field 2). The resource may come after the scopes on the wire: collect first, decode the scopes after.
    func decodeResourceEnvelope(_ bytes: [UInt8], _ range: Range<Int>, message: String,
                                scopeField: String) throws(OTLPDecodingError) -> (resource: [OTLPAttribute], scopes: [Range<Int>]) {
        var r = ProtobufReader(bytes: bytes, range: range, message: message)
        var resource: [OTLPAttribute] = []
        var scopeRanges: [Range<Int>] = []
        while let (number, wire) = try r.nextField() {
            switch number {
            case 1:
                try r.expect(wire, .lengthDelimited, field: "resource")
                var rr = ProtobufReader(bytes: bytes, range: try r.readLengthDelimited(), message: "Resource")
                while let (n, w) = try rr.nextField() {
                    if n == 1 {
                        try rr.expect(w, .lengthDelimited, field: "attributes")
                        resource.append(try decodeKeyValue(bytes, try rr.readLengthDelimited(), depth: 0))
                    } else {
                        try rr.skip(w)
                    }
                }
            case 2:
                try r.expect(wire, .lengthDelimited, field: scopeField)
                scopeRanges.append(try r.readLengthDelimited())
            default:
                try r.skip(wire)
            }
        }
        return (resource, scopeRanges)
    }

    private func decodeResourceSpans(_ bytes: [UInt8], _ range: Range<Int>, into spans: inout [OTLPSpan]) throws(OTLPDecodingError) {
        let (resource, scopeRanges) = try decodeResourceEnvelope(bytes, range, message: "ResourceSpans", scopeField: "scope_spans")
        for scope in scopeRanges {
            try decodeScopeSpans(bytes, scope, resource: resource, into: &spans)
        }
    }

    private func decodeScopeSpans(_ bytes: [UInt8], _ range: Range<Int>, resource: [OTLPAttribute], into spans: inout [OTLPSpan]) throws(OTLPDecodingError) {
        var r = ProtobufReader(bytes: bytes, range: range, message: "ScopeSpans")
        var scopeName = ""
        let first = spans.count
        while let (number, wire) = try r.nextField() {
            switch number {
            case 1:
                try r.expect(wire, .lengthDelimited, field: "scope")
                var sr = ProtobufReader(bytes: bytes, range: try r.readLengthDelimited(), message: "InstrumentationScope")
                while let (n, w) = try sr.nextField() {
                    if n == 1 {
                        try sr.expect(w, .lengthDelimited, field: "name")
                        scopeName = try sr.readString()
                    } else {
                        try sr.skip(w)
                    }
                }
            case 2:
                try r.expect(wire, .lengthDelimited, field: "spans")
                var span = try decodeSpan(bytes, try r.readLengthDelimited())
                span.resourceAttributes = resource
                spans.append(span)
            default:
                try r.skip(wire)
            }
        }
        if !scopeName.isEmpty {
            for i in first..<spans.count { spans[i].scopeName = scopeName }
        }
    }

    private func decodeSpan(_ bytes: [UInt8], _ range: Range<Int>) throws(OTLPDecodingError) -> OTLPSpan {
        var r = ProtobufReader(bytes: bytes, range: range, message: "Span")
        var span = OTLPSpan()
        while let (number, wire) = try r.nextField() {
            switch number {
            case 1:
                try r.expect(wire, .lengthDelimited, field: "trace_id")
                span.traceID = try r.readBytes()
            case 2:
                try r.expect(wire, .lengthDelimited, field: "span_id")
                span.spanID = try r.readBytes()
            case 4:
                try r.expect(wire, .lengthDelimited, field: "parent_span_id")
                span.parentSpanID = try r.readBytes()
            case 5:
                try r.expect(wire, .lengthDelimited, field: "name")
                span.name = try r.readString()
            case 6:
                try r.expect(wire, .varint, field: "kind")
                span.kind = Int(truncatingIfNeeded: try r.readVarint())
            case 7:
                try r.expect(wire, .fixed64, field: "start_time_unix_nano")
                span.startTimeUnixNano = try r.readFixed64()
            case 8:
                try r.expect(wire, .fixed64, field: "end_time_unix_nano")
                span.endTimeUnixNano = try r.readFixed64()
            case 9:
                try r.expect(wire, .lengthDelimited, field: "attributes")
                span.attributes.append(try decodeKeyValue(bytes, try r.readLengthDelimited(), depth: 0))
            case 11:
                try r.expect(wire, .lengthDelimited, field: "events")
                span.events.append(try decodeEvent(bytes, try r.readLengthDelimited()))
            case 15:
                try r.expect(wire, .lengthDelimited, field: "status")
                var sr = ProtobufReader(bytes: bytes, range: try r.readLengthDelimited(), message: "Status")
                while let (n, w) = try sr.nextField() {
                    switch n {
                    case 2:
                        try sr.expect(w, .lengthDelimited, field: "message")
                        span.status.message = try sr.readString()
                    case 3:
                        try sr.expect(w, .varint, field: "code")
                        span.status.code = Int(truncatingIfNeeded: try sr.readVarint())
                    default:
                        try sr.skip(w)
                    }
                }
            default:
                try r.skip(wire)
            }
        }
        return span
    }

    private func decodeEvent(_ bytes: [UInt8], _ range: Range<Int>) throws(OTLPDecodingError) -> OTLPEvent {
        var r = ProtobufReader(bytes: bytes, range: range, message: "Span.Event")
        var event = OTLPEvent()
        while let (number, wire) = try r.nextField() {
            switch number {
            case 1:
                try r.expect(wire, .fixed64, field: "time_unix_nano")
                event.timeUnixNano = try r.readFixed64()
            case 2:
                try r.expect(wire, .lengthDelimited, field: "name")
                event.name = try r.readString()
            case 3:
                try r.expect(wire, .lengthDelimited, field: "attributes")
                event.attributes.append(try decodeKeyValue(bytes, try r.readLengthDelimited(), depth: 0))
            default:
                try r.skip(wire)
            }
        }
        return event
    }

    func decodeKeyValue(_ bytes: [UInt8], _ range: Range<Int>, depth: Int) throws(OTLPDecodingError) -> OTLPAttribute {
        var r = ProtobufReader(bytes: bytes, range: range, message: "KeyValue")
        var kv = OTLPAttribute(key: "", value: .empty)
        while let (number, wire) = try r.nextField() {
            switch number {
            case 1:
                try r.expect(wire, .lengthDelimited, field: "key")
                kv.key = try r.readString()
            case 2:
                try r.expect(wire, .lengthDelimited, field: "value")
                kv.value = try decodeAnyValue(bytes, try r.readLengthDelimited(), depth: depth)
            default:
                try r.skip(wire)
            }
        }
        return kv
    }

    func decodeAnyValue(_ bytes: [UInt8], _ range: Range<Int>, depth: Int) throws(OTLPDecodingError) -> OTLPValue {
        guard depth < maxValueDepth else {
            throw OTLPDecodingError(.tooDeep, "AnyValue: nested deeper than \(maxValueDepth) levels at byte \(range.lowerBound)")
        }
        var r = ProtobufReader(bytes: bytes, range: range, message: "AnyValue")
        var value = OTLPValue.empty
        while let (number, wire) = try r.nextField() {
            switch number {
            case 1:
                try r.expect(wire, .lengthDelimited, field: "string_value")
                value = .string(try r.readString())
            case 2:
                try r.expect(wire, .varint, field: "bool_value")
                value = .bool(try r.readVarint() != 0)
            case 3:
                try r.expect(wire, .varint, field: "int_value")
                value = .int(Int64(bitPattern: try r.readVarint()))
            case 4:
                try r.expect(wire, .fixed64, field: "double_value")
                value = .double(Double(bitPattern: try r.readFixed64()))
            case 5, 6:
                try r.expect(wire, .lengthDelimited, field: number == 5 ? "array_value" : "kvlist_value")
                var lr = ProtobufReader(bytes: bytes, range: try r.readLengthDelimited(), message: number == 5 ? "ArrayValue" : "KeyValueList")
                var items: [OTLPValue] = []
                var pairs: [OTLPAttribute] = []
                while let (n, w) = try lr.nextField() {
                    if n == 1 {
                        try lr.expect(w, .lengthDelimited, field: "values")
                        let sub = try lr.readLengthDelimited()
                        if number == 5 {
                            items.append(try decodeAnyValue(bytes, sub, depth: depth + 1))
                        } else {
                            pairs.append(try decodeKeyValue(bytes, sub, depth: depth + 1))
                        }
                    } else {
                        try lr.skip(w)
                    }
                }
                value = number == 5 ? .array(items) : .kvlist(pairs)
            case 7:
                try r.expect(wire, .lengthDelimited, field: "bytes_value")
                value = .bytes(try r.readBytes())
            default:
                try r.skip(wire)
            }
        }
        return value
    }
}
