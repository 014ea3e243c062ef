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

namespace {

std::int64_t scalar(Connection& conn, const char* sql) {
    Statement st(conn, sql);
    REQUIRE(st.step());
    return st.get_int(0);
}

// Trips whose completed_rides differs from a count of their rides.
std::int64_t miscounted_trips(Connection& conn) {
    return scalar(conn,
                  "SELECT count(*) FROM trips t WHERE t.completed_rides <> (SELECT count(*) "
                  "FROM rides r WHERE r.trip_id = t.id AND r.outcome = 'completed')");
}

// Driver 1 (user 1 logs for them), vehicle 1 and patient 1: what a trip and its rides
// refer to, in every schema version.
void add_trip_parents(Connection& conn) {
    conn.exec(R"sql(
INSERT INTO drivers (id, name, home_lat, home_lon) VALUES (1, 'Wang', 43.8, 126.5);
INSERT INTO users (id, username, password_hash, role, created_at)
    VALUES (1, 'admin', 'x', 'admin', 0);
INSERT INTO vehicles (id, plate, seats, driver_id) VALUES (1, 'A1', 4, 1);
INSERT INTO patients (id, name, lat, lon, mobility) VALUES (1, 'Sun', 43.9, 126.6, 'ambulatory');
)sql");
}

}  // namespace

TEST_CASE("migration 2 counts the completed rides of every trip already logged",
          "[storage][migrations]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    migrate(conn, 1);  // the file as the first release left it, with a ledger
    REQUIRE(conn.user_version() == 1);
    add_trip_parents(conn);
    conn.exec(R"sql(
INSERT INTO trips (id, driver_id, vehicle_id, started_at, ended_at, odometer_start,
                   odometer_end, created_by)
    VALUES (1, 1, 1, 100, 200, 10, 20, 1), (2, 1, 1, 300, 400, 20, 30, 1),
           (3, 1, 1, 500, NULL, 30, NULL, 1);
INSERT INTO rides (trip_id, patient_id, outcome) VALUES
    (1, 1, 'completed'), (1, 1, 'completed'), (1, 1, 'no_show'),
    (2, 1, 'cancelled'), (3, 1, 'aboard');
)sql");
    migrate(conn);
    REQUIRE(conn.user_version() == latest_schema_version());
    CHECK(scalar(conn, "SELECT completed_rides FROM trips WHERE id = 1") == 2);
    CHECK(scalar(conn, "SELECT completed_rides FROM trips WHERE id = 2") == 0);
    CHECK(miscounted_trips(conn) == 0);
}

TEST_CASE("migration 3 makes usernames unique regardless of case", "[storage][migrations]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    migrate(conn, 2);
    conn.exec(R"sql(
INSERT INTO users (id, username, password_hash, role, created_at) VALUES
    (1, 'admin', 'x', 'admin', 0), (2, 'Wang.Li', 'x', 'dispatcher', 0);
)sql");

    SECTION("a file without clashes is upgraded, and the index refuses a case variant") {
        migrate(conn);
        REQUIRE(conn.user_version() == latest_schema_version());
        CHECK_THROWS_AS(conn.exec("INSERT INTO users (username, password_hash, role, created_at) "
                                  "VALUES ('wang.li', 'x', 'driver', 0)"),
                        SqliteError);
        CHECK(scalar(conn, "SELECT id FROM users WHERE username = 'WANG.LI' COLLATE NOCASE") == 2);
    }
    SECTION("a file holding two usernames that differ only by case is refused, naming them") {
        conn.exec(
            "INSERT INTO users (id, username, password_hash, role, created_at) "
            "VALUES (3, 'Admin', 'x', 'driver', 0), (4, 'WANG.LI', 'x', 'driver', 0)");
        try {
            migrate(conn);
            FAIL("migrated");
        } catch (const lifeline::Error& e) {
            const std::string what = e.what();
            INFO(what);
            CHECK(what.find("'admin' (id 1) and 'Admin' (id 3)") != std::string::npos);
            CHECK(what.find("'Wang.Li' (id 2) and 'WANG.LI' (id 4)") != std::string::npos);
            CHECK(what.find("UPDATE users SET username") != std::string::npos);
        }
        CHECK(conn.user_version() == 2);
        CHECK(scalar(conn, "SELECT count(*) FROM users") == 4);
    }
}

TEST_CASE("migration 4 gives every vehicle a colour, empty for those there were",
          "[storage][migrations][color]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    migrate(conn, 3);
    conn.exec("INSERT INTO vehicles (id, plate, seats) VALUES (1, 'A1', 4)");
    migrate(conn, 4);
    REQUIRE(conn.user_version() == 4);
    Statement st(conn, "SELECT color FROM vehicles WHERE id = 1");
    REQUIRE(st.step());
    CHECK(st.get_text(0) == "");
    conn.exec("UPDATE vehicles SET color = '白色' WHERE id = 1");
    CHECK(scalar(conn, "SELECT count(*) FROM vehicles WHERE color = '白色'") == 1);
}

