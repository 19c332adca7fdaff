public import DriftwatchStore

/// What `driftwatch status --check` prints when `quick_check` finds the store damaged (exit status 1): the file and
/// SQLite's description of each problem. A sound store gets the usual status with `integrity` filled instead.
public struct IntegrityReport: Sendable, Codable, Equatable {
    public var database: String
    public var integrity: StatusReport.Integrity

    public init(database: String, check: SQLiteStore.IntegrityCheck) {
        self.database = database
        self.integrity = StatusReport.Integrity(check)
    }

    public func render(_ format: OutputFormat) throws -> String {
        if format == .json { return try ReportJSON.encode(self) }
        var lines = ["the database \(database) is DAMAGED: SQLite's quick_check found \(integrity.problems.count) problem\(integrity.problems.count == 1 ? "" : "s"):"]
        lines += integrity.problems.map { "  \($0)" }
        lines += [
            "",
            "Stop `driftwatch run` on it, then restore the file from a backup, or salvage what can be read:",
            "  sqlite3 \(database) .recover | sqlite3 recovered.sqlite",
            "and point `database:` (or --db) at the recovered file. Log lines still on disk can be read again into a new store.",
        ]
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}

extension StatusReport {
    /// The result of `status --check` (`quick_check` over every page); nil when not asked for.
    public struct Integrity: Sendable, Codable, Equatable {
        public var ok: Bool
        public var problems: [String]

        public init(_ check: SQLiteStore.IntegrityCheck) {
            ok = check.ok
            problems = check.problems
        }
    }
}
