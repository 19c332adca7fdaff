import DriftwatchCore
import CSQLite
public import Logging
import Synchronization

/// The one store type: a SQLite database in WAL mode holding records, dead letters and file
/// checkpoints. Checkpoints commit in the same transaction as the rows they cover, which is
/// what makes ingestion exactly once across crashes.
///
/// All access goes through one connection behind a mutex: SQLite serialises writers anyway,
/// and the ingest path batches thousands of rows per lock.
public final class SQLiteStore: Sendable {
    public let path: String
    private let state: Mutex<State>

    final class State {
        let connection: SQLiteConnection
        var insertKey: SQLiteStatement?
        var insertBlock: SQLiteStatement?
        var blockBuilder = RecordBlockBuilder()
        var insertDeadLetter: SQLiteStatement?
        var upsertCheckpoint: SQLiteStatement?
        var addTotal: SQLiteStatement?
        init(connection: SQLiteConnection) {
            self.connection = connection
        }
    }

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    /// `":memory:"` gives a private in-memory database for tests.
    public init(path: String, logger: Logger = Logger(label: "driftwatch.store")) throws {
        self.path = path
        let connection = try SQLiteConnection(path: path)
        // No auto_vacuum: its pointer-map pages cost ~1.5 µs per inserted row (measured with
        // Benchmarks/ingest.sh). Pages freed by retention go to the free list and are reused by new
        // records, so the file stops growing at its high-water mark instead of shrinking; `VACUUM`
        // shrinks it offline. 32 KiB pages: records are stored in blocks of ~1.2 MiB, which SQLite
        // writes as chains of overflow pages, one WAL frame (two writes and a checksum) per page. With
        // 32 KiB pages ingest ran at ~195k records/s against ~179k with 16 KiB and ~199k with 64 KiB
        // (Benchmarks/ingest.sh, one core); 64 KiB would double again what each small transaction (a
        // quiet tail's commit, an OTLP journal group) writes to the WAL. Both only apply to a new database.
        try connection.execute("PRAGMA page_size = 32768")
        if path != ":memory:" {
            let mode = try connection.scalarText("PRAGMA journal_mode = WAL")
            if mode?.lowercased() != "wal" {
                throw DriftwatchError(.storage, "cannot switch \(path) to WAL mode (got \(mode ?? "nothing"))")
            }
        }
        // NORMAL is durable across process crashes in WAL mode; only power loss can drop the last commits.
        try connection.execute("PRAGMA synchronous = NORMAL")
        try connection.execute("PRAGMA foreign_keys = ON")
        try connection.execute("PRAGMA cache_size = -65536")
        // Checkpoint the WAL every 4096 pages (128 MiB of 32 KiB pages) rather than every 1000: fewer
        // checkpoints and fsyncs during bulk ingest (~190k records/s at 64 MiB, ~195k at 128 MiB). The
        // WAL file stays at that size once reached. A database created with smaller pages checkpoints sooner.
        try connection.execute("PRAGMA wal_autocheckpoint = 4096")
        try connection.execute("PRAGMA temp_store = MEMORY")
        try Self.migrate(connection, logger: logger)
        state = Mutex(State(connection: connection))
    }

    private static func migrate(_ connection: SQLiteConnection, logger: Logger) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)
            """)
        let current = try connection.scalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        let latest = StoreMigration.all.last?.version ?? 0
        if current > latest {
            throw DriftwatchError(.storage, "database \(connection.path) has schema version \(current), newer than this driftwatch knows (\(latest)); upgrade driftwatch")
        }
        for migration in StoreMigration.all where migration.version > current {
            try connection.transaction {
                try connection.execute(migration.sql)
                try migration.moveData?(connection)
                let insert = try connection.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
                insert.bind(1, Int64(migration.version))
                insert.bind(2, migration.name)
                insert.bind(3, WallClock.nowMicros())
                try insert.run()
            }
            logger.debug("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        }
    }

    /// The schema version after migrations.
    public func schemaVersion() throws -> Int {
        try withConnection { Int(try $0.scalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) }
    }

    /// Runs `body` with exclusive use of the connection.
    package func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try state.withLock { state in try body(state.connection) }
    }

    func withState<T: Sendable>(_ body: (State) throws -> T) throws -> T {
        try state.withLock { state in try body(state) }
    }

    /// Writes the WAL back into the database file (e.g. before a backup or at shutdown).
    public func checkpointWAL() throws {
        try withConnection { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
