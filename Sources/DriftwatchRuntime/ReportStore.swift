public import DriftwatchStore
public import Logging
import DriftwatchCore

/// How the reporting commands (`analyze`, `drift`, `dashboards`) open the store. Catching up writes analysis and drift
/// state, so with a catch-up they open an existing store read-write (never creating one, refusing foreign files);
/// without one, or when the store is read-only, they open it read-only and report what is stored. See docs/store.md.
public enum ReportStore {
    /// The store, and whether the command may catch up (write) before reporting.
    public static func open(_ path: String, catchUp: Bool, logger: Logger) throws -> (store: SQLiteStore, catchUp: Bool) {
        guard catchUp else { return (try SQLiteStore(path: path, access: .readOnly, logger: logger), false) }
        do {
            return (try SQLiteStore(path: path, access: .existing, logger: logger), true)
        } catch let error as DriftwatchError where error.code == .readOnlyStore {
            logger.warning("the store is read-only: reporting what was analysed before, without the records stored since",
                           metadata: ["database": "\(path)"])
            return (try SQLiteStore(path: path, access: .readOnly, logger: logger), false)
        }
    }
}
