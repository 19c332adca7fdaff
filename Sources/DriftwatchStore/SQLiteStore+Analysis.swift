import DriftwatchCore

extension SQLiteStore {
    /// The analyzer's checkpoint (zeroes before the first commit).
    public func analysisCheckpoint() throws -> AnalysisCheckpoint {
        try withConnection { connection in try Self.readCheckpoint(connection) }
    }

    private static func readCheckpoint(_ connection: SQLiteConnection) throws -> AnalysisCheckpoint {
        let statement = try connection.prepare("SELECT name, value FROM analysis_state")
        var checkpoint = AnalysisCheckpoint()
        while try statement.step() {
            let name = statement.text(0) ?? ""
            let value = statement.int64(1)
            switch name {
            case "last_row_id": checkpoint.lastRowID = value
            case "watermark": checkpoint.watermarkMicros = value
            case "next_evaluation": checkpoint.nextEvaluationMicros = value
            default:
                if name.hasPrefix("pending:") { checkpoint.pending[String(name.dropFirst(8))] = Int(value) }
                if name.hasPrefix("recovering:") { checkpoint.recovering[String(name.dropFirst(11))] = Int(value) }
                if name.hasPrefix("records:") { checkpoint.recordCounts[String(name.dropFirst(8))] = value }
            }
        }
        return checkpoint
    }

