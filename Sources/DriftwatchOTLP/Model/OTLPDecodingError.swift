/// Why an OTLP payload could not be decoded; the receiver answers it with 400 and the message.
public struct OTLPDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The bytes end inside a field.
        public static let truncated = Code("truncated")
        /// A wire type or JSON type other than the one the schema gives for the field.
        public static let wrongType = Code("wrong_type")
        /// Bytes that are not protobuf or not JSON at all.
        public static let malformed = Code("malformed")
        /// Nesting deeper than the decoder allows (attribute values can nest without end).
        public static let tooDeep = Code("too_deep")
        /// A value of the right type but unusable, e.g. a trace id that is not hex.
        public static let invalidValue = Code("invalid_value")
    }

    public var code: Code
    /// What was expected and where (message path and byte offset, or JSON path).
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
