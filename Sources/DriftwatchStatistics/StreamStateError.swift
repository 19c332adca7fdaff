/// Why a persisted streaming state (a detector snapshot or serialized sketch) was rejected.
///
/// A struct with a code rather than an enum, so codes can be added without breaking callers.
public struct StreamStateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Bytes do not start with the expected magic and version.
        public static let unsupportedFormat = Code("unsupported_format")
        /// Bytes end before the declared content.
        public static let truncated = Code("truncated")
        /// A field holds a value that no valid state can have.
        public static let invalidValue = Code("invalid_value")
        /// Two sketches with different parameters cannot be merged.
        public static let incompatible = Code("incompatible")
    }

    public var code: Code
    /// What was expected and where, for people.
    public var message: String
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(message)" }
}
