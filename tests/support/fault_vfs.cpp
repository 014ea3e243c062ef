#include "fault_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace lifeline::testing {
namespace {

// Our file: the owner's fault switches, and the real file right behind it in memory.
struct FaultFile {
    sqlite3_file base;
    FaultVfs* owner;
    sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* f) {
    return reinterpret_cast<FaultFile*>(f)->real;
}

int x_close(sqlite3_file* f) {
    sqlite3_file* real = real_of(f);
    return real->pMethods ? real->pMethods->xClose(real) : SQLITE_OK;
}
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
    return real_of(f)->pMethods->xRead(real_of(f), buf, amount, offset);
}
int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    if (!reinterpret_cast<FaultFile*>(f)->owner->take_write(amount))
        return SQLITE_FULL;
    return real_of(f)->pMethods->xWrite(real_of(f), buf, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
    if (reinterpret_cast<FaultFile*>(f)->owner->sync_fails())
        return SQLITE_IOERR_FSYNC;
    return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int x_lock(sqlite3_file* f, int level) {
    return real_of(f)->pMethods->xLock(real_of(f), level);
}
int x_unlock(sqlite3_file* f, int level) {
    return real_of(f)->pMethods->xUnlock(real_of(f), level);
}
int x_check_reserved_lock(sqlite3_file* f, int* out) {
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
    return real_of(f)->pMethods->xSectorSize(real_of(f));
}
int x_device_characteristics(sqlite3_file* f) {
    return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return real_of(f)->pMethods->xShmMap(real_of(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
    real_of(f)->pMethods->xShmBarrier(real_of(f));
}
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
    return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag);
}
// No memory-mapped reads: every page goes through xRead, so no fault is bypassed.
int x_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
    *out = nullptr;
    return SQLITE_OK;
}
int x_unfetch(sqlite3_file*, sqlite3_int64, void*) {
    return SQLITE_OK;
}

const sqlite3_io_methods fault_methods = {
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

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* owner = static_cast<FaultVfs*>(vfs->pAppData);
    sqlite3_vfs* lower = owner->lower();
    auto* ours = reinterpret_cast<FaultFile*>(file);
    ours->owner = owner;
    ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
    ours->base.pMethods = nullptr;
    int rc = lower->xOpen(lower, name, ours->real, flags, out_flags);
    if (ours->real->pMethods)
        ours->base.pMethods = &fault_methods;
    return rc;
}

}  // namespace

FaultVfs::FaultVfs() {
    previous_ = sqlite3_vfs_find(nullptr);
    if (!previous_)
        throw std::runtime_error("no default SQLite VFS");
    vfs_ = new sqlite3_vfs(*previous_);
    vfs_->zName = "lifeline-fault";
    vfs_->szOsFile = int(sizeof(FaultFile)) + previous_->szOsFile;
    vfs_->pAppData = this;
    vfs_->xOpen = x_open;
    vfs_->pNext = nullptr;  // SQLite's list link, set by registration
    sqlite3_vfs_register(vfs_, 1);
}

FaultVfs::~FaultVfs() {
    sqlite3_vfs_unregister(vfs_);
    sqlite3_vfs_register(previous_, 1);
    delete vfs_;
}

bool FaultVfs::take_write(std::int64_t bytes) {
    ++writes_;
    std::int64_t left = budget_.load();
    for (;;) {
        if (left < 0)
            return true;
        if (left < bytes) {
            budget_ = 0;
            ++failed_writes_;
            return false;
        }
        if (budget_.compare_exchange_weak(left, left - bytes))
            return true;
    }
}

bool FaultVfs::sync_fails() {
    if (!fail_sync_)
        return false;
    ++failed_syncs_;
    return true;
}

}  // namespace lifeline::testing
