#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#endif
#include <sqlite3.h>

/// Turns off SQLite's allocation statistics, which take a global mutex on every malloc/free.
/// Must run before the library is initialised (before the first open); later calls return
/// SQLITE_MISUSE and change nothing. A C wrapper because Swift cannot call variadic C functions.
static inline int driftwatch_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// Starts write-back of a file's dirty pages without waiting for it (Linux `sync_file_range` with
/// SYNC_FILE_RANGE_WRITE; a no-op elsewhere). A wrapper because the Glibc module does not export it.
static inline int driftwatch_start_writeback(int fd) {
#ifdef __linux__
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
    return 0;
#endif
}
