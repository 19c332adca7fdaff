/// A bounds-checked reader of the protobuf wire format over one message's byte range.
///
/// Every read checks the remaining length first, so truncated or hostile input ends in an
/// ``OTLPDecodingError`` rather than a trap. Only what OTLP uses is supported: varint,
/// fixed64, length-delimited and fixed32 fields; groups are rejected.
struct ProtobufReader {
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    let bytes: [UInt8]
    private(set) var index: Int
    let end: Int
    /// Message name for error messages, e.g. `Span`.
    let message: String

    init(bytes: [UInt8], range: Range<Int>, message: String) {
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
        self.message = message
    }

    var isAtEnd: Bool { index >= end }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws(OTLPDecodingError) -> (number: UInt64, wireType: WireType)? {
        if index >= end { return nil }
        let start = index
        let key = try readVarint()
        guard let wire = WireType(rawValue: key & 7) else {
            throw OTLPDecodingError(.malformed, "\(message): invalid wire type \(key & 7) at byte \(start)")
        }
        let number = key >> 3
        guard number > 0 else {
            throw OTLPDecodingError(.malformed, "\(message): field number 0 at byte \(start)")
        }
        return (number, wire)
    }

    mutating func readVarint() throws(OTLPDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < end else {
                throw OTLPDecodingError(.truncated, "\(message): varint runs past the end at byte \(index)")
            }
            let b = bytes[index]
            index += 1
            if shift == 63 && b > 1 {
                throw OTLPDecodingError(.malformed, "\(message): varint longer than 64 bits at byte \(index - 1)")
            }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 {
                throw OTLPDecodingError(.malformed, "\(message): varint longer than 10 bytes at byte \(index - 1)")
            }
        }
    }

    mutating func readFixed64() throws(OTLPDecodingError) -> UInt64 {
        guard end - index >= 8 else {
            throw OTLPDecodingError(.truncated, "\(message): fixed64 needs 8 bytes at byte \(index), \(end - index) left")
        }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += 8
        return v
    }

    mutating func readFixed32() throws(OTLPDecodingError) -> UInt32 {
        guard end - index >= 4 else {
            throw OTLPDecodingError(.truncated, "\(message): fixed32 needs 4 bytes at byte \(index), \(end - index) left")
        }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[index + i]) << (8 * UInt32(i)) }
        index += 4
        return v
    }

    /// The byte range of a length-delimited field's payload, which the caller reads or nests into.
    mutating func readLengthDelimited() throws(OTLPDecodingError) -> Range<Int> {
        let at = index
        let length = try readVarint()
        guard length <= UInt64(end - index) else {
            throw OTLPDecodingError(.truncated, "\(message): field at byte \(at) declares \(length) bytes, \(end - index) left")
        }
        let range = index..<(index + Int(length))
        index = range.upperBound
        return range
    }

    mutating func readBytes() throws(OTLPDecodingError) -> [UInt8] {
        Array(bytes[try readLengthDelimited()])
    }

    mutating func readString() throws(OTLPDecodingError) -> String {
        String(decoding: bytes[try readLengthDelimited()], as: UTF8.self)
    }

    /// Skips a field this decoder does not model (links, dropped counts, schema URLs, future fields).
    mutating func skip(_ wire: WireType) throws(OTLPDecodingError) {
        switch wire {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup:
            throw OTLPDecodingError(.malformed, "\(message): groups are not used by OTLP (byte \(index))")
        }
    }

    /// Checks the wire type the schema gives for a field.
    func expect(_ wire: WireType, _ expected: WireType, field: String) throws(OTLPDecodingError) {
        guard wire == expected else {
            throw OTLPDecodingError(.wrongType, "\(message).\(field): expected wire type \(expected.rawValue), got \(wire.rawValue) before byte \(index)")
        }
    }
}
