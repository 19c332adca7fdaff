public import DriftwatchCore

/// How a command opens the store. Only commands that exist to write (`ingest`, `run`, `demo`) may create
/// a database: a mistyped `--db` under a reporting command must be an error, not a new empty store.
public enum StoreAccess: Sendable, Equatable {
    /// Read and write, creating the file and its schema when missing.
    case create
    /// Read and write an existing Driftwatch store (migrating it); a missing file is an error. For one-shot commands
    /// that persist what they catch up on (`analyze`, `drift`, `dashboards`).
    case existing
    /// Never creates, migrates or writes anything; works on a read-only file or directory.
    case readOnly
}

extension DriftwatchError.Code {
    /// The path holds a SQLite database (or another file) that Driftwatch did not create.
    public static let notADriftwatchStore = DriftwatchError.Code("not_a_driftwatch_store")
    /// A command that does not create stores was pointed at a path with no database.
    public static let missingStore = DriftwatchError.Code("missing_store")
    /// The store needs writing (catch-up, migration) but the file or its directory is read-only.
    public static let readOnlyStore = DriftwatchError.Code("read_only_store")
}
