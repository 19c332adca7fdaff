import DriftwatchOTLP

/// Terse span construction for mapping tests: times in milliseconds from zero.
func makeSpan(
    trace: UInt8 = 1, id: UInt8, parent: UInt8? = nil, name: String = "span", startMs: UInt64 = 0, endMs: UInt64 = 10,
    _ attributes: [String: OTLPValue] = [:], status: OTLPStatus = OTLPStatus(), events: [OTLPEvent] = [],
    resource: [String: OTLPValue] = [:]
) -> OTLPSpan {
    OTLPSpan(
        traceID: [UInt8](repeating: trace, count: 16),
        spanID: [UInt8](repeating: id, count: 8),
        parentSpanID: parent.map { [UInt8](repeating: $0, count: 8) } ?? [],
        name: name,
        startTimeUnixNano: startMs * 1_000_000,
        endTimeUnixNano: endMs * 1_000_000,
        attributes: attributes.sorted { $0.key < $1.key }.map { OTLPAttribute(key: $0.key, value: $0.value) },
        events: events,
        status: status,
        resourceAttributes: resource.sorted { $0.key < $1.key }.map { OTLPAttribute(key: $0.key, value: $0.value) }
    )
}

/// Encodes protobuf wire format, for building hostile inputs the fixtures do not cover.
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: UInt64, _ wire: UInt64) { varint(field << 3 | wire) }

    mutating func message(_ field: UInt64, _ payload: [UInt8]) {
        tag(field, 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    mutating func string(_ field: UInt64, _ s: String) { message(field, Array(s.utf8)) }
}
