import DriftwatchCore

extension SQLiteStore {
    /// What SQLite's `quick_check` found: nothing when the file is sound.
    public struct IntegrityCheck: Sendable, Equatable {
        /// One line per problem as SQLite words it (at most `limit`), e.g. `Tree 12 page 40: btreeInitPage() returns error code 11`.
        public var problems: [String]
        public var ok: Bool { problems.isEmpty }
    }

    /// Runs `PRAGMA quick_check` over the whole file: every page of every table and index is read and its
    /// structure checked (not index contents against tables, which `integrity_check` would add at several
    /// times the cost). Damage so bad that the check itself cannot proceed is reported as its one problem.
    public func quickCheck(limit: Int = 100) throws -> IntegrityCheck {
        try withConnection { connection in
            var problems: [String] = []
            do {
                let statement = try connection.prepare("PRAGMA quick_check(\(max(1, limit)))")
                while try statement.step() {
                    let line = statement.text(0) ?? ""
                    if line != "ok" { problems.append(line) }
                }
            } catch let error as DriftwatchError where error.code == .damagedStore {
                problems.append(error.message)
            }
            if !problems.isEmpty { StoreDamage.record(path: path, message: problems[0]) }
            return IntegrityCheck(problems: problems)
        }
    }
}
