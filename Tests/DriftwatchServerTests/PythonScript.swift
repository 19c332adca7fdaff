import Dispatch
import Foundation

/// Runs a committed helper script with python3, off the Swift concurrency pool.
enum PythonScript {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let pipInstall = "pip install opentelemetry-sdk==1.45.1 opentelemetry-exporter-otlp-proto-http==1.45.1 opentelemetry-exporter-otlp-json-http==0.66b1 prometheus-client"

    static func url(_ name: String) -> URL {
        ReceiverHarness.packageRoot.appendingPathComponent("Tests/DriftwatchServerTests/Scripts/\(name)")
    }

    /// Nil when python3 and the modules are present; otherwise a message telling what to install.
    static func missing(modules: [String]) async -> String? {
        let check = "import " + modules.joined(separator: ", ")
        guard let r = try? await run(arguments: ["-c", check], timeout: 60) else {
            return "python3 could not be started; install Python 3 and run: \(pipInstall)"
        }
        if r.status != 0 {
            return "Python modules missing (\(modules.joined(separator: ", "))): run `\(pipInstall)`. python said: \(r.stderr.suffix(300))"
        }
        return nil
    }

    static func run(script: String, arguments: [String] = [], stdin: String? = nil, timeout: TimeInterval = 120) async throws -> Result {
        try await run(arguments: [url(script).path] + arguments, stdin: stdin, timeout: timeout)
    }

    static func run(arguments: [String], stdin: String? = nil, timeout: TimeInterval) async throws -> Result {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Result, any Error>) in
            DispatchQueue.global().async {
                do {
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    p.arguments = ["python3"] + arguments
                    let out = Pipe(), err = Pipe(), input = Pipe()
                    p.standardOutput = out
                    p.standardError = err
                    p.standardInput = input
                    try p.run()
                    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
                    try? input.fileHandleForWriting.close()
                    let timer = DispatchWorkItem { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }  // SIGTERM is ignored (inherited)
                    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
                    // Read both pipes to the end before waiting, so a chatty child cannot block.
                    final class Box: @unchecked Sendable { var data = Data() }
                    let errBox = Box()
                    let group = DispatchGroup()
                    group.enter()
                    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
                    let outData = out.fileHandleForReading.readDataToEndOfFile()
                    group.wait()
                    let errData = errBox.data
                    p.waitUntilExit()
                    timer.cancel()
                    c.resume(returning: Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self)))
                } catch {
                    c.resume(throwing: error)
                }
            }
        }
    }
}
