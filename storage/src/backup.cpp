#include "lifeline/storage/backup.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "lifeline/storage/sqlite.h"

namespace lifeline::storage {

int backup(const std::string& source, const std::string& destination) {
    if (!std::filesystem::exists(source))
        throw std::runtime_error("no database at '" + source + "'");
    const std::string partial = destination + ".partial";
    std::filesystem::remove(partial);
    int pages = 0;
    {
        Connection from(source, Connection::Mode::read_only);
        Connection to(partial, Connection::Mode::read_write);
        sqlite3_backup* b = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
        if (!b)
            throw SqliteError(sqlite3_errcode(to.handle()), sqlite3_errmsg(to.handle()));
        int rc;
        // Small steps with pauses let the server's writer carry on while we copy; a
        // write in between restarts the copy from the changed pages, as SQLite documents.
        do {
            rc = sqlite3_backup_step(b, 256);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        pages = sqlite3_backup_pagecount(b);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE)
            throw SqliteError(rc, std::string("backup: ") + sqlite3_errstr(rc));
        // The copy must stand alone: fold its WAL into the main file.
        to.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        to.exec("PRAGMA journal_mode = DELETE");
    }
    std::filesystem::rename(partial, destination);
    return pages;
}

}  // namespace lifeline::storage
