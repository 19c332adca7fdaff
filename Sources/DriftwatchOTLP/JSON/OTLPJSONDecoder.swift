/// Decodes an OTLP/JSON `ExportTraceServiceRequest`: lowerCamelCase names (snake_case accepted too),
/// hex trace and span ids, 64-bit integers as strings or numbers, enums as integers or names.
public struct OTLPJSONDecoder: Sendable {
    /// Deepest JSON nesting accepted; attribute values can nest without end otherwise.
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    public func decode(_ bytes: [UInt8]) throws(OTLPDecodingError) -> OTLPTraceRequest {
        let root = try JSONParser.parse(bytes, maxDepth: maxDepth)
        guard case .object = root else {
            throw OTLPDecodingError(.wrongType, "ExportTraceServiceRequest: expected an object, got \(root.typeName)")
        }
        var request = OTLPTraceRequest()
        for (i, rs) in try array(root["resourceSpans", or: "resource_spans"], "resourceSpans").enumerated() {
            let path = "resourceSpans[\(i)]"
            let resource = try attributes(rs["resource"]?["attributes"], "\(path).resource.attributes")
            for (j, ss) in try array(rs["scopeSpans", or: "scope_spans"], "\(path).scopeSpans").enumerated() {
                let spath = "\(path).scopeSpans[\(j)]"
                let scopeName = try string(ss["scope"]?["name"], "\(spath).scope.name") ?? ""
                for (k, s) in try array(ss["spans"], "\(spath).spans").enumerated() {
                    var span = try decodeSpan(s, "\(spath).spans[\(k)]")
                    span.resourceAttributes = resource
                    span.scopeName = scopeName
                    request.spans.append(span)
                }
            }
        }
        return request
    }

