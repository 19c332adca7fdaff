/// An error of the analyzer: a stable code and a message saying what was expected.
public struct AnalysisError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Persisted analysis state could not be decoded.
        public static let corruptState = Code("corrupt_state")
        /// Another process advanced the analysis checkpoint; reload and retry.
        public static let conflict = Code("conflict")
        public static let invalidConfiguration = Code("invalid_configuration")
    }

    public var code: Code
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
