#include <sqlite3.h>

/// Turns off SQLite's allocation statistics, which take a global mutex on every malloc/free.
/// Must run before the library is initialised (before the first open); later calls return
/// SQLITE_MISUSE and change nothing. A C wrapper because Swift cannot call variadic C functions.
static inline int driftwatch_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
