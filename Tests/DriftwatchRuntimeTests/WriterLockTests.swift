@testable import DriftwatchRuntime
import DriftwatchCore
import Foundation
import Testing

/// Issue 18, item 8: a second `run` on one database refuses at start, naming the database and the holder.
@Suite("One run per database")
struct WriterLockTests {
    @Test func aSecondRunOnTheSameDatabaseRefuses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dw-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = dir + "/db.sqlite"
        var first: WriterLock? = try WriterLock(database: database)
        do {
            _ = try WriterLock(database: database)
            Issue.record("a second lock on the same database was granted")
        } catch let error as DriftwatchError {
            #expect(error.message.contains(database))
            #expect(error.message.contains("pid \(getpid())"))
        }
        // Another database is independent; and once the first run ends, the next one starts.
        _ = try WriterLock(database: dir + "/other.sqlite")
        first = nil
        _ = first
        _ = try WriterLock(database: database)
    }
}
