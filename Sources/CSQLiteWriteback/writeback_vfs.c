// An SQLite VFS shim that starts write-back early (see writeback_vfs.h).
//
// Why: with synchronous=NORMAL in WAL mode SQLite fsyncs at every checkpoint, and a checkpoint copies
// up to wal_autocheckpoint pages (128 MiB here) into the database file and then waits for all of them
// to reach the disk. Starting write-back while it copies leaves the fsync little to wait for.
#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include "writeback_vfs.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

typedef struct WritebackFile {
    sqlite3_file base;
    sqlite3_file *real;        // the default VFS's file, allocated right after this struct
    int fd;                    // a read-only descriptor of our own for sync_file_range, or -1
    long long written;         // bytes written since write-back was last started
} WritebackFile;

static sqlite3_vfs *realVfs;
static sqlite3_vfs writebackVfs;
static long long writebackBytes = 4 << 20;
static int registerResult = SQLITE_OK;
static pthread_once_t registerOnce = PTHREAD_ONCE_INIT;

#define REAL(file) (((WritebackFile *)(file))->real)

static void startWriteback(WritebackFile *p) {
#ifdef __linux__
    sync_file_range(p->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
    p->written = 0;
}

static int wbClose(sqlite3_file *file) {
    WritebackFile *p = (WritebackFile *)file;
    int rc = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
    if (p->fd >= 0) close(p->fd);
    p->fd = -1;
    return rc;
}

static int wbRead(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset) {
    return REAL(file)->pMethods->xRead(REAL(file), buffer, amount, offset);
}

static int wbWrite(sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset) {
    WritebackFile *p = (WritebackFile *)file;
    int rc = p->real->pMethods->xWrite(p->real, buffer, amount, offset);
    if (rc == SQLITE_OK && p->fd >= 0) {
        p->written += amount;
        if (p->written >= writebackBytes) startWriteback(p);
    }
    return rc;
}

static int wbTruncate(sqlite3_file *file, sqlite3_int64 size) { return REAL(file)->pMethods->xTruncate(REAL(file), size); }
static int wbSync(sqlite3_file *file, int flags) {
    WritebackFile *p = (WritebackFile *)file;
    p->written = 0;
    return p->real->pMethods->xSync(p->real, flags);
}
static int wbFileSize(sqlite3_file *file, sqlite3_int64 *size) { return REAL(file)->pMethods->xFileSize(REAL(file), size); }
static int wbLock(sqlite3_file *file, int lock) { return REAL(file)->pMethods->xLock(REAL(file), lock); }
static int wbUnlock(sqlite3_file *file, int lock) { return REAL(file)->pMethods->xUnlock(REAL(file), lock); }
static int wbCheckReservedLock(sqlite3_file *file, int *out) { return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out); }
static int wbFileControl(sqlite3_file *file, int op, void *arg) {
    int rc = REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
    // Name this shim in front of the real VFS, as SQLite's own shims do (`PRAGMA vfs`-style reports, tests).
    if (op == SQLITE_FCNTL_VFSNAME && rc == SQLITE_OK) {
        *(char **)arg = sqlite3_mprintf("%s/%z", DRIFTWATCH_WRITEBACK_VFS_NAME, *(char **)arg);
    }
    return rc;
}
static int wbSectorSize(sqlite3_file *file) { return REAL(file)->pMethods->xSectorSize(REAL(file)); }
static int wbDeviceCharacteristics(sqlite3_file *file) { return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file)); }
static int wbShmMap(sqlite3_file *file, int page, int size, int extend, void volatile **out) {
    return REAL(file)->pMethods->xShmMap(REAL(file), page, size, extend, out);
}
static int wbShmLock(sqlite3_file *file, int offset, int n, int flags) { return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags); }
static void wbShmBarrier(sqlite3_file *file) { REAL(file)->pMethods->xShmBarrier(REAL(file)); }
static int wbShmUnmap(sqlite3_file *file, int deleteFlag) { return REAL(file)->pMethods->xShmUnmap(REAL(file), deleteFlag); }
static int wbFetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out) {
    return REAL(file)->pMethods->xFetch(REAL(file), offset, amount, out);
}
static int wbUnfetch(sqlite3_file *file, sqlite3_int64 offset, void *page) { return REAL(file)->pMethods->xUnfetch(REAL(file), offset, page); }

// One method table per version of the real one, so SQLite never calls a method the real file lacks.
static const sqlite3_io_methods methodsV1 = {
    1, wbClose, wbRead, wbWrite, wbTruncate, wbSync, wbFileSize, wbLock, wbUnlock, wbCheckReservedLock,
    wbFileControl, wbSectorSize, wbDeviceCharacteristics, 0, 0, 0, 0, 0, 0,
};
static const sqlite3_io_methods methodsV2 = {
    2, wbClose, wbRead, wbWrite, wbTruncate, wbSync, wbFileSize, wbLock, wbUnlock, wbCheckReservedLock,
    wbFileControl, wbSectorSize, wbDeviceCharacteristics, wbShmMap, wbShmLock, wbShmBarrier, wbShmUnmap, 0, 0,
};
static const sqlite3_io_methods methodsV3 = {
    3, wbClose, wbRead, wbWrite, wbTruncate, wbSync, wbFileSize, wbLock, wbUnlock, wbCheckReservedLock,
    wbFileControl, wbSectorSize, wbDeviceCharacteristics, wbShmMap, wbShmLock, wbShmBarrier, wbShmUnmap, wbFetch, wbUnfetch,
};

