/// One numbered step of the fleet store's PostgreSQL schema. Applied in order on first use, each in the
/// transaction that records it in `fleet_schema`, under an advisory lock so sidecars starting together apply it once.
struct FleetMigration: Sendable {
    let version: Int
    let name: String
    let statements: [String]

    /// Keys are (node, bucket, scope): a sidecar replaces its own rows whole, so a shipment sent twice changes
    /// nothing, and the central view sums the nodes' rows.
    static let all: [FleetMigration] = [
        FleetMigration(version: 1, name: "nodes, rollup buckets, version timeline, record shapes", statements: [
            """
            CREATE TABLE fleet_nodes (
                node text PRIMARY KEY,
                bucket_us bigint NOT NULL,          -- the analyzer's fine bucket on that node
                watermark_us bigint,                -- its newest analysed record time
                analysis_row_id bigint NOT NULL,    -- its analyzer checkpoint when shipped
                records bigint NOT NULL,            -- stored records, dead letters and duplicates skipped (status's counts)
                dead_letters bigint NOT NULL,
                duplicates bigint NOT NULL,
                record_counts text NOT NULL,        -- what the analyzer did with records, reason=count joined by ','
                check_names text NOT NULL,          -- the node's shape-count check names by position, joined by U+001E
                shipments bigint NOT NULL,
                shipped_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE fleet_rollups (
                node text NOT NULL,
                bucket_us bigint NOT NULL,
                start_us bigint NOT NULL,
                task text NOT NULL,
                dimension text NOT NULL,            -- '' for the whole task
                value text NOT NULL,
                requests bigint NOT NULL,
                outcomes bigint NOT NULL,
                successes bigint NOT NULL,
                counters bytea NOT NULL,            -- MetricCounters.serializedBytes()
                PRIMARY KEY (node, bucket_us, start_us, task, dimension, value)
            )
            """,
            "CREATE INDEX fleet_rollups_by_start ON fleet_rollups (bucket_us, start_us)",
            """
            CREATE TABLE fleet_versions (
                node text NOT NULL,
                component text NOT NULL,
                version text NOT NULL,
                first_seen_us bigint NOT NULL,
                last_seen_us bigint NOT NULL,
                requests bigint NOT NULL,
                PRIMARY KEY (node, component, version)
            )
            """,
            """
            CREATE TABLE fleet_shapes (
                node text NOT NULL,
                id bigint NOT NULL,                 -- the node's shape id (each node numbers its own)
                task text NOT NULL,
                predicates text NOT NULL,           -- dimension U+001F value, joined by U+001E
                PRIMARY KEY (node, id)
            )
            """,
            """
            CREATE TABLE fleet_shape_buckets (
                node text NOT NULL,
                bucket_us bigint NOT NULL,
                start_us bigint NOT NULL,
                counts bytea NOT NULL,              -- ShapeTable's bucket format, in the node's shape ids and check order
                PRIMARY KEY (node, bucket_us, start_us)
            )
            """,
        ]),
        FleetMigration(version: 2, name: "the central role's lease and alert state", statements: [
            """
            CREATE TABLE fleet_central (
                name text PRIMARY KEY,              -- 'central': one lease per fleet store
                holder text NOT NULL,               -- the holding process: node name, process id, a random suffix
                acquired_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,    -- renewed every pass; another central takes over once it is past
                alert_state text                    -- the leader's alert state once its notifications were delivered
            )
            """,
        ]),
    ]
}