    /// Stores one analysis step and its checkpoint in one transaction. Returns false, storing nothing, when the
    /// stored checkpoint is no longer `expectedLastRowID` (another analyzer advanced it): the caller reloads.
    @discardableResult
    public func commitAnalysis(_ commit: AnalysisCommit) throws -> Bool {
        try withConnection { connection in
            try connection.transaction {
                guard try Self.readCheckpoint(connection).lastRowID == commit.expectedLastRowID else { return false }
                if !commit.rollups.isEmpty {
                    let statement = try connection.prepare("""
                        INSERT OR REPLACE INTO analysis_rollups
                            (bucket_us, start_us, task, dimension, value, requests, outcomes, successes, counters)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    for row in commit.rollups {
                        statement.bind(1, row.bucketMicros)
                        statement.bind(2, row.startMicros)
                        statement.bind(3, row.task)
                        statement.bind(4, row.dimension)
                        statement.bind(5, row.value)
                        statement.bind(6, row.requests)
                        statement.bind(7, row.outcomes)
                        statement.bind(8, row.successes)
                        statement.bindBlob(9, row.counters)
                        try statement.run()
                    }
                }
                if !commit.versions.isEmpty {
                    let statement = try connection.prepare("""
                        INSERT OR REPLACE INTO analysis_versions (component, version, first_seen_us, last_seen_us, requests)
                        VALUES (?, ?, ?, ?, ?)
                        """)
                    for row in commit.versions {
                        statement.bind(1, row.component)
                        statement.bind(2, row.version)
                        statement.bind(3, row.firstSeenMicros)
                        statement.bind(4, row.lastSeenMicros)
                        statement.bind(5, row.requests)
                        try statement.run()
                    }
                }
                if !commit.incidents.isEmpty {
                    let statement = try connection.prepare("""
                        INSERT OR REPLACE INTO incidents (id, task, status, component, action, started_at, detected_at,
                            updated_at, resolved_at, severity, document, parent_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    for row in commit.incidents {
                        statement.bind(1, row.id)
                        statement.bind(2, row.task)
                        statement.bind(3, row.status)
                        statement.bind(4, row.component)
                        statement.bind(5, row.action)
                        statement.bind(6, row.startedAtMicros)
                        statement.bind(7, row.detectedAtMicros)
                        statement.bind(8, row.updatedAtMicros)
                        statement.bind(9, row.resolvedAtMicros)
                        statement.bind(10, row.severity)
                        statement.bind(11, row.document)
                        statement.bind(12, row.parentID)
                        try statement.run()
                    }
                }
                if !commit.events.isEmpty {
                    let statement = try connection.prepare("""
                        INSERT INTO incident_events (incident_id, kind, at, created_at, document) VALUES (?, ?, ?, ?, ?)
                        """)
                    let now = WallClock.nowMicros()
                    for event in commit.events {
                        statement.bind(1, event.incidentID)
                        statement.bind(2, event.kind)
                        statement.bind(3, event.atMicros)
                        statement.bind(4, now)
                        statement.bind(5, event.document)
                        try statement.run()
                    }
                }
                try connection.execute("DELETE FROM analysis_state")
                let state = try connection.prepare("INSERT INTO analysis_state (name, value) VALUES (?, ?)")
                var values: [(String, Int64)] = [("last_row_id", commit.checkpoint.lastRowID), (Self.analysisCommittedAtKey, WallClock.nowMicros())]
                if let w = commit.checkpoint.watermarkMicros { values.append(("watermark", w)) }
                if let n = commit.checkpoint.nextEvaluationMicros { values.append(("next_evaluation", n)) }
                for (task, count) in commit.checkpoint.pending.sorted(by: { $0.key < $1.key }) { values.append(("pending:" + task, Int64(count))) }
                for (id, count) in commit.checkpoint.recovering.sorted(by: { $0.key < $1.key }) { values.append(("recovering:" + id, Int64(count))) }
                try Self.writeShapes(commit, connection)
                for (reason, count) in commit.checkpoint.recordCounts.sorted(by: { $0.key < $1.key }) { values.append(("records:" + reason, count)) }
                for (name, value) in values {
                    state.bind(1, name)
                    state.bind(2, value)
                    try state.run()
                }
                return true
            }
        }
    }

    private static func writeShapes(_ commit: AnalysisCommit, _ connection: SQLiteConnection) throws {
        if !commit.shapes.isEmpty {
            let statement = try connection.prepare("INSERT OR REPLACE INTO analysis_shapes (id, task, predicates) VALUES (?, ?, ?)")
            for row in commit.shapes {
                statement.bind(1, row.id)
                statement.bind(2, row.task)
                statement.bind(3, row.predicates.map { $0.dimension + "\u{1F}" + $0.value }.joined(separator: "\u{1E}"))
                try statement.run()
            }
        }
        if !commit.shapeBuckets.isEmpty {
            let statement = try connection.prepare("INSERT OR REPLACE INTO analysis_shape_buckets (start_us, counts) VALUES (?, ?)")
            for row in commit.shapeBuckets {
                statement.bind(1, row.startMicros)
                statement.bindBlob(2, row.counts)
                try statement.run()
            }
        }
        if !commit.checkNames.isEmpty {
            let statement = try connection.prepare("INSERT OR REPLACE INTO analysis_checks (position, name) VALUES (?, ?)")
            for (i, name) in commit.checkNames.enumerated() {
                statement.bind(1, Int64(i))
                statement.bind(2, name)
                try statement.run()
            }
        }
    }

    /// Every interned record shape, by id.
    public func analysisShapes() throws -> [AnalysisShapeRow] {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT id, task, predicates FROM analysis_shapes ORDER BY id")
            var rows: [AnalysisShapeRow] = []
            while try statement.step() {
                let text = statement.text(2) ?? ""
                var predicates: [(dimension: String, value: String)] = []
                if !text.isEmpty {
                    for part in text.split(separator: "\u{1E}", omittingEmptySubsequences: false) {
                        let pieces = part.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                        predicates.append((dimension: pieces[0], value: pieces.count > 1 ? pieces[1] : ""))
                    }
                }
                rows.append(AnalysisShapeRow(id: statement.int64(0), task: statement.text(1) ?? "", predicates: predicates))
            }
            return rows
        }
    }

    /// Shape-count buckets starting at or after `from`, oldest first, and the check names by position.
    public func analysisShapeBuckets(from: Int64) throws -> (buckets: [AnalysisShapeBucketRow], checkNames: [String]) {
        try withConnection { connection in
            let statement = try connection.prepare("SELECT start_us, counts FROM analysis_shape_buckets WHERE start_us >= ? ORDER BY start_us")
            statement.bind(1, from)
            var rows: [AnalysisShapeBucketRow] = []
            while try statement.step() { rows.append(AnalysisShapeBucketRow(startMicros: statement.int64(0), counts: statement.blob(1))) }
            let checks = try connection.prepare("SELECT name FROM analysis_checks ORDER BY position")
            var names: [String] = []
            while try checks.step() { names.append(checks.text(0) ?? "") }
            return (rows, names)
        }
    }

    /// Deletes shape-count buckets that start before `before`; returns how many.
    @discardableResult
    public func pruneAnalysisShapeBuckets(before: Int64) throws -> Int {
        try withConnection { connection in
            let statement = try connection.prepare("DELETE FROM analysis_shape_buckets WHERE start_us < ?")
            statement.bind(1, before)
            try statement.run()
            return connection.changes
        }
    }

    /// Rollups of one bucket size starting at or after `from`, oldest first.
    public func analysisRollups(bucketMicros: Int64, from: Int64 = .min) throws -> [AnalysisRollupRow] {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT bucket_us, start_us, task, dimension, value, requests, outcomes, successes, counters
                FROM analysis_rollups WHERE bucket_us = ? AND start_us >= ? ORDER BY start_us, task, dimension, value
                """)
            statement.bind(1, bucketMicros)
            statement.bind(2, from)
            var rows: [AnalysisRollupRow] = []
            while try statement.step() {
                rows.append(AnalysisRollupRow(
                    bucketMicros: statement.int64(0), startMicros: statement.int64(1), task: statement.text(2) ?? "",
                    dimension: statement.text(3) ?? "", value: statement.text(4) ?? "", requests: statement.int64(5),
                    outcomes: statement.int64(6), successes: statement.int64(7), counters: statement.blob(8)))
            }
            return rows
        }
    }

    /// Deletes rollups of one bucket size that start before `before`; returns how many.
    @discardableResult
    public func pruneAnalysisRollups(bucketMicros: Int64, before: Int64) throws -> Int {
        try withConnection { connection in
            let statement = try connection.prepare("DELETE FROM analysis_rollups WHERE bucket_us = ? AND start_us < ?")
            statement.bind(1, bucketMicros)
            statement.bind(2, before)
            try statement.run()
            return connection.changes
        }
    }

    /// The version timeline, by component then first sighting.
    public func analysisVersions() throws -> [AnalysisVersionRow] {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT component, version, first_seen_us, last_seen_us, requests FROM analysis_versions
                ORDER BY component, first_seen_us, version
                """)
            var rows: [AnalysisVersionRow] = []
            while try statement.step() {
                rows.append(AnalysisVersionRow(component: statement.text(0) ?? "", version: statement.text(1) ?? "",
                                               firstSeenMicros: statement.int64(2), lastSeenMicros: statement.int64(3),
                                               requests: statement.int64(4)))
            }
            return rows
        }
    }

    /// Incidents, open first then most recently detected; `status` filters (`open`, `resolved`); `resolvedSince`
    /// keeps resolved incidents only if they resolved at or after it; findings listed under another incident (one
    /// cause on several scopes) only with `members` (the analyzer's own state needs them, reports do not).
    public func incidents(status: String? = nil, resolvedSince: Int64? = nil, limit: Int = 1000,
                          members: Bool = false) throws -> [StoredIncident] {
        try withConnection { connection in
            var terms: [String] = members ? [] : ["parent_id IS NULL"]
            if status != nil { terms.append("status = ?") }
            if resolvedSince != nil { terms.append("(resolved_at IS NULL OR resolved_at >= ?)") }
            let clause = terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND ")
            let statement = try connection.prepare("""
                SELECT id, task, status, component, action, started_at, detected_at, updated_at, resolved_at, severity, document,
                    parent_id
                FROM incidents \(clause) ORDER BY status = 'open' DESC, detected_at DESC, id LIMIT ?
                """)
            var i: Int32 = 1
            if let status { statement.bind(i, status); i += 1 }
            if let resolvedSince { statement.bind(i, resolvedSince); i += 1 }
            statement.bind(i, Int64(limit))
            var rows: [StoredIncident] = []
            while try statement.step() {
                rows.append(StoredIncident(
                    id: statement.text(0) ?? "", task: statement.text(1) ?? "", status: statement.text(2) ?? "",
                    component: statement.text(3) ?? "", action: statement.text(4) ?? "", startedAtMicros: statement.int64(5),
                    detectedAtMicros: statement.int64(6), updatedAtMicros: statement.int64(7),
                    resolvedAtMicros: statement.optionalInt64(8), severity: statement.double(9), document: statement.text(10) ?? "",
                    parentID: statement.text(11)))
            }
            return rows
        }
    }

    /// Incident events with id greater than `id`, oldest first: the feed alerting follows.
    public func incidentEvents(afterID id: Int64 = 0, limit: Int = 1000) throws -> [StoredIncidentEvent] {
        try withConnection { connection in
            let statement = try connection.prepare("""
                SELECT id, incident_id, kind, at, document FROM incident_events WHERE id > ? ORDER BY id LIMIT ?
                """)
            statement.bind(1, id)
            statement.bind(2, Int64(limit))
            var rows: [StoredIncidentEvent] = []
            while try statement.step() {
                rows.append(StoredIncidentEvent(id: statement.int64(0), incidentID: statement.text(1) ?? "",
                                                kind: statement.text(2) ?? "", atMicros: statement.int64(3),
                                                document: statement.text(4) ?? ""))
            }
            return rows
        }
    }
}
