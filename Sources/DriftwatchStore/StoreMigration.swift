/// One numbered, named schema change. Applied in order at open, each in its own transaction,
/// and recorded in `schema_migrations` so it runs once.
package struct StoreMigration: Sendable {
    package var version: Int
    package var name: String
    package var sql: String
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
    ]
}