static int wbOpen(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    WritebackFile *p = (WritebackFile *)file;
    p->base.pMethods = 0;
    p->real = (sqlite3_file *)&p[1];
    p->fd = -1;
    p->written = 0;
    int rc = realVfs->xOpen(realVfs, name, p->real, flags, outFlags);
    if (rc != SQLITE_OK || !p->real->pMethods) {
        // SQLite calls xClose only on a file whose pMethods is set: close the real one here.
        if (p->real->pMethods) p->real->pMethods->xClose(p->real);
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    if (name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) && !(flags & SQLITE_OPEN_READONLY)) {
        p->fd = open(name, O_RDONLY | O_CLOEXEC);
    }
    int version = p->real->pMethods->iVersion;
    p->base.pMethods = version >= 3 ? &methodsV3 : version == 2 ? &methodsV2 : &methodsV1;
    return SQLITE_OK;
}

static int wbDelete(sqlite3_vfs *vfs, const char *name, int syncDir) { (void)vfs; return realVfs->xDelete(realVfs, name, syncDir); }
static int wbAccess(sqlite3_vfs *vfs, const char *name, int flags, int *out) { (void)vfs; return realVfs->xAccess(realVfs, name, flags, out); }
static int wbFullPathname(sqlite3_vfs *vfs, const char *name, int n, char *out) { (void)vfs; return realVfs->xFullPathname(realVfs, name, n, out); }
static void *wbDlOpen(sqlite3_vfs *vfs, const char *name) { (void)vfs; return realVfs->xDlOpen(realVfs, name); }
static void wbDlError(sqlite3_vfs *vfs, int n, char *out) { (void)vfs; realVfs->xDlError(realVfs, n, out); }
static void (*wbDlSym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) { (void)vfs; return realVfs->xDlSym(realVfs, handle, symbol); }
static void wbDlClose(sqlite3_vfs *vfs, void *handle) { (void)vfs; realVfs->xDlClose(realVfs, handle); }
static int wbRandomness(sqlite3_vfs *vfs, int n, char *out) { (void)vfs; return realVfs->xRandomness(realVfs, n, out); }
static int wbSleep(sqlite3_vfs *vfs, int micros) { (void)vfs; return realVfs->xSleep(realVfs, micros); }
static int wbCurrentTime(sqlite3_vfs *vfs, double *out) { (void)vfs; return realVfs->xCurrentTime(realVfs, out); }
static int wbGetLastError(sqlite3_vfs *vfs, int n, char *out) { (void)vfs; return realVfs->xGetLastError(realVfs, n, out); }
static int wbCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *out) { (void)vfs; return realVfs->xCurrentTimeInt64(realVfs, out); }

static void registerWriteback(void) {
    realVfs = sqlite3_vfs_find(0);
    if (!realVfs) { registerResult = SQLITE_ERROR; return; }
    memset(&writebackVfs, 0, sizeof writebackVfs);
    writebackVfs.iVersion = realVfs->iVersion >= 2 ? 2 : 1;
    writebackVfs.szOsFile = (int)sizeof(WritebackFile) + realVfs->szOsFile;
    writebackVfs.mxPathname = realVfs->mxPathname;
    writebackVfs.zName = DRIFTWATCH_WRITEBACK_VFS_NAME;
    writebackVfs.xOpen = wbOpen;
    writebackVfs.xDelete = wbDelete;
    writebackVfs.xAccess = wbAccess;
    writebackVfs.xFullPathname = wbFullPathname;
    writebackVfs.xDlOpen = wbDlOpen;
    writebackVfs.xDlError = wbDlError;
    writebackVfs.xDlSym = wbDlSym;
    writebackVfs.xDlClose = wbDlClose;
    writebackVfs.xRandomness = wbRandomness;
    writebackVfs.xSleep = wbSleep;
    writebackVfs.xCurrentTime = wbCurrentTime;
    writebackVfs.xGetLastError = wbGetLastError;
    if (writebackVfs.iVersion >= 2) writebackVfs.xCurrentTimeInt64 = wbCurrentTimeInt64;
    registerResult = sqlite3_vfs_register(&writebackVfs, 0);
}

int driftwatch_register_writeback_vfs(long long bytes) {
    if (bytes > 0) writebackBytes = bytes;
    pthread_once(&registerOnce, registerWriteback);
    return registerResult;
}
