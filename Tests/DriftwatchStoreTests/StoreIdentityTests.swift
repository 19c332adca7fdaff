import DriftwatchCore
import DriftwatchStore
import DriftwatchTesting
import Foundation
import Testing

/// A SQLite database some other program made, in rollback-journal mode.
private func foreignDatabase(at path: String, applicationID: Int64 = 0) throws {
    let connection = try SQLiteConnection(path: path)
    try connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')")
    if applicationID != 0 { try connection.execute("PRAGMA application_id = \(applicationID)") }
}

private func applicationID(_ path: String) throws -> Int64 {
    try SQLiteConnection(path: path, access: .readOnly).scalarInt("PRAGMA application_id")
}

private func errorCode(_ body: () throws -> Void) -> DriftwatchError.Code? {
    do { try body(); return nil } catch let error as DriftwatchError { return error.code } catch { return DriftwatchError.Code("other: \(error)") }
}

/// Names and contents of every file in a directory: a refused open must leave no trace (no -wal, no -shm).
private func snapshot(_ dir: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
        files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
    }
    return files
}

@Suite("Store identity")
struct StoreIdentityTests {
    @Test("a new store is marked with Driftwatch's application_id")
    func newStoreIsMarked() throws {
        let dir = TemporaryDirectory()
        _ = try SQLiteStore(path: dir.file("new.sqlite"))
        #expect(try applicationID(dir.file("new.sqlite")) == 0x4452_4657)
    }

    @Test("foreign files are refused unchanged, whatever the access", arguments: [StoreAccess.create, .existing, .readOnly])
    func foreignFilesAreRefusedUnchanged(access: StoreAccess) throws {
        let dir = TemporaryDirectory()
        try foreignDatabase(at: dir.file("tables.sqlite"))
        try foreignDatabase(at: dir.file("marked.sqlite"), applicationID: 0x1234_5678)
        try Data("not a database at all, just some text that is long enough to look like a header\n".utf8)
            .write(to: URL(fileURLWithPath: dir.file("text.sqlite")))
        let before = try snapshot(dir.path)
        for name in ["tables.sqlite", "marked.sqlite", "text.sqlite"] {
            var message = ""
            #expect(throws: DriftwatchError.self) {
                do { _ = try SQLiteStore(path: dir.file(name), access: access) } catch let error as DriftwatchError {
                    message = error.message
                    #expect(error.code == .notADriftwatchStore, "\(name): \(error)")
                    throw error
                }
            }
            #expect(message.contains("not a Driftwatch store") || message.contains("another application"), "\(message)")
            #expect(message.contains(dir.file(name)) && message.contains("refusing"), "\(message)")
        }
        #expect(try snapshot(dir.path) == before)
    }

    @Test("the foreign tables are named in the error")
    func foreignTablesNamed() throws {
        let dir = TemporaryDirectory()
        try foreignDatabase(at: dir.file("app.db"))
        do {
            _ = try SQLiteStore(path: dir.file("app.db"), access: .readOnly)
            Issue.record("opened a foreign database")
        } catch let error as DriftwatchError {
            #expect(error.message.contains("users"), "\(error)")
        }
    }

    @Test("only `create` makes a file: a missing path is an error that says how to create a store", arguments: [StoreAccess.existing, .readOnly])
    func missingStoreIsNotCreated(access: StoreAccess) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("typo.sqlite")
        var message = ""
        let code = errorCode {
            do { _ = try SQLiteStore(path: path, access: access) } catch let error as DriftwatchError { message = error.message; throw error }
        }
        #expect(code == .missingStore)
        #expect(message.contains("driftwatch ingest") && message.contains("driftwatch run"), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("an empty file is not a store to read", arguments: [StoreAccess.existing, .readOnly])
    func emptyFileIsNotRead(access: StoreAccess) throws {
        let dir = TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir.file("empty.sqlite"), contents: nil)
        #expect(errorCode { _ = try SQLiteStore(path: dir.file("empty.sqlite"), access: access) } == .missingStore)
        #expect(try snapshot(dir.path) == ["empty.sqlite": Data()])
    }

    @Test("a store from before the marker is recognised by its tables: read as it is, marked when opened for writing")
    func unmarkedStoreIsAdopted() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        do {
            let store = try SQLiteStore(path: path)
            try store.checkpointWAL()
            try store.withConnection { try $0.execute("PRAGMA application_id = 0") }
        }
        #expect(try applicationID(path) == 0)
        _ = try SQLiteStore(path: path, access: .readOnly).summary()
        #expect(try applicationID(path) == 0)
        _ = try SQLiteStore(path: path, access: .existing)
        #expect(try applicationID(path) == 0x4452_4657)
    }

    @Test("a read-only store reads without writing anything")
    func readOnlyOpenWritesNothing() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("store.sqlite")
        do {
            let store = try SQLiteStore(path: path)
            try store.checkpointWAL()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let store = try SQLiteStore(path: path, access: .readOnly)
        #expect(try store.summary().records == 0)
        #expect(store.access == .readOnly)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("the immutable fallback's URI escapes the characters URIs treat specially")
    func immutableURIEscapesSpecialCharacters() {
        #expect(SQLiteConnection.immutableURI("/tmp/a?b#c%d.sqlite") == "file:/tmp/a%3Fb%23c%25d.sqlite?immutable=1")
    }
}
