// A writer's log is written a commit at a time (storage/src/wal_buffer.cpp): the frames of
// a commit reach the file in a few large writes before its sync, another connection reads
// each commit the moment it returns, a write that fails fails the commit and keeps
// nothing of it, and a transaction larger than the page cache reads back what it spilled.
#include <catch2/catch.hpp>

#include <string>

#include "fault_vfs.h"
#include "lifeline/core/errors.h"
#include "lifeline/storage/sqlite.h"
#include "temp_dir.h"

using namespace lifeline;
using namespace lifeline::storage;
using lifeline::testing::FaultVfs;
using lifeline::testing::TempDir;

namespace {

std::int64_t scalar(Connection& c, const char* sql) {
    Statement st(c, sql);
    REQUIRE(st.step());
    return st.get_int(0);
}

// `rows` rows of 1,000 bytes, numbered from `first`, in one transaction.
void insert_rows(Connection& c, int first, int rows) {
    Transaction tx(c);
    for (int i = first; i < first + rows; ++i) {
        Statement st(c, "INSERT INTO t (id, v) VALUES (?, ?)");
        st.bind_all(i, std::string(1000, char('a' + i % 26))).run();
    }
    tx.commit();
}

}  // namespace

TEST_CASE("a commit's log reaches the file in a few writes and is read the moment it returns",
          "[storage][wal]") {
    TempDir dir;
    const std::string path = dir.file("w.db");
    FaultVfs counted;  // beneath the writer's VFS: counts what reaches the file
    Connection writer(path);
    writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    Connection reader(path, Connection::Mode::read_only);

    const auto before = counted.writes();
    insert_rows(writer, 0, 200);  // about 50 pages: 100 writes of SQLite's own
    const auto writes = counted.writes() - before;
    INFO("writes for one commit of 200 rows: " << writes);
    CHECK(writes <= 6);  // 200 KB in pieces of 64 KiB
    CHECK(scalar(reader, "SELECT count(*) FROM t") == 200);
    CHECK(scalar(reader, "SELECT sum(length(v)) FROM t") == 200 * 1000);

    for (int round = 1; round <= 20; ++round) {
        insert_rows(writer, round * 1000, 5);
        CHECK(scalar(reader, "SELECT count(*) FROM t") == 200 + 5 * round);
    }
}

TEST_CASE("a log write that fails fails its commit, which keeps nothing of it",
          "[storage][wal][disk-full]") {
    TempDir dir;
    const std::string path = dir.file("f.db");
    FaultVfs vfs;
    {
        Connection writer(path);
        writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        insert_rows(writer, 0, 10);
        vfs.set_write_budget(50 * 1000);  // less than the commit's frames
        try {
            insert_rows(writer, 100, 100);
            FAIL("the commit returned");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::storage_full);
        }
        CHECK(vfs.failed_writes() >= 1);
        vfs.set_write_budget(-1);
        CHECK(scalar(writer, "SELECT count(*) FROM t") == 10);
        insert_rows(writer, 200, 3);  // the connection goes on
        CHECK(scalar(writer, "SELECT count(*) FROM t") == 13);
    }
    Connection again(path);
    CHECK(scalar(again, "SELECT count(*) FROM t") == 13);
    CHECK(scalar(again, "SELECT count(*) FROM t WHERE id >= 100 AND id < 200") == 0);
    Statement check(again, "PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.get_text(0) == "ok");
}

TEST_CASE("a transaction larger than the page cache reads back the pages it spilled",
          "[storage][wal]") {
    TempDir dir;
    const std::string path = dir.file("s.db");
    Connection writer(path);
    writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    writer.exec("PRAGMA cache_size = 20");  // 20 pages: the transaction spills to the log
    {
        Transaction tx(writer);
        for (int i = 0; i < 6000; ++i) {  // about 6 MB: more than is gathered at once
            Statement st(writer, "INSERT INTO t (id, v) VALUES (?, ?)");
            st.bind_all(i, std::string(1000, char('a' + i % 26))).run();
        }
        // Pages spilled earlier are read back, changed and written again (some over their
        // own frames of this transaction).
        writer.exec("UPDATE t SET v = upper(v) WHERE id % 3 = 0");
        CHECK(scalar(writer, "SELECT count(*) FROM t WHERE v = upper(v)") == 2000);
        tx.commit();
    }
    Connection reader(path, Connection::Mode::read_only);
    CHECK(scalar(reader, "SELECT count(*) FROM t") == 6000);
    CHECK(scalar(reader, "SELECT count(*) FROM t WHERE v = upper(v)") == 2000);
    CHECK(scalar(reader, "SELECT sum(length(v)) FROM t") == 6000 * 1000);
    Statement check(reader, "PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.get_text(0) == "ok");
}
