extension DriftwatchError.Code {
    /// SQLite found the database file damaged (`SQLITE_CORRUPT`, or a file that no longer reads as a database).
    public static let damagedStore = DriftwatchError.Code("damaged_store")
    /// A write failed because the disk (or SQLite's page limit) is full; the same write succeeds once space returns.
    public static let diskFull = DriftwatchError.Code("disk_full")

    /// Failures of the store that waiting can outlast without losing anything: `run` pauses reading and retries
    /// the commit instead of exiting (space freed, the database restored under it).
    public var isRetryableStoreFailure: Bool { self == .diskFull || self == .damagedStore }
}
