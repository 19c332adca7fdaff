extension OTLPLogRecord {
    /// The record as one JSON object (hex ids, nanosecond times as strings, attributes as an object), for
    /// a dead letter's raw bytes: what `driftwatch dead-letters` shows of a GenAI event that joined no trace.
    public func canonicalJSON() -> [UInt8] {
        var out: [UInt8] = []
        out += Array("{\"trace_id\":".utf8)
        Self.appendString(HexID.encode(traceID), to: &out)
        out += Array(",\"span_id\":".utf8)
        Self.appendString(HexID.encode(spanID), to: &out)
        out += Array(",\"time_unix_nano\":\"\(effectiveTimeUnixNano)\",\"event_name\":".utf8)
        Self.appendString(effectiveEventName, to: &out)
        out += Array(",\"attributes\":".utf8)
        Self.appendObject(attributes, to: &out)
        if body != .empty {
            out += Array(",\"body\":".utf8)
            Self.appendValue(body, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func appendObject(_ attributes: [OTLPAttribute], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, a) in attributes.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(a.key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(a.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func appendValue(_ value: OTLPValue, to out: inout [UInt8]) {
        switch value {
        case .empty: out += Array("null".utf8)
        case .string(let s): appendString(s, to: &out)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .double(let d): out += Array((d.isFinite ? String(d) : "null").utf8)
        case .bytes(let b): appendString(HexID.encode(b), to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .kvlist(let pairs): appendObject(pairs, to: &out)
        }
    }

    private static func appendString(_ s: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
