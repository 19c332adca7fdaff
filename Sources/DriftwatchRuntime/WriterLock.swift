import DriftwatchCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `driftwatch run` per database: an exclusive `flock` on `<database>.run.lock`, held for the life of the
/// process (the kernel releases it when the process dies, even by `kill -9`, so a crash never leaves it stale).
/// Read-only commands and backfills with `ingest` do not take it; two sidecars on one store would read every line
/// twice.
final class WriterLock {
    let path: String
    private let fd: Int32

    init(database: String) throws {
        path = database + ".run.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw DriftwatchError(.storage, "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var holder = ""
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { holder = " (pid \(text.trimmingCharacters(in: .whitespacesAndNewlines)))" }
            close(fd)
            throw DriftwatchError(.storage, "another driftwatch run is using the database \(database)\(holder): one run per database (stop it, or give this one its own --db)")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    deinit { close(fd) }
}