    private func decodeSpan(_ v: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPSpan {
        guard case .object = v else { throw OTLPDecodingError(.wrongType, "\(path): expected an object, got \(v.typeName)") }
        var span = OTLPSpan()
        span.traceID = try id(v["traceId", or: "trace_id"], "\(path).traceId")
        span.spanID = try id(v["spanId", or: "span_id"], "\(path).spanId")
        span.parentSpanID = try id(v["parentSpanId", or: "parent_span_id"], "\(path).parentSpanId")
        span.name = try string(v["name"], "\(path).name") ?? ""
        span.kind = try enumValue(v["kind"], "\(path).kind", names: ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"])
        span.startTimeUnixNano = try uint64(v["startTimeUnixNano", or: "start_time_unix_nano"], "\(path).startTimeUnixNano")
        span.endTimeUnixNano = try uint64(v["endTimeUnixNano", or: "end_time_unix_nano"], "\(path).endTimeUnixNano")
        span.attributes = try attributes(v["attributes"], "\(path).attributes")
        for (i, e) in try array(v["events"], "\(path).events").enumerated() {
            let epath = "\(path).events[\(i)]"
            span.events.append(OTLPEvent(
                timeUnixNano: try uint64(e["timeUnixNano", or: "time_unix_nano"], "\(epath).timeUnixNano"),
                name: try string(e["name"], "\(epath).name") ?? "",
                attributes: try attributes(e["attributes"], "\(epath).attributes")
            ))
        }
        if let status = v["status"], status != .null {
            span.status.code = try enumValue(status["code"], "\(path).status.code", names: ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"])
            span.status.message = try string(status["message"], "\(path).status.message") ?? ""
        }
        return span
    }

    func attributes(_ v: JSONValue?, _ path: String) throws(OTLPDecodingError) -> [OTLPAttribute] {
        var out: [OTLPAttribute] = []
        for (i, kv) in try array(v, path).enumerated() {
            guard case .object = kv else { throw OTLPDecodingError(.wrongType, "\(path)[\(i)]: expected an object, got \(kv.typeName)") }
            let key = try string(kv["key"], "\(path)[\(i)].key") ?? ""
            out.append(OTLPAttribute(key: key, value: try anyValue(kv["value"], "\(path)[\(i)].value")))
        }
        return out
    }

    func anyValue(_ v: JSONValue?, _ path: String) throws(OTLPDecodingError) -> OTLPValue {
        guard let v, v != .null else { return .empty }
        guard case .object(let members) = v else { throw OTLPDecodingError(.wrongType, "\(path): expected an AnyValue object, got \(v.typeName)") }
        guard let (key, inner) = members.first else { return .empty }
        switch key {
        case "stringValue", "string_value":
            return .string(try string(inner, "\(path).stringValue") ?? "")
        case "boolValue", "bool_value":
            guard case .bool(let b) = inner else { throw OTLPDecodingError(.wrongType, "\(path).boolValue: expected a boolean, got \(inner.typeName)") }
            return .bool(b)
        case "intValue", "int_value":
            switch inner {
            case .number(let text), .string(let text):
                guard let i = Int64(text) else { throw OTLPDecodingError(.invalidValue, "\(path).intValue: \"\(text)\" is not a 64-bit integer") }
                return .int(i)
            default:
                throw OTLPDecodingError(.wrongType, "\(path).intValue: expected an integer or a string, got \(inner.typeName)")
            }
        case "doubleValue", "double_value":
            switch inner {
            case .number(let text), .string(let text):
                guard let d = Double(text) else { throw OTLPDecodingError(.invalidValue, "\(path).doubleValue: \"\(text)\" is not a number") }
                return .double(d)
            default:
                throw OTLPDecodingError(.wrongType, "\(path).doubleValue: expected a number, got \(inner.typeName)")
            }
        case "bytesValue", "bytes_value":
            guard case .string(let text) = inner, let data = Base64.decode(text) else {
                throw OTLPDecodingError(.invalidValue, "\(path).bytesValue: expected base64 text")
            }
            return .bytes(data)
        case "arrayValue", "array_value":
            var items: [OTLPValue] = []
            for (i, item) in try array(inner["values"], "\(path).arrayValue.values").enumerated() {
                items.append(try anyValue(item, "\(path).arrayValue.values[\(i)]"))
            }
            return .array(items)
        case "kvlistValue", "kvlist_value":
            return .kvlist(try attributes(inner["values"], "\(path).kvlistValue.values"))
        default:
            return .empty
        }
    }

    func array(_ v: JSONValue?, _ path: String) throws(OTLPDecodingError) -> [JSONValue] {
        switch v {
        case nil, .null?: return []
        case .array(let items)?: return items
        case let other?: throw OTLPDecodingError(.wrongType, "\(path): expected an array, got \(other.typeName)")
        }
    }

    func string(_ v: JSONValue?, _ path: String) throws(OTLPDecodingError) -> String? {
        switch v {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw OTLPDecodingError(.wrongType, "\(path): expected a string, got \(other.typeName)")
        }
    }

    func id(_ v: JSONValue?, _ path: String) throws(OTLPDecodingError) -> [UInt8] {
        guard let text = try string(v, path), !text.isEmpty else { return [] }
        guard let bytes = HexID.decode(text) else {
            throw OTLPDecodingError(.invalidValue, "\(path): \"\(text.prefix(40))\" is not hex")
        }
        return bytes
    }

    func uint64(_ v: JSONValue?, _ path: String) throws(OTLPDecodingError) -> UInt64 {
        switch v {
        case nil, .null?: return 0
        case .number(let text)?, .string(let text)?:
            if let u = UInt64(text) { return u }
            // Some encoders write large integers in exponent form.
            if let d = Double(text), d >= 0, d < 1.8e19 { return UInt64(d) }
            throw OTLPDecodingError(.invalidValue, "\(path): \"\(text.prefix(40))\" is not an unsigned 64-bit integer")
        case let other?:
            throw OTLPDecodingError(.wrongType, "\(path): expected an integer or a string, got \(other.typeName)")
        }
    }

    func enumValue(_ v: JSONValue?, _ path: String, names: [String]) throws(OTLPDecodingError) -> Int {
        switch v {
        case nil, .null?: return 0
        case .number(let text)?:
            guard let i = Int(text) else { throw OTLPDecodingError(.invalidValue, "\(path): \(text) is not an integer") }
            return i
        case .string(let s)?:
            if let i = names.firstIndex(of: s) { return i }
            if let i = Int(s) { return i }
            throw OTLPDecodingError(.invalidValue, "\(path): expected one of \(names.joined(separator: ", ")), got \"\(s.prefix(40))\"")
        case let other?:
            throw OTLPDecodingError(.wrongType, "\(path): expected an integer, got \(other.typeName)")
        }
    }
}
