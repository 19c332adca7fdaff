import CSQLite
import DriftwatchCore

/// A prepared statement; bind with 1-based indexes, read columns with 0-based ones.
package final class SQLiteStatement {
    private let connection: SQLiteConnection
    private let handle: OpaquePointer
    let sql: String

    // SQLite copies the bytes before the bind call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(connection: SQLiteConnection, sql: String) throws {
        self.connection = connection
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteFailure.error(rc, "cannot prepare statement: \(connection.lastErrorMessage)", path: connection.path, sql: sql)
        }
        handle = statement
    }

    deinit {
        sqlite3_finalize(handle)
    }

    package func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    package func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    package func bind(_ index: Int32, _ value: Double?) {
        if let value, value.isFinite { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    package func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(handle, index); return }
        value.withUTF8 { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 {
                _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(buffer.count), Self.transient)
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    package func bindBlob(_ index: Int32, _ bytes: [UInt8]?) {
        guard let bytes else { sqlite3_bind_null(handle, index); return }
        bytes.withUnsafeBytes { buffer in
            if buffer.count == 0 {
                _ = sqlite3_bind_zeroblob(handle, index, 0)
            } else {
                _ = sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), Self.transient)
            }
        }
    }

    /// Binds a blob as TEXT (the bytes must be UTF-8, e.g. a JSON document we wrote).
    package func bindTextBytes(_ index: Int32, _ bytes: [UInt8]?) {
        guard let bytes else { sqlite3_bind_null(handle, index); return }
        bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 {
                _ = sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), Self.transient)
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    /// Binds `bytes` as TEXT without copying them and steps once; the binding is cleared before
    /// returning, so SQLite never keeps a pointer into memory the caller may free. For bulk inserts
    /// of large values, where the copy of a transient bind is measurable.
    package func stepBindingText(_ index: Int32, borrowing bytes: UnsafeRawBufferPointer) throws {
        if let base = bytes.baseAddress, bytes.count > 0 {
            _ = sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
        } else {
            _ = sqlite3_bind_text(handle, index, "", 0, nil)
        }
        defer { sqlite3_bind_null(handle, index) }
        try step()
    }

    /// Binds `bytes` as TEXT without copying them and `value` to `index2`, steps once and resets.
    /// The bindings are cleared before returning. For the per-record key insert of bulk ingest.
    package func stepBindingText(_ index: Int32, borrowing bytes: UnsafeRawBufferPointer, then index2: Int32, _ value: Int64) throws {
        sqlite3_bind_int64(handle, index2, value)
        try stepBindingText(index, borrowing: bytes)
        sqlite3_reset(handle)
    }

    /// Like ``stepBindingText(_:borrowing:)`` for a BLOB.
    package func stepBindingBlob(_ index: Int32, borrowing bytes: UnsafeRawBufferPointer) throws {
        if let base = bytes.baseAddress, bytes.count > 0 {
            _ = sqlite3_bind_blob(handle, index, base, Int32(bytes.count), nil)
        } else {
            _ = sqlite3_bind_zeroblob(handle, index, 0)
        }
        defer { sqlite3_bind_null(handle, index) }
        try step()
    }

    /// Steps once; true while a row is available.
    @discardableResult
    package func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = connection.lastErrorMessage
            sqlite3_reset(handle)
            throw SQLiteFailure.error(rc, message, path: connection.path, sql: sql)
        }
    }

    /// Steps to completion, for statements that return no rows.
    package func run() throws {
        while try step() {}
        reset()
    }

    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    package func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    package func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    package func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    package func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    package func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
