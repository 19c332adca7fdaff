/// An error raised by Driftwatch: a stable code for programs, a message for people.
///
/// A struct rather than an enum so new codes can be added without breaking callers
/// (the shape swift-service-lifecycle and NIOFS use).
public struct DriftwatchError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidConfig = Code("invalid_config")
        public static let invalidRecord = Code("invalid_record")
        public static let storage = Code("storage")
        public static let io = Code("io")
        public static let invalidArgument = Code("invalid_argument")
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        _ message: String,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying {
            return "\(message) (\(underlying))"
        }
        return message
    }
}
