/// An error of the suite runner: a stable code, a message saying what was expected, and where it was raised.
struct SuiteError: Error, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        var description: String { rawValue }

        /// A command-line option is unknown or its value malformed.
        static let invalidOption = Code("invalid_option")
        /// A case's specs do not parse or the workload is invalid: a bug in the suite's catalog.
        static let invalidCase = Code("invalid_case")
    }

    var code: Code
    var message: String
    var underlying: (any Error)?
    var file: String
    var line: Int

    init(_ code: Code, _ message: String, underlying: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    var description: String { "\(code): \(message)" }
}
