import CSQLite
import DriftwatchCore

/// How Driftwatch recognises its own database before changing anything in it: SQLite's `application_id` header
/// field, set when the store creates a database, and for stores created before the marker existed, tables that are
/// all Driftwatch's own.
package enum StoreIdentity {
    /// `application_id` of every Driftwatch store: the ASCII bytes "DRFW" (0x44524657). Fixed forever; `file(1)`
    /// and other tools can recognise the file by it.
    package static let applicationID: Int64 = 0x4452_4657

    /// What the file at a connection holds, when it may be used.
    enum Contents: Equatable {
        /// No tables and no marker: a new (or zero-length) database.
        case empty
        /// Marked with ``applicationID``.
        case marked
        /// Unmarked, but every table is one Driftwatch creates: a store from before the marker.
        case unmarked
    }

    /// Every table a Driftwatch store can hold, read from the migrations so a new table is known without a list to update.
    static let knownTables: Set<String> = {
        var names: Set<String> = ["schema_migrations"]
        for migration in StoreMigration.all {
            let words = migration.sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" })
            for i in words.indices.dropLast(2) where words[i] == "CREATE" && words[i + 1] == "TABLE" {
                let name = words[i + 2] == "IF" ? words[min(i + 5, words.count - 1)] : words[i + 2]
                names.insert(String(name))
            }
        }
        return names
    }()

    /// Reads the header and the table names (nothing is written) and throws ``DriftwatchError/Code/notADriftwatchStore``
    /// for a file that belongs to something else.
    static func inspect(_ connection: SQLiteConnection) throws -> Contents {
        let path = connection.path
        let id: Int64
        do {
            id = try connection.scalarInt("PRAGMA application_id")
        } catch {
            if connection.lastErrorCode == SQLITE_NOTADB {
                throw DriftwatchError(.notADriftwatchStore, "\(path) is not a SQLite database, so not a Driftwatch store; refusing to touch it. \(advice)")
            }
            throw error
        }
        if id == applicationID { return .marked }
        if id != 0 {
            throw DriftwatchError(.notADriftwatchStore, "\(path) is a SQLite database of another application (application_id \(hex(id)), Driftwatch's is \(hex(applicationID))); refusing to change it. \(advice)")
        }
        let statement = try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        var tables: [String] = []
        while try statement.step() { tables.append(statement.text(0) ?? "") }
        if tables.isEmpty { return .empty }
        let foreign = tables.filter { !knownTables.contains($0) }
        if foreign.isEmpty && tables.contains("schema_migrations") { return .unmarked }
        let shown = (foreign.isEmpty ? tables : foreign).prefix(5).joined(separator: ", ")
        throw DriftwatchError(.notADriftwatchStore, "\(path) is a SQLite database that is not a Driftwatch store (it has tables Driftwatch did not create: \(shown)); refusing to change it. \(advice)")
    }

    static let advice = "Point --db (or database: in the configuration) at a Driftwatch store, or at a new path for `driftwatch ingest` or `driftwatch run` to create."

    static func hex(_ id: Int64) -> String {
        "0x" + String(UInt32(truncatingIfNeeded: id), radix: 16, uppercase: true)
    }
}
