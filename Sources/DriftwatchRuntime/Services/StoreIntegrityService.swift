import DriftwatchCore
import DriftwatchStore
import Foundation
import Logging
public import ServiceLifecycle

/// Makes damage to the database file loud under `run`: checks the whole file with SQLite's `quick_check` at start
/// and then daily (on a read-only connection of its own and a thread of its own, so ingest goes on), and logs at
/// error level, naming the file, whenever any pass of this process met damaged pages since the last look.
/// `/metrics` counts the same errors (`driftwatch_store_damage_errors_total`, see ``MetricsBridge``).
struct StoreIntegrityService<C: Clock>: Service where C.Duration == Duration {
    let path: String
    let clock: C
    let logger: Logger
    /// How often damage met by the other passes is looked for (a cheap read of a counter).
    var pollInterval: Duration = .seconds(5)
    /// How often the whole file is checked again after the check at start.
    var checkInterval: Duration = .seconds(24 * 3600)

    func run() async throws {
        var reported = 0
        var nextCheck = clock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if clock.now >= nextCheck && path != ":memory:" {
                nextCheck = clock.now.advanced(by: checkInterval)
                await check()
            }
            if let seen = StoreDamage.seen(path: path), seen.errors > reported {
                logger.error("the database file is damaged", metadata: [
                    "database": "\(path)", "errors": "\(seen.errors - reported)", "last_error": "\(seen.lastMessage)",
                    "advice": "run `driftwatch status --check`, then restore from a backup or salvage with `sqlite3 \(path) .recover`",
                ])
                reported = seen.errors
            }
            let interval = pollInterval
            try? await cancelWhenGracefulShutdown { [clock] in try await clock.sleep(for: interval) }
        }
    }

    /// Reads every page on a thread of its own: on a large store this takes seconds and must not hold a pool thread.
    private func check() async {
        let path = self.path
        let started = ContinuousClock.now
        let outcome: Result<SQLiteStore.IntegrityCheck, any Error> = await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: Result { try SQLiteStore(path: path, access: .readOnly).quickCheck(limit: 20) })
            }.start()
        }
        switch outcome {
        case .success(let result) where result.ok:
            logger.debug("database integrity checked", metadata: ["database": "\(path)", "seconds": "\(ContinuousClock.now - started)"])
        case .success(let result):
            // Counted by quickCheck in StoreDamage; logged once here with every problem found.
            logger.error("integrity check found the database damaged", metadata: [
                "database": "\(path)", "problems": "\(result.problems.joined(separator: "; "))",
            ])
        case .failure(let error):
            logger.error("integrity check could not run", metadata: ["database": "\(path)", "error": "\(error)"])
        }
    }
}
