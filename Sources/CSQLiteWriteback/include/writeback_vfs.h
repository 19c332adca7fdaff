#ifndef DRIFTWATCH_WRITEBACK_VFS_H
#define DRIFTWATCH_WRITEBACK_VFS_H

/// Registers (once; later calls do nothing) an SQLite VFS named "driftwatch-writeback" over the default
/// one. It forwards everything, and after every `bytes` written to a database or WAL file it starts the
/// kernel writing that file's dirty pages to disk without waiting (Linux `sync_file_range` with
/// SYNC_FILE_RANGE_WRITE; elsewhere nothing), what RocksDB's `bytes_per_sync` does. Returns SQLITE_OK,
/// or SQLite's error code. Durability is unchanged: SQLite's own fsyncs still decide what is durable.
int driftwatch_register_writeback_vfs(long long bytes);

/// The name to pass to `sqlite3_open_v2`.
#define DRIFTWATCH_WRITEBACK_VFS_NAME "driftwatch-writeback"

#endif
