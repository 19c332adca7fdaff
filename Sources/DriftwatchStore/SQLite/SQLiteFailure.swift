import CSQLite
import DriftwatchCore
import Synchronization

/// Turns a failed SQLite call into an error that names the database file and, for the two failures an operator
/// acts on (damage, a full disk), says what happened and what to do, with its own code.
enum SQLiteFailure {
    static func error(_ rc: Int32, _ message: String, path: String, sql: String?) -> DriftwatchError {
        let statement = sql.map { " [\($0.prefix(120))]" } ?? ""
        switch rc & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            StoreDamage.record(path: path, message: message)
            return DriftwatchError(.damagedStore, "the database \(path) is damaged (SQLite error \(rc & 0xff): \(message))\(statement); "
                + "see what is damaged with `driftwatch status --check`, then restore it from a backup or salvage it with `sqlite3 \(path) .recover`")
        case SQLITE_FULL:
            return DriftwatchError(.diskFull, "the disk holding the database \(path) is full (SQLite error \(rc & 0xff): \(message))\(statement)")
        default:
            return DriftwatchError(.storage, "SQLite error \(rc) in \(path): \(message)\(statement)")
        }
    }
}

/// Damage SQLite reported on any connection of this process, by database path: how often and the last message.
/// Every pass (ingest, analysis, drift, dashboards, retention, alerts) reads through the same connections, so
/// this is where `run` learns of damage any of them met (exported as `driftwatch_store_damage_errors_total`).
public enum StoreDamage {
    public struct Seen: Sendable, Equatable {
        public var errors: Int
        public var lastMessage: String
    }

    private static let seen = Mutex<[String: Seen]>([:])

    static func record(path: String, message: String) {
        seen.withLock { $0[path, default: Seen(errors: 0, lastMessage: "")].errors += 1; $0[path]?.lastMessage = message }
    }

    /// What was seen for the database at `path` so far (nil: no damage reported).
    public static func seen(path: String) -> Seen? { seen.withLock { $0[path] } }
}
