import DriftwatchTesting
import Foundation

/// A Python test server from Scripts/, started on a free port and killed when released.
final class ScriptServer: @unchecked Sendable {
    let process: Process
    let port: Int

    static var scripts: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts") }

    /// Starts `script` with `portFile` as its first argument and waits, without holding a pool thread,
    /// until it wrote its port.
    static func start(script: String, portFile: String, arguments: [String]) async throws -> ScriptServer {
        try? FileManager.default.removeItem(atPath: portFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scripts.appendingPathComponent(script).path, portFile] + arguments
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The deadline only bounds a script that never starts; the port file is read once more after it,
        // since a test starved of the pool (see `offPool`) can wake long after the script wrote it.
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                return ScriptServer(process: process, port: port)
            }
            guard process.isRunning, ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        // SIGKILL: the test process ignores SIGTERM (the service lifecycle's signal handling), and so do its children.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw ScriptFailure(message: "\(script) did not start (is python3 with its packages installed?)")
    }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// What the webhook receiver logged.
struct ReceiverLog {
    struct Entry: Decodable {
        var id: String
        var valid: Bool
        var answer: String
        var at: Double
        var status: String?
        var incidents: [String]?
    }

    let path: String

    var entries: [Entry] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Entry.self, from: Data($0.utf8)) }
    }

    /// Ids answered 200 with a valid signature, with how often each was.
    var delivered: [String: Int] {
        var counts: [String: Int] = [:]
        for entry in entries where entry.valid && entry.answer == "200" { counts[entry.id, default: 0] += 1 }
        return counts
    }
}
