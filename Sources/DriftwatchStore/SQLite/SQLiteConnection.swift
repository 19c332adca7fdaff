import CSQLite
import CSQLiteWriteback
import DriftwatchCore

/// A thin owner of one `sqlite3*` handle. Not thread-safe: ``SQLiteStore`` serialises access.
package final class SQLiteConnection {
    package let path: String
    let handle: OpaquePointer

    /// Runs once, before the first connection opens; see `driftwatch_sqlite3_disable_memstatus`.
    private static let configureLibrary: Void = { _ = driftwatch_sqlite3_disable_memstatus() }()

    /// Writable connections open their files through a VFS that starts write-back after every 4 MiB
    /// written (see `writeback_vfs.h`): a checkpoint copies up to 128 MiB into the database and then
    /// fsyncs it, and without this the writer waited for all of it (~55 ms per checkpoint, ~7% of
    /// ingest time). Nil if it could not be registered: SQLite's default VFS then.
    private static let writebackVFS: String? = driftwatch_register_writeback_vfs(4 << 20) == SQLITE_OK ? "driftwatch-writeback" : nil

    /// How the file is opened.
    package enum Access: Sendable {
        /// Read and write, creating the file if missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only; WAL needs its `-shm` file to exist or be creatable next to the database.
        case readOnly
        /// Read only without any locking or `-shm` file: for a WAL database in a directory no one can write to,
        /// where SQLite cannot open it read-only otherwise (and no writer can be changing it).
        case immutable
    }

    package init(path: String, access: Access = .readWriteCreate) throws {
        Self.configureLibrary
        self.path = path
        var db: OpaquePointer?
        let rc: Int32
        switch access {
        case .readWriteCreate:
            rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, Self.writebackVFS)
        case .readWrite:
            rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, Self.writebackVFS)
        case .readOnly:
            rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        case .immutable:
            rc = sqlite3_open_v2(Self.immutableURI(path), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil)
        }
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteFailure.error(rc, "cannot open it: \(message)", path: path, sql: nil)
        }
        handle = db
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// The VFS the main database file was opened through, as SQLite reports it (shims name themselves
    /// in front of the real one: `driftwatch-writeback/unix`).
    package var vfsName: String? {
        var name: UnsafeMutablePointer<CChar>?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_VFSNAME, &name) == SQLITE_OK, let name else { return nil }
        defer { sqlite3_free(name) }
        return String(cString: name)
    }

    package func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteFailure.error(rc, message, path: path, sql: sql)
        }
    }

    package func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// True when SQLite opened the file read-only: asked to, or because the file or its directory is not writable.
    package var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    package var changes: Int { Int(sqlite3_changes(handle)) }
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    package var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
    /// The primary result code of the last failed call (e.g. `SQLITE_READONLY`).
    package var lastErrorCode: Int32 { sqlite3_errcode(handle) & 0xff }

    /// `file:` URI for `path` with `immutable=1`; characters URIs treat specially are percent-encoded.
    package static func immutableURI(_ path: String) -> String {
        var encoded: [UInt8] = []
        for byte in path.utf8 {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") {
                encoded += ("%" + String(byte, radix: 16, uppercase: true)).utf8
            } else {
                encoded.append(byte)
            }
        }
        return "file:\(String(decoding: encoded, as: UTF8.self))?immutable=1"
    }

    /// Runs a query returning one integer (e.g. `PRAGMA page_count`).
    package func scalarInt(_ sql: String) throws -> Int64 {
        let statement = try prepare(sql)
        guard try statement.step() else { return 0 }
        return statement.int64(0)
    }

    package func scalarText(_ sql: String) throws -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }
}
