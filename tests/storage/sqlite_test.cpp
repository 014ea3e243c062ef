#include <catch2/catch.hpp>

#include "lifeline/core/errors.h"
#include "lifeline/storage/migrations.h"
#include "lifeline/storage/sqlite.h"
#include "temp_dir.h"

using namespace lifeline::storage;
using lifeline::testing::TempDir;

TEST_CASE("migrations bring a new file to the latest version and are idempotent",
          "[storage][migrations]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    REQUIRE(conn.user_version() == 0);
    migrate(conn);
    CHECK(conn.user_version() == latest_schema_version());
    migrate(conn);  // nothing left to do
    CHECK(conn.user_version() == latest_schema_version());

    Statement st(conn, "SELECT count(*) FROM sqlite_master WHERE name = 'trips'");
    REQUIRE(st.step());
    CHECK(st.get_int(0) == 1);
}

TEST_CASE("a database newer than the build is refused", "[storage][migrations]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    conn.exec("PRAGMA user_version = 999");
    CHECK_THROWS_AS(migrate(conn), lifeline::Error);
}

TEST_CASE("connections use WAL, foreign keys and full sync", "[storage][sqlite]") {
    TempDir dir;
    Connection conn(dir.file("p.db"));
    Statement mode(conn, "PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.get_text(0) == "wal");
    Statement fk(conn, "PRAGMA foreign_keys");
    REQUIRE(fk.step());
    CHECK(fk.get_int(0) == 1);
    Statement sync(conn, "PRAGMA synchronous");
    REQUIRE(sync.step());
    CHECK(sync.get_int(0) == 2);  // FULL
}

TEST_CASE("the transaction guard rolls back unless committed", "[storage][transaction]") {
    TempDir dir;
    Connection conn(dir.file("t.db"));
    conn.exec("CREATE TABLE t (x INTEGER)");
    auto count = [&] {
        Statement st(conn, "SELECT count(*) FROM t");
        st.step();
        return st.get_int(0);
    };

    SECTION("destroyed without commit") {
        {
            Transaction tx(conn);
            Statement(conn, "INSERT INTO t VALUES (1)").run();
            CHECK(count() == 1);
        }
        CHECK(count() == 0);
    }
    SECTION("an exception unwinds through it") {
        try {
            Transaction tx(conn);
            Statement(conn, "INSERT INTO t VALUES (1)").run();
            throw std::runtime_error("boom");
        } catch (const std::runtime_error&) {
        }
        CHECK(count() == 0);
    }
    SECTION("committed") {
        {
            Transaction tx(conn);
            Statement(conn, "INSERT INTO t VALUES (1)").run();
            tx.commit();
        }
        CHECK(count() == 1);
    }
}

TEST_CASE("statements bind every value and report constraint violations", "[storage][sqlite]") {
    Connection conn(":memory:");
    conn.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, km REAL, note TEXT)");
    Statement ins(conn, "INSERT INTO t (name, km, note) VALUES (?, ?, ?)");
    std::optional<std::string> none;
    ins.bind_all(std::string("王'; DROP TABLE t; --"), 12.5, none).run();
    Statement sel(conn, "SELECT name, km, note FROM t");
    REQUIRE(sel.step());
    CHECK(sel.get_text(0) == "王'; DROP TABLE t; --");
    CHECK(sel.get_double(1) == 12.5);
    CHECK_FALSE(sel.get_opt_text(2).has_value());

    ins.reset();
    ins.bind_all(std::string("王'; DROP TABLE t; --"), 1.0, none);
    try {
        ins.run();
        FAIL("expected a constraint violation");
    } catch (const SqliteError& e) {
        CHECK(e.is_constraint());
    }
}
