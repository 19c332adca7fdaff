import DriftwatchTesting
import Foundation

/// A Python test server from Scripts/, started on a free port and killed when released.
final class ScriptServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    static var scripts: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts") }

    /// Starts `script` with `portFile` as its first argument and waits until it wrote its port.
    init(script: String, portFile: String, arguments: [String]) throws {
        try? FileManager.default.removeItem(atPath: portFile)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.scripts.appendingPathComponent(script).path, portFile] + arguments
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        if process.isRunning { process.terminate() }
        throw ScriptFailure(message: "\(script) did not start (is python3 with its packages installed?)")
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

/// Polls until `condition` holds or `seconds` pass.
func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
