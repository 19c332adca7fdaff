import Foundation

/// Runs an external program to completion, for tests that use real tools (`gzip`, `logrotate`).
public enum ProcessRunner {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var command: [String]
        public var output: Output
        public var description: String {
            "\(command.joined(separator: " ")) exited with \(output.status): \(output.stderr)\(output.stdout)"
        }
    }

    /// Runs `executable` with `arguments`; throws ``Failure`` on a non-zero exit status.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = Output(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
        guard output.status == 0 else { throw Failure(command: [executable] + arguments, output: output) }
        return output
    }

    /// Runs a `/bin/sh -c` command line.
    @discardableResult
    public static func shell(_ command: String) throws -> Output {
        try run("/bin/sh", ["-c", command])
    }
}
