// Store-layout experiment: CPU per record that SQLite itself costs for the old layout (a row per
// record with a UNIQUE request_id and two secondary indexes, line inline) and the current one (a
// request_id key row per record, lines and columns in one row per 1,024 records). No JSON decoding:
// the fields are located before the clock starts. Same pragmas as the store (WAL, NORMAL, 32 KiB pages, checkpoints every 4096 pages).
//   cc -O2 -o store_layout Benchmarks/store_layout.c -lsqlite3
//   ./store_layout rows|blocks FILE.jsonl DB [RECORDS] [--nudge]
// --nudge starts write-back after each commit (sync_file_range), as the store does.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t id) { struct timespec t; clock_gettime(id, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static void run(sqlite3 *db, const char *sql) {
    char *e = 0;
    if (sqlite3_exec(db, sql, 0, 0, &e)) { fprintf(stderr, "%s: %s\n", sql, e); exit(1); }
}
// The value of "key":"value" in [p, end), or NULL.
static const char *field(const char *p, const char *end, const char *key, int *n) {
    const char *k = memmem(p, end - p, key, strlen(key));
    if (!k) return NULL;
    k += strlen(key);
    const char *q = memchr(k, '"', end - k);
    *n = (int)(q - k);
    return k;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s rows|blocks FILE DB [RECORDS] [--nudge] [--lines-fraction F]\n", argv[0]); return 2; }
    int blocks = strcmp(argv[1], "blocks") == 0;
    const char *path = argv[2], *dbpath = argv[3];
    int limit = argc > 4 && argv[4][0] != '-' ? atoi(argv[4]) : 1000000;
    int nudge = 0;
    double fraction = 1.0;  /* --lines-fraction F: store the first F of each line, as packed lines would be */
    for (int a = 4; a < argc; a++) {
        if (strcmp(argv[a], "--nudge") == 0) nudge = 1;
        if (strcmp(argv[a], "--lines-fraction") == 0 && a + 1 < argc) fraction = atof(argv[a + 1]);
    }
    int fd = open(path, O_RDONLY);
    struct stat st;
    fstat(fd, &st);
    char *m = mmap(0, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0), *end = m + st.st_size;

    enum { NF = 11 };
    static const char *keys[NF] = {"\"request_id\":\"", "\"service\":\"", "\"task\":\"", "\"route\":\"", "\"name\":\"",
                                   "\"version\":\"", "\"id\":\"", "\"version\":\"", "\"index_version\":\"", "\"outcome\":\"", 0};
    const char **val = calloc((size_t)limit * NF, sizeof *val);
    int *len = calloc((size_t)limit * NF, sizeof *len);
    char **line = calloc(limit, sizeof *line);
    int *linelen = calloc(limit, sizeof *linelen);
    int n = 0;
    for (char *p = m; p < end && n < limit; n++) {
        char *nl = memchr(p, '\n', end - p);
        line[n] = p;
        linelen[n] = (int)(nl - p);
        for (int k = 0; k < NF - 1; k++) val[n * NF + k] = field(p, nl, keys[k], &len[n * NF + k]);
        p = nl + 1;
    }

    unlink(dbpath);
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", dbpath);
    unlink(wal);
    sqlite3 *db;
    sqlite3_open(dbpath, &db);
    run(db, "PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=4096");
    sqlite3_stmt *row = 0, *block = 0;
    if (!blocks) {
        run(db, "CREATE TABLE records (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, ts INTEGER NOT NULL, service TEXT,"
                " task TEXT, route TEXT, model_name TEXT, model_version TEXT, model_tuned INTEGER, template_id TEXT,"
                " template_version TEXT, index_version TEXT, outcome TEXT, latency_ms REAL, tokens_in INTEGER, tokens_out INTEGER,"
                " cost_usd REAL, feedback REAL, ingested_at INTEGER NOT NULL, raw TEXT NOT NULL);"
                " CREATE INDEX records_ts ON records(ts); CREATE INDEX records_task_ts ON records(task, ts);");
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO records VALUES (NULL,?,?,?,?,?,?,?,0,?,?,?,?,2424.1,2503,217,0.0005,1,?,?)", -1, &row, 0);
    } else {
        run(db, "CREATE TABLE record_keys (request_id TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;"
                " CREATE TABLE record_blocks (first_row INTEGER PRIMARY KEY, last_row INTEGER, count INTEGER, ts_min INTEGER,"
                " ts_max INTEGER, ingested_at INTEGER, columns BLOB, lines BLOB); CREATE INDEX record_blocks_ts_max ON record_blocks(ts_max);");
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO record_keys VALUES (?, ?)", -1, &row, 0);
        sqlite3_prepare_v2(db, "INSERT INTO record_blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &block, 0);
    }
    int walfd = -1, dbfd = -1;
    char *lines = malloc(64 << 20);
    size_t used = 0;
    int inblock = 0, first = 1;
    double wall0 = clock_s(CLOCK_MONOTONIC), cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    run(db, "BEGIN");
    for (int i = 0; i < n; i++) {
        long long ts = 1700000000000000LL + i;
        sqlite3_bind_text(row, 1, val[i * NF], len[i * NF], SQLITE_STATIC);
        if (!blocks) {
            sqlite3_bind_int64(row, 2, ts);
            for (int k = 1; k < NF - 1; k++) {
                if (val[i * NF + k]) sqlite3_bind_text(row, 2 + k, val[i * NF + k], len[i * NF + k], SQLITE_STATIC);
                else sqlite3_bind_null(row, 2 + k);
            }
            sqlite3_bind_int64(row, 12, ts);
            sqlite3_bind_text(row, 13, line[i], linelen[i], SQLITE_STATIC);
        } else {
            sqlite3_bind_int64(row, 2, i + 1);
            int kept = (int)(linelen[i] * fraction);
            memcpy(lines + used, line[i], kept);
            lines[used + kept] = '\n';
            used += kept + 1;
            inblock++;
        }
        sqlite3_step(row);
        sqlite3_reset(row);
        if (blocks && (inblock == 1024 || i == n - 1)) {
            // The columns blob is ~40 bytes a record: stand in with that many bytes of the lines.
            sqlite3_bind_int64(block, 1, i + 2 - inblock);
            sqlite3_bind_int64(block, 2, i + 1);
            sqlite3_bind_int64(block, 3, inblock);
            sqlite3_bind_int64(block, 4, ts - inblock);
            sqlite3_bind_int64(block, 5, ts);
            sqlite3_bind_int64(block, 6, ts);
            sqlite3_bind_blob(block, 7, lines, 40 * inblock, SQLITE_STATIC);
            sqlite3_bind_blob(block, 8, lines, used, SQLITE_STATIC);
            sqlite3_step(block);
            sqlite3_reset(block);
            used = 0;
            inblock = 0;
        }
        if (i % 6800 == 6799 || i == n - 1) {  // commits of ~8 MiB, as the tailer's batches
            run(db, "COMMIT");
            if (nudge) {
                if (first) { walfd = open(wal, O_RDONLY); dbfd = open(dbpath, O_RDONLY); first = 0; }
                if (walfd >= 0) sync_file_range(walfd, 0, 0, SYNC_FILE_RANGE_WRITE);
                if (dbfd >= 0) sync_file_range(dbfd, 0, 0, SYNC_FILE_RANGE_WRITE);
            }
            if (i != n - 1) run(db, "BEGIN");
        }
    }
    double wall = clock_s(CLOCK_MONOTONIC) - wall0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    printf("%-6s %d records: %.2f us/record CPU, %.2f us/record wall, %.0f records/s%s", argv[1], n, cpu / n * 1e6,
           wall / n * 1e6, n / wall, nudge ? " (write-back nudged)" : "");
    if (fraction != 1.0) printf(" (lines cut to %.0f%%)", fraction * 100);
    printf("\n");
    sqlite3_close(db);
    return 0;
}
