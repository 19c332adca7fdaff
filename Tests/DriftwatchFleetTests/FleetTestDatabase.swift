import DriftwatchFleet
import Foundation
import Logging
import Testing

/// A PostgreSQL database of its own for one test, on the server `DRIFTWATCH_TEST_PG_URL` names (Scripts/test.sh
/// starts a throwaway cluster and sets it). Without the variable the fleet tests fail, saying so: they are never
/// skipped silently.
struct FleetTestDatabase: Sendable {
    static let variable = "DRIFTWATCH_TEST_PG_URL"

    struct NoServer: Error, CustomStringConvertible {
        var description: String {
            "\(FleetTestDatabase.variable) is not set: the fleet tests need a PostgreSQL server. Scripts/test.sh starts one; or export \(FleetTestDatabase.variable)=postgres://postgres@127.0.0.1:5432/postgres (a user that may CREATE DATABASE)"
        }
    }

    let server: FleetURL
    let name: String
    /// The URL of this test's database.
    var url: String {
        let auth = server.password.map { "\(server.username):\($0)" } ?? server.username
        return "postgres://\(auth)@\(server.host):\(server.port)/\(name)?sslmode=disable"
    }

    var fleetURL: FleetURL { get throws { try FleetURL(url) } }

    static var logger: Logger {
        var logger = Logger(label: "fleet-tests")
        logger.logLevel = .warning
        return logger
    }

    /// Creates a fresh database; `drop()` removes it.
    static func create() async throws -> FleetTestDatabase {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { throw NoServer() }
        let server = try FleetURL(text, source: variable)
        let name = "dw_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await FleetStore.withStore(url: server, logger: logger) { store in
            try await store.execute("CREATE DATABASE \(name)")
        }
        return FleetTestDatabase(server: server, name: String(name))
    }

    func drop() async {
        _ = try? await FleetStore.withStore(url: server, logger: Self.logger) { store in
            try await store.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// Runs `body` with a fresh database, dropped afterwards whatever happened.
    static func with<R: Sendable>(_ body: (FleetTestDatabase) async throws -> R) async throws -> R {
        let db = try await create()
        do {
            let result = try await body(db)
            await db.drop()
            return result
        } catch {
            await db.drop()
            throw error
        }
    }
}
