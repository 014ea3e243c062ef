// The lifeline command line: help, start-up refusals, migrate, backup, clean stop.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>

#include "fixture.h"

using namespace lifeline::test;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::int64_t count_rows(const std::string& path, const char* table) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    std::string sql = std::string("SELECT count(*) FROM ") + table;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    auto n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

}  // namespace

TEST_CASE("every command explains itself", "[cli]") {
    auto [rc, out] = run_lifeline({"--help"});
    CHECK(rc == 0);
    CHECK(contains(out, "serve"));
    CHECK(contains(out, "backup"));
    for (const char* cmd : {"serve", "migrate", "backup"}) {
        auto [c, text] = run_lifeline({cmd, "--help"});
        INFO(cmd << ": " << text);
        CHECK(c == 0);
        CHECK(contains(text, std::string("lifeline ") + cmd));
    }
    auto [bad, text] = run_lifeline({"fly"});
    CHECK(bad == 2);
    CHECK(contains(text, "unknown command"));
}

TEST_CASE("errors exit non-zero with one clear line", "[cli]") {
    lifeline::testing::TempDir dir;
    SECTION("no admin account and no LIFELINE_ADMIN_PASSWORD") {
        auto [rc, out] =
            run_lifeline({"serve", "--db", dir.file("a.db"), "--listen", "127.0.0.1:0"},
                         {"LIFELINE_ADMIN_PASSWORD="});
        CHECK(rc == 1);
        CHECK(contains(out, "LIFELINE_ADMIN_PASSWORD"));
        CHECK(std::count(out.begin(), out.end(), '\n') == 1);
    }
    SECTION("a malformed --listen") {
        auto [rc, out] = run_lifeline({"serve", "--db", dir.file("a.db"), "--listen", "localhost"},
                                      {"LIFELINE_ADMIN_PASSWORD=admin-secret-1"});
        CHECK(rc == 1);
        CHECK(contains(out, "--listen"));
    }
    SECTION("an unknown option") {
        auto [rc, out] = run_lifeline({"migrate", "--dbb", "x"});
        CHECK(rc == 1);
        CHECK(contains(out, "dbb"));
    }
    SECTION("backup of a file that does not exist") {
        auto [rc, out] =
            run_lifeline({"backup", "--db", dir.file("none.db"), "--to", dir.file("b.db")});
        CHECK(rc == 1);
        CHECK_FALSE(std::filesystem::exists(dir.file("b.db")));
    }
}

TEST_CASE("migrate creates a database at the latest schema", "[cli]") {
    lifeline::testing::TempDir dir;
    auto [rc, out] = run_lifeline({"migrate", "--db", dir.file("sub/m.db")});
    INFO(out);
    CHECK(rc == 0);
    CHECK(contains(out, "schema version 0 -> "));
    CHECK(count_rows(dir.file("sub/m.db"), "trips") == 0);
    auto [again, out2] = run_lifeline({"migrate", "--db", dir.file("sub/m.db")});
    CHECK(again == 0);
}

TEST_CASE("backup copies a consistent database while the server runs and SIGTERM exits 0",
          "[cli][backup]") {
    SeededFleet f;
    for (int i = 0; i < 5; ++i)
        REQUIRE(f.driver1
                    .post("/api/v1/trips", f.trip(f.sedan_id, 1000 + 50 * i, 1040 + 50 * i,
                                                  f.walker_id, "2022-03-1" + std::to_string(i)))
                    .status == 201);
    lifeline::testing::TempDir dir;
    auto [rc, out] =
        run_lifeline({"backup", "--db", f.server.db_path(), "--to", dir.file("copy.db")});
    INFO(out);
    REQUIRE(rc == 0);
    CHECK(count_rows(dir.file("copy.db"), "trips") == 5);
    CHECK(count_rows(dir.file("copy.db"), "rides") == 5);

    // The copy is a working database on its own.
    LiveServer restored(dir.file("copy.db"));
    Api admin = Api::login(restored, "admin", admin_password);
    CHECK(admin.get("/api/v1/trips").obj().at("items").as_array().size() == 5);
    CHECK(restored.stop() == 0);
    CHECK(f.server.stop() == 0);
}
