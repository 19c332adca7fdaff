import DriftwatchCore
import CSQLite
public import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one store type: a SQLite database in WAL mode holding records, dead letters and file
/// checkpoints. Checkpoints commit in the same transaction as the rows they cover, which is
/// what makes ingestion exactly once across crashes.
///
/// All access goes through one connection behind a mutex: SQLite serialises writers anyway,
/// and the ingest path batches thousands of rows per lock.
public final class SQLiteStore: Sendable {
    public let path: String
    /// How the store was opened; ``StoreAccess/readOnly`` stores never write.
    public let access: StoreAccess
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

    /// Opens the database at `path` as `access` allows and applies pending migrations (not when read-only).
    /// Refuses, without changing it, a file that is not a Driftwatch store (see ``StoreIdentity``).
    /// `":memory:"` gives a private in-memory database for tests.
    public init(path: String, access: StoreAccess = .create, logger: Logger = Logger(label: "driftwatch.store")) throws {
        self.path = path
        self.access = access
        let inMemory = path == ":memory:"
        if access != .create && !inMemory && !fileExists(path) {
            throw DriftwatchError(.missingStore, "no Driftwatch store at \(path): create one with `driftwatch ingest FILE…` or `driftwatch run` (or point --db, or database: in the configuration, at an existing store)")
        }
        if access == .readOnly && !inMemory {
            let connection = try Self.openReadOnly(path)
            try Self.checkReadable(connection)
            state = Mutex(State(connection: connection))
            return
        }
        let connection = try SQLiteConnection(path: path, access: access == .create ? .readWriteCreate : .readWrite)
        if connection.isReadOnly {
            // SQLite fell back to read-only (the file cannot be written). Say "not a Driftwatch store" first when that is
            // the case, read the way a read-only open can (a WAL store in a read-only directory needs it).
            _ = try StoreIdentity.inspect(try Self.openReadOnly(path))
            throw DriftwatchError(.readOnlyStore, "the Driftwatch store \(path) is read-only (the file or its directory cannot be written)")
        }
        let contents = try StoreIdentity.inspect(connection)
        if access == .existing && contents == .empty {
            throw Self.emptyStore(path)
        }
        // No auto_vacuum: its pointer-map pages cost ~1.5 µs per inserted row (measured with
        // Benchmarks/ingest.sh). Pages freed by retention go to the free list and are reused by new
        // records, so the file stops growing at its high-water mark instead of shrinking; `VACUUM`
        // shrinks it offline. 32 KiB pages: records are stored in blocks of ~1.2 MiB, which SQLite
        // writes as chains of overflow pages, one WAL frame (two writes and a checksum) per page. With
        // 32 KiB pages ingest ran at ~195k records/s against ~179k with 16 KiB and ~199k with 64 KiB
        // (Benchmarks/ingest.sh, one core); 64 KiB would double again what each small transaction (a
        // quiet tail's commit, an OTLP journal group) writes to the WAL. Both only apply to a new database.
        try connection.execute("PRAGMA page_size = 32768")
        if contents != .marked { try connection.execute("PRAGMA application_id = \(StoreIdentity.applicationID)") }
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
            throw Self.newerSchema(connection.path, current, latest)
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

    /// Opens read-only. A WAL database needs its `-shm` file, which SQLite cannot create in a read-only directory;
    /// then (and only then) the file is opened immutable, safe because no writer can be using that directory either.
    private static func openReadOnly(_ path: String) throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, access: .readOnly)
        if (try? connection.scalarInt("PRAGMA schema_version")) == nil,
           connection.lastErrorCode == SQLITE_READONLY || connection.lastErrorCode == SQLITE_CANTOPEN {
            return try SQLiteConnection(path: path, access: .immutable)
        }
        return connection
    }

    /// A read-only store must already be a Driftwatch store at this version's schema: reading cannot migrate it.
    private static func checkReadable(_ connection: SQLiteConnection) throws {
        let path = connection.path
        if try StoreIdentity.inspect(connection) == .empty {
            throw Self.emptyStore(path)
        }
        let current = try connection.scalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        let latest = StoreMigration.all.last?.version ?? 0
        if current > latest {
            throw Self.newerSchema(path, current, latest)
        }
        if current < latest {
            throw DriftwatchError(.storage, "database \(path) has schema version \(current) and this driftwatch reads version \(latest); read-only commands do not migrate: run `driftwatch ingest` or `driftwatch run` on it once to upgrade it")
        }
    }

    private static func emptyStore(_ path: String) -> DriftwatchError {
        DriftwatchError(.missingStore, "\(path) is an empty database, not a Driftwatch store yet: create the store with `driftwatch ingest FILE…` or `driftwatch run`")
    }

    private static func newerSchema(_ path: String, _ version: Int64, _ latest: Int) -> DriftwatchError {
        DriftwatchError(.storage, "database \(path) has schema version \(version), newer than this driftwatch knows (\(latest)); upgrade driftwatch")
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

/// Whether anything exists at `path` (file-scope so the store's `access` property does not shadow `access(2)`).
private func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }
