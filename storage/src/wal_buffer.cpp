#include "wal_buffer.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>

// SQLite writes a commit to the write-ahead log as one frame after another, each with two
// write(2) calls (a 24-byte header, then the page), and then syncs the log. A trip's
// commit is dozens of frames. Here a log's consecutive writes are gathered in memory and
// given to the file in one call before anything that needs them there: a sync (a commit
// is durable only after it), a read, a truncation, a size, a file control, a write
// elsewhere in the file, or closing it. Every other call, and every other file, goes
// straight to SQLite's default VFS, the one registered when the file is opened (a test's
// fault-injecting VFS included).
//
// What other connections read of the log is safe by SQLite's own order: they find frames
// through the shared index, which names a commit's frames only after its sync — with
// synchronous=FULL, which every read-write Connection sets (with NORMAL a commit is shown
// unsynced, and another connection would look for frames still gathered here). What is
// gathered and not yet written is lost in a crash exactly as unsynced frames are: they
// belong to a commit that was never acknowledged.

namespace lifeline::storage {
namespace {

// Gathered writes beyond this are written anyway (a large transaction spilling its pages).
constexpr int max_gathered = 4 << 20;

struct File {
    sqlite3_file base;  // first: what SQLite holds
    sqlite3_file* lower;
    bool gathers;  // a write-ahead log
    char* data;
    int size;
    int capacity;
    sqlite3_int64 start;  // the file offset of data[0]
};

File* file_of(sqlite3_file* p) {
    return reinterpret_cast<File*>(p);
}
sqlite3_file* lower_of(sqlite3_file* p) {
    return file_of(p)->lower;
}

// Writes what is gathered, in pieces of at most 64 KiB: SQLite's unix VFS takes no more
// than 128 KiB in one write. Written or not, it is dropped: after a failure SQLite fails
// the commit and writes its frames again if it tries again.
int flush(File* f) {
    constexpr int piece = 64 << 10;
    int rc = SQLITE_OK;
    for (int done = 0; done < f->size && rc == SQLITE_OK; done += piece)
        rc = f->lower->pMethods->xWrite(f->lower, f->data + done, std::min(piece, f->size - done),
                                        f->start + done);
    f->size = 0;
    return rc;
}

bool gather(File* f, const void* buf, int amount, sqlite3_int64 offset) {
    if (f->size + amount > max_gathered)
        return false;
    if (f->size + amount > f->capacity) {
        const int wanted = std::max(f->size + amount, std::max(f->capacity * 2, 256 << 10));
        auto* grown = static_cast<char*>(sqlite3_realloc(f->data, wanted));
        if (!grown)
            return false;
        f->data = grown;
        f->capacity = wanted;
    }
    if (f->size == 0)
        f->start = offset;
    std::memcpy(f->data + f->size, buf, std::size_t(amount));
    f->size += amount;
    return true;
}

int x_write(sqlite3_file* p, const void* buf, int amount, sqlite3_int64 offset) {
    File* f = file_of(p);
    if (f->gathers) {
        if (f->size > 0 && offset != f->start + f->size) {
            if (const int rc = flush(f); rc != SQLITE_OK)
                return rc;
        }
        if (gather(f, buf, amount, offset))
            return SQLITE_OK;
        if (const int rc = flush(f); rc != SQLITE_OK)
            return rc;
        if (gather(f, buf, amount, offset))
            return SQLITE_OK;
    }
    return f->lower->pMethods->xWrite(f->lower, buf, amount, offset);
}

// Each of these needs the file as written so far.
int x_read(sqlite3_file* p, void* buf, int amount, sqlite3_int64 offset) {
    if (const int rc = flush(file_of(p)); rc != SQLITE_OK)
        return rc;
    return lower_of(p)->pMethods->xRead(lower_of(p), buf, amount, offset);
}
int x_sync(sqlite3_file* p, int flags) {
    if (const int rc = flush(file_of(p)); rc != SQLITE_OK)
        return rc;
    return lower_of(p)->pMethods->xSync(lower_of(p), flags);
}
int x_truncate(sqlite3_file* p, sqlite3_int64 size) {
    if (const int rc = flush(file_of(p)); rc != SQLITE_OK)
        return rc;
    return lower_of(p)->pMethods->xTruncate(lower_of(p), size);
}
int x_file_size(sqlite3_file* p, sqlite3_int64* size) {
    if (const int rc = flush(file_of(p)); rc != SQLITE_OK)
        return rc;
    return lower_of(p)->pMethods->xFileSize(lower_of(p), size);
}
int x_file_control(sqlite3_file* p, int op, void* arg) {
    if (const int rc = flush(file_of(p)); rc != SQLITE_OK)
        return rc;
    return lower_of(p)->pMethods->xFileControl(lower_of(p), op, arg);
}
int x_close(sqlite3_file* p) {
    File* f = file_of(p);
    flush(f);  // SQLite syncs what it needs before closing; nothing more can be reported
    sqlite3_free(f->data);
    f->data = nullptr;
    const int rc = f->lower->pMethods->xClose(f->lower);
    sqlite3_free(f->lower);
    f->lower = nullptr;
    return rc;
}

// The rest as the default VFS does them.
int x_lock(sqlite3_file* p, int level) {
    return lower_of(p)->pMethods->xLock(lower_of(p), level);
}
int x_unlock(sqlite3_file* p, int level) {
    return lower_of(p)->pMethods->xUnlock(lower_of(p), level);
}
int x_check_reserved_lock(sqlite3_file* p, int* out) {
    return lower_of(p)->pMethods->xCheckReservedLock(lower_of(p), out);
}
int x_sector_size(sqlite3_file* p) {
    return lower_of(p)->pMethods->xSectorSize(lower_of(p));
}
int x_device_characteristics(sqlite3_file* p) {
    return lower_of(p)->pMethods->xDeviceCharacteristics(lower_of(p));
}
int x_shm_map(sqlite3_file* p, int region, int size, int extend, void volatile** out) {
    const sqlite3_io_methods* m = lower_of(p)->pMethods;
    return m->iVersion >= 2 ? m->xShmMap(lower_of(p), region, size, extend, out)
                            : SQLITE_IOERR_SHMMAP;
}
int x_shm_lock(sqlite3_file* p, int offset, int n, int flags) {
    const sqlite3_io_methods* m = lower_of(p)->pMethods;
    return m->iVersion >= 2 ? m->xShmLock(lower_of(p), offset, n, flags) : SQLITE_IOERR_SHMLOCK;
}
void x_shm_barrier(sqlite3_file* p) {
    const sqlite3_io_methods* m = lower_of(p)->pMethods;
    if (m->iVersion >= 2)
        m->xShmBarrier(lower_of(p));
}
int x_shm_unmap(sqlite3_file* p, int delete_flag) {
    const sqlite3_io_methods* m = lower_of(p)->pMethods;
    return m->iVersion >= 2 ? m->xShmUnmap(lower_of(p), delete_flag) : SQLITE_OK;
}
int x_fetch(sqlite3_file* p, sqlite3_int64 offset, int amount, void** out) {
    const sqlite3_io_methods* m = lower_of(p)->pMethods;
    if (m->iVersion >= 3)
        return m->xFetch(lower_of(p), offset, amount, out);
    *out = nullptr;
    return SQLITE_OK;
}
int x_unfetch(sqlite3_file* p, sqlite3_int64 offset, void* page) {
    const sqlite3_io_methods* m = lower_of(p)->pMethods;
    return m->iVersion >= 3 ? m->xUnfetch(lower_of(p), offset, page) : SQLITE_OK;
}

const sqlite3_io_methods methods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

sqlite3_vfs vfs;
sqlite3_vfs* unix_vfs = nullptr;  // SQLite's own

int x_open(sqlite3_vfs* self, sqlite3_filename name, sqlite3_file* p, int flags, int* out_flags) {
    sqlite3_vfs* lower = sqlite3_vfs_find(nullptr);
    if (!lower || lower == self)
        lower = unix_vfs;
    File* f = file_of(p);
    std::memset(f, 0, sizeof *f);
    f->lower = static_cast<sqlite3_file*>(sqlite3_malloc(lower->szOsFile));
    if (!f->lower)
        return SQLITE_NOMEM;
    std::memset(f->lower, 0, std::size_t(lower->szOsFile));
    const int rc = lower->xOpen(lower, name, f->lower, flags, out_flags);
    if (!f->lower->pMethods) {
        sqlite3_free(f->lower);
        f->lower = nullptr;
        return rc == SQLITE_OK ? SQLITE_CANTOPEN : rc;
    }
    // Set even when the open failed: SQLite then closes the file through it.
    f->gathers = (flags & SQLITE_OPEN_WAL) != 0;
    p->pMethods = &methods;
    return rc;
}

}  // namespace

const char* wal_buffer_vfs() {
    static std::once_flag once;
    std::call_once(once, [] {
        unix_vfs = sqlite3_vfs_find("unix");
        if (!unix_vfs)
            unix_vfs = sqlite3_vfs_find(nullptr);
        vfs = *unix_vfs;
        vfs.zName = "lifeline-wal-buffer";
        vfs.szOsFile = int(sizeof(File));
        vfs.xOpen = x_open;
        vfs.pNext = nullptr;  // SQLite's list link, set by registration
        sqlite3_vfs_register(&vfs, 0);
    });
    return vfs.zName;
}

}  // namespace lifeline::storage
