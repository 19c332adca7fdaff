import PostgresNIO

/// Plain statements for tests and tools in this package (creating a test database, reading rows back as text).
extension FleetStore {
    package func execute(_ sql: String) async throws {
        do { try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger) } catch { throw failure(sql, error) }
    }

    package func count(_ sql: String) async throws -> Int64 {
        var n: Int64 = 0
        do {
            for try await v in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) { n = v }
        } catch { throw failure(sql, error) }
        return n
    }

    package func lines(_ sql: String) async throws -> [String] {
        var out: [String] = []
        do {
            for try await v in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) { out.append(v) }
        } catch { throw failure(sql, error) }
        return out
    }
}
