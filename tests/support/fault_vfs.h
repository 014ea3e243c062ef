#pragma once
// A SQLite VFS that fails on purpose, the way SQLite's own tests inject I/O faults: it
// wraps the platform's default VFS and, while installed as the process default, makes
// writes fail with SQLITE_FULL once a byte budget is spent, or makes every fsync fail.
// Connections opened while it is installed go through it; install it before opening the
// database and keep it until every connection is closed.

#include <atomic>
#include <cstdint>

struct sqlite3_vfs;

namespace lifeline::testing {

class FaultVfs {
  public:
    FaultVfs();   // registers itself as the default VFS
    ~FaultVfs();  // restores the previous default
    FaultVfs(const FaultVfs&) = delete;
    FaultVfs& operator=(const FaultVfs&) = delete;

    // Bytes that may still be written before writes fail with SQLITE_FULL; -1: no limit.
    void set_write_budget(std::int64_t bytes) { budget_ = bytes; }
    // While set, every xSync fails with SQLITE_IOERR_FSYNC.
    void set_fail_sync(bool fail) { fail_sync_ = fail; }

    std::int64_t writes() const { return writes_; }  // write calls, failed ones included
    std::int64_t failed_writes() const { return failed_writes_; }
    std::int64_t failed_syncs() const { return failed_syncs_; }

    // Used by the file methods; not for tests.
    bool take_write(std::int64_t bytes);
    bool sync_fails();
    sqlite3_vfs* lower() const { return previous_; }

  private:
    std::atomic<std::int64_t> budget_{-1};
    std::atomic<bool> fail_sync_{false};
    std::atomic<std::int64_t> writes_{0};
    std::atomic<std::int64_t> failed_writes_{0};
    std::atomic<std::int64_t> failed_syncs_{0};
    sqlite3_vfs* vfs_ = nullptr;
    sqlite3_vfs* previous_ = nullptr;
};

}  // namespace lifeline::testing
