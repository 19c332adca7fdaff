import DriftwatchTesting
import Foundation
import Testing

/// The reduced form of Benchmarks/torture.sh (issue #18): kill -9 + real logrotate in both rotation modes, fuzzed
/// lines and the hostile OTLP set against the built binary; every count must be zero.
@Suite("Torture (reduced)", .serialized)
struct TortureTests {
    @Test("torture.sh --quick: 0 lost, 0 duplicated, 0 crashed, every hostile OTLP case answered as documented")
    func quickTorture() async throws {
        let root = DriftwatchExecutable.packageRoot
        let dir = TemporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["DRIFTWATCH_BIN"] = try DriftwatchExecutable.url().path
        let child = try ChildProcess(executable: URL(fileURLWithPath: "/bin/bash"),
                                     arguments: [root.appendingPathComponent("Benchmarks/torture.sh").path, "--quick"],
                                     directory: URL(fileURLWithPath: dir.path), environment: environment)
        let status = await child.wait(timeout: 900)
        let out = child.stdout
        #expect(status == 0, "torture.sh exited \(String(describing: status)):\n\(out)\n\(child.stderr.suffix(4000))")
        #expect(out.contains("TOTAL lost=0 duplicated=0 crashed=0 failed=0"), "\(out)")
        for mode in ["create", "copytruncate"] {
            let line = out.split(separator: "\n").first { $0.hasPrefix("rotation \(mode) ") }.map(String.init) ?? ""
            #expect(line.contains("kills=4") && line.contains(" lost=0 ") && line.contains(" duplicated=0 "), "\(mode): \(line)")
        }
        let fuzz = out.split(separator: "\n").first { $0.hasPrefix("fuzz ") }.map(String.init) ?? ""
        #expect(fuzz.contains("crashed=0"), "\(out)")
        #expect(!out.contains("FAILED"), "\(out)")
    }
}
