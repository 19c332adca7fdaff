/// One numbered, named schema change. Applied in order at open, each in its own transaction,
/// and recorded in `schema_migrations` so it runs once.
package struct StoreMigration: Sendable {
    package var version: Int
    package var name: String
    package var sql: String
    /// Data moved in Swift after `sql`, in the same transaction (for changes SQL alone cannot express).
    var moveData: (@Sendable (SQLiteConnection) throws -> Void)?

    init(version: Int, name: String, sql: String, moveData: (@Sendable (SQLiteConnection) throws -> Void)? = nil) {
        self.version = version
        self.name = name
        self.sql = sql
        self.moveData = moveData
    }
}

extension StoreMigration {
    /// All migrations, oldest first. Append only: never edit one that has shipped.
    package static let all: [StoreMigration] = [
        StoreMigration(version: 1, name: "records, dead letters, file checkpoints", sql: """
            CREATE TABLE records (
                id INTEGER PRIMARY KEY,
                request_id TEXT NOT NULL UNIQUE,
                ts INTEGER NOT NULL,
                service TEXT,
                task TEXT,
                route TEXT,
                model_name TEXT,
                model_version TEXT,
                model_tuned INTEGER,
                template_id TEXT,
                template_version TEXT,
                index_version TEXT,
                outcome TEXT,
                latency_ms REAL,
                tokens_in INTEGER,
                tokens_out INTEGER,
                cost_usd REAL,
                feedback REAL,
                ingested_at INTEGER NOT NULL,
                -- The exact line, as JSON text: unknown fields are kept, and slices and tools are
                -- queryable with json_extract/json_each without extra columns on the hot path.
                raw TEXT NOT NULL
            );
            CREATE INDEX records_ts ON records(ts);
            CREATE INDEX records_task_ts ON records(task, ts);

            CREATE TABLE dead_letters (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                offset INTEGER NOT NULL,
                length INTEGER NOT NULL,
                code TEXT NOT NULL,
                reason TEXT NOT NULL,
                raw BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                UNIQUE (fingerprint, offset)
            );

            CREATE TABLE file_checkpoints (
                fingerprint TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                offset INTEGER NOT NULL,
                device INTEGER NOT NULL,
                inode INTEGER NOT NULL,
                lines INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );

            CREATE TABLE ingest_totals (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );
            """),
        StoreMigration(version: 2, name: "analysis rollups, version timeline, incidents and their events", sql: """
            CREATE TABLE analysis_rollups (
                bucket_us INTEGER NOT NULL,
                start_us INTEGER NOT NULL,
                task TEXT NOT NULL,
                dimension TEXT NOT NULL,
                value TEXT NOT NULL,
                requests INTEGER NOT NULL,
                outcomes INTEGER NOT NULL,
                successes INTEGER NOT NULL,
                counters BLOB NOT NULL,
                PRIMARY KEY (bucket_us, start_us, task, dimension, value)
            ) WITHOUT ROWID;

            CREATE TABLE analysis_versions (
                component TEXT NOT NULL,
                version TEXT NOT NULL,
                first_seen_us INTEGER NOT NULL,
                last_seen_us INTEGER NOT NULL,
                requests INTEGER NOT NULL,
                PRIMARY KEY (component, version)
            ) WITHOUT ROWID;

            CREATE TABLE analysis_state (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );

            CREATE TABLE incidents (
                id TEXT PRIMARY KEY,
                task TEXT NOT NULL,
                status TEXT NOT NULL,
                component TEXT NOT NULL,
                action TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                detected_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                resolved_at INTEGER,
                severity REAL NOT NULL,
                document TEXT NOT NULL
            );
            CREATE INDEX incidents_status ON incidents(status, detected_at);

            CREATE TABLE incident_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                incident_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                document TEXT NOT NULL
            );
            CREATE INDEX incident_events_incident ON incident_events(incident_id, id);
            """),
        StoreMigration(version: 3, name: "drift detector state", sql: """
            CREATE TABLE drift_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_row_id INTEGER NOT NULL,
                state BLOB NOT NULL,
                updated_at INTEGER NOT NULL
            );
            """),
        StoreMigration(version: 4, name: "alerting state, silences and the notification outbox", sql: """
            CREATE TABLE alert_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                document TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );

            CREATE TABLE alert_silences (
                id TEXT PRIMARY KEY,
                matchers TEXT NOT NULL,
                starts_at INTEGER NOT NULL,
                ends_at INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                comment TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );

            CREATE TABLE alert_outbox (
                id TEXT PRIMARY KEY,
                receiver TEXT NOT NULL,
                kind TEXT NOT NULL,
                group_key TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                status TEXT NOT NULL,
                last_error TEXT,
                delivered_at INTEGER
            );
            CREATE INDEX alert_outbox_due ON alert_outbox(status, next_attempt_at);
            """),
        StoreMigration(version: 5, name: "OTLP span journal: acknowledged requests not yet stored as records", sql: """
            CREATE TABLE otlp_journal (
                id INTEGER PRIMARY KEY,
                encoding TEXT NOT NULL,
                body BLOB NOT NULL,
                received_at INTEGER NOT NULL
            );
            CREATE TABLE otlp_journal_traces (
                trace_id BLOB NOT NULL,
                entry_id INTEGER NOT NULL REFERENCES otlp_journal(id) ON DELETE CASCADE,
                PRIMARY KEY (trace_id, entry_id)
            ) WITHOUT ROWID;
            CREATE INDEX otlp_journal_traces_entry ON otlp_journal_traces(entry_id);
            """),
        StoreMigration(version: 6, name: "records in blocks with a request_id key table", sql: """
            CREATE TABLE record_blocks (
                first_row INTEGER PRIMARY KEY,
                last_row INTEGER NOT NULL,
                count INTEGER NOT NULL,
                ts_min INTEGER NOT NULL,
                ts_max INTEGER NOT NULL,
                ingested_at INTEGER NOT NULL,
                columns BLOB NOT NULL,   -- see RecordBlockBuilder for the format
                lines BLOB NOT NULL      -- the raw lines, each followed by a newline
            );
            CREATE INDEX record_blocks_ts_max ON record_blocks(ts_max);
            CREATE TABLE record_keys (
                request_id TEXT PRIMARY KEY,
                row INTEGER NOT NULL
            ) WITHOUT ROWID;
            """, moveData: RecordBlockMigration.moveRowsIntoBlocks),
        StoreMigration(version: 7, name: "record shapes and their per-bucket counts for failure-slice discovery", sql: """
            CREATE TABLE analysis_shapes (
                id INTEGER PRIMARY KEY,   -- the analyzer's shape id, never renumbered
                task TEXT NOT NULL,
                predicates TEXT NOT NULL  -- dimension U+001F value, joined by U+001E, sorted
            );
            CREATE TABLE analysis_shape_buckets (
                start_us INTEGER PRIMARY KEY,
                counts BLOB NOT NULL      -- see ShapeTable.takeDirtyBuckets for the format
            );
            CREATE TABLE analysis_checks (
                position INTEGER PRIMARY KEY,
                name TEXT NOT NULL
            );
            """),
        StoreMigration(version: 8, name: "incidents that share a cause: the incident a finding is listed under", sql: """
            ALTER TABLE incidents ADD COLUMN parent_id TEXT;  -- NULL: an incident of its own
            """),
        StoreMigration(version: 9, name: "the fleet shipper's shipped-up-to cursor (docs/fleet.md)", sql: """
            CREATE TABLE fleet_ship_cursor (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );
            """),
    ]
}