TEST_CASE("upgrading links the two legs of each generated session and dates cancellations",
          "[storage][migrations][cancel]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    migrate(conn, 4);
    conn.exec(
        "INSERT INTO patients (id, name, lat, lon, mobility) VALUES (1, 'p', 43.8, 126.5, "
        "'ambulatory');"
        "INSERT INTO requests (id, patient_id, direction, service_date, pickup_lat, pickup_lon, "
        "dropoff_lat, dropoff_lon, status, source, schedule_key, session_date, created_at, "
        "updated_at) VALUES "
        "(1, 1, 'to_center', '2022-03-14', 43.8, 126.5, 43.8, 126.5, 'pending', 'schedule', "
        "'1:2022-03-14:to_center', '2022-03-14', 10, 10),"
        "(2, 1, 'home', '2022-03-14', 43.8, 126.5, 43.8, 126.5, 'cancelled', 'schedule', "
        "'1:2022-03-14:home', '2022-03-14', 10, 20),"
        "(3, 1, 'to_center', '2022-03-16', 43.8, 126.5, 43.8, 126.5, 'pending', 'schedule', "
        "'1:2022-03-16:to_center', '2022-03-16', 10, 10),"
        "(4, 1, 'other', '2022-03-16', 43.8, 126.5, 43.8, 126.5, 'pending', 'manual', NULL, "
        "NULL, 10, 10)");
    migrate(conn);
    CHECK(scalar(conn, "SELECT linked_request_id FROM requests WHERE id = 1") == 2);
    CHECK(scalar(conn, "SELECT linked_request_id FROM requests WHERE id = 2") == 1);
    // A session whose ride home is not there, and a manual request: no link.
    CHECK(scalar(conn,
                 "SELECT count(*) FROM requests WHERE id IN (3, 4) "
                 "AND linked_request_id IS NULL") == 2);
    CHECK(scalar(conn, "SELECT cancelled_at FROM requests WHERE id = 2") == 20);
    CHECK(scalar(conn, "SELECT count(*) FROM requests WHERE cancelled_at IS NOT NULL") == 1);
}

TEST_CASE("migration 10 keeps every ride and checks its outcome without a temporary index",
          "[storage][migrations]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    migrate(conn, 9);
    add_trip_parents(conn);
    conn.exec(R"sql(
INSERT INTO trips (id, driver_id, vehicle_id, started_at, ended_at, odometer_start,
                   odometer_end, created_by, completed_rides)
    VALUES (1, 1, 1, 100, 200, 10, 20, 1, 1), (2, 1, 1, 300, NULL, 20, NULL, 1, 0);
INSERT INTO rides (id, trip_id, patient_id, picked_up_at, dropped_off_at, odometer_pickup,
                   odometer_dropoff, outcome) VALUES
    (7, 1, 1, 110, 150, 11, 15, 'completed'), (8, 1, 1, NULL, NULL, NULL, NULL, 'no_show'),
    (9, 2, 1, 310, NULL, 21, NULL, 'aboard');
)sql");
    migrate(conn);
    REQUIRE(conn.user_version() == latest_schema_version());
    CHECK(scalar(conn, "SELECT count(*) FROM rides") == 3);
    CHECK(scalar(conn, "SELECT sum(id * odometer_pickup) FROM rides WHERE trip_id = 1") == 77);
    CHECK(scalar(conn, "SELECT count(*) FROM rides WHERE outcome = 'aboard' AND id = 9") == 1);
    CHECK(miscounted_trips(conn) == 0);
    CHECK(scalar(conn, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(scalar(conn,
                 "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'rides' "
                 "AND name IN ('rides_by_patient', 'rides_for_reports')") == 2);

    // The same rule: an outcome outside the four is refused.
    CHECK_THROWS_AS(conn.exec("INSERT INTO rides (trip_id, patient_id, outcome) "
                              "VALUES (2, 1, 'lost')"),
                    SqliteError);
    conn.exec("INSERT INTO rides (trip_id, patient_id, outcome) VALUES (2, 1, 'cancelled')");
    // ...checked without building a temporary index of the list for each row written.
    Statement plan(conn,
                   "EXPLAIN INSERT INTO rides (trip_id, patient_id, outcome) VALUES (?, ?, ?)");
    int ephemeral = 0;
    while (plan.step())
        ephemeral += plan.get_text(1) == "OpenEphemeral";
    CHECK(ephemeral == 0);
}

TEST_CASE("a database newer than the build is refused", "[storage][migrations]") {
    TempDir dir;
    Connection conn(dir.file("m.db"));
    conn.exec("PRAGMA user_version = 999");
    CHECK_THROWS_AS(migrate(conn), lifeline::Error);
}

TEST_CASE("connections use WAL, foreign keys, full sync and journals in memory",
          "[storage][sqlite]") {
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
    Statement temp(conn, "PRAGMA temp_store");
    REQUIRE(temp.step());
    CHECK(temp.get_int(0) == 2);  // MEMORY: a job's savepoint journals never go to a file
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
