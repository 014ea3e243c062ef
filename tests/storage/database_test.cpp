#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "lifeline/core/errors.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/idempotency.h"
#include "temp_dir.h"

using namespace lifeline::storage;
using lifeline::testing::TempDir;

namespace {

std::int64_t count_settings(Database& db) {
    return db.read([](Connection& c) {
        Statement st(c, "SELECT count(*) FROM settings");
        st.step();
        return st.get_int(0);
    });
}

void put_setting(Connection& c, const std::string& key) {
    Statement st(c, "INSERT INTO settings (key, value) VALUES (?, 'v')");
    st.bind_all(key).run();
}

}  // namespace

TEST_CASE("concurrent writes are group-committed and all become visible", "[storage][writer]") {
    TempDir dir;
    Database db({dir.file("g.db")});
    constexpr int threads = 16, per_thread = 25;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i)
                db.write([&](Connection& c) {
                    put_setting(c, std::to_string(t) + "/" + std::to_string(i));
                });
        });
    for (auto& th : pool)
        th.join();

    CHECK(count_settings(db) == threads * per_thread);
    auto stats = db.stats();
    CHECK(stats.jobs == std::uint64_t(threads * per_thread));
    // With 16 writers waiting at once the writer must have batched some of them.
    CHECK(stats.commits < stats.jobs);
}

TEST_CASE("a failing job rolls back alone while the rest of its batch commits",
          "[storage][writer]") {
    TempDir dir;
    Database db({dir.file("f.db")});
    db.write([](Connection& c) { put_setting(c, "taken"); });

    std::atomic<int> failures{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 8; ++t)
        pool.emplace_back([&, t] {
            try {
                db.write([&](Connection& c) {
                    put_setting(c, "fresh" + std::to_string(t));
                    if (t % 2 == 0)
                        put_setting(c, "taken");  // violates the primary key
                });
            } catch (const SqliteError& e) {
                CHECK(e.is_constraint());
                ++failures;
            }
        });
    for (auto& th : pool)
        th.join();
    CHECK(failures == 4);
    CHECK(count_settings(db) == 1 + 4);  // "taken" plus the four odd writers
}

TEST_CASE("an acknowledged write survives reopening the file", "[storage][writer]") {
    TempDir dir;
    {
        Database db({dir.file("d.db")});
        db.write([](Connection& c) { put_setting(c, "kept"); });
    }
    Database again({dir.file("d.db")});
    CHECK(count_settings(again) == 1);
}

TEST_CASE("writes after close are refused", "[storage][writer]") {
    TempDir dir;
    Database db({dir.file("c.db")});
    db.close();
    CHECK_THROWS_AS(db.write([](Connection& c) { put_setting(c, "late"); }), lifeline::Error);
}

TEST_CASE("a keyed write commits its key, its writes and its answer together, once",
          "[storage][idempotency]") {
    TempDir dir;
    Database db({dir.file("i.db")});
    const auto commits_before = db.stats().commits;
    auto first = write_with_key(db, {7, "key-1", "fp"}, [&] {
        // The request's writes nest into the key's job.
        db.write([](Connection& c) { put_setting(c, "a"); });
        StoredAnswer a;
        a.status = 201;
        a.content_type = "application/json";
        a.location = "/api/v1/places/1";
        a.body = "{\"id\":1}";
        return a;
    });
    CHECK(first.status == 201);
    CHECK(db.stats().commits == commits_before + 1);  // one commit for all of it
    auto answer = find_answer(db, 7, "key-1");
    REQUIRE(answer);
    CHECK(answer->fingerprint == "fp");
    CHECK(answer->status == 201);
    CHECK(answer->body == "{\"id\":1}");
    CHECK(answer->location == "/api/v1/places/1");
    CHECK_FALSE(find_answer(db, 8, "key-1"));  // keys are per account

    // The same key again: the write is refused and rolled back.
    CHECK_THROWS_AS(write_with_key(db, {7, "key-1", "fp"},
                                   [&] {
                                       db.write([](Connection& c) { put_setting(c, "b"); });
                                       return StoredAnswer{};
                                   }),
                    DuplicateRequest);
    CHECK(count_settings(db) == 1);

    // A request that fails leaves nothing: neither its writes nor its key.
    CHECK_THROWS_AS(write_with_key(db, {7, "key-2", "fp"},
                                   [&]() -> StoredAnswer {
                                       db.write([](Connection& c) { put_setting(c, "c"); });
                                       throw lifeline::Error(lifeline::ErrorKind::conflict,
                                                             lifeline::msg("problem.conflict"));
                                   }),
                    lifeline::Error);
    CHECK(count_settings(db) == 1);
    CHECK_FALSE(find_answer(db, 7, "key-2"));
}

TEST_CASE("writes made inside a write commit with it, or not at all", "[storage][writer]") {
    TempDir dir;
    Database db({dir.file("n.db")});
    // Two stores' writes in one transaction: the inner write runs at once, nested.
    auto inner_count = db.write([&](Connection& c) {
        put_setting(c, "outer");
        db.write([](Connection& inner) { put_setting(inner, "inner"); });
        Statement st(c, "SELECT count(*) FROM settings WHERE key IN ('outer', 'inner')");
        st.step();
        return st.get_int(0);
    });
    CHECK(inner_count == 2);
    CHECK(count_settings(db) == 2);

    // A failure after the inner write undoes both.
    CHECK_THROWS_AS(db.write([&](Connection& c) {
        put_setting(c, "outer-2");
        db.write([](Connection& inner) { put_setting(inner, "inner-2"); });
        throw std::runtime_error("the second step failed");
    }),
                    std::runtime_error);
    CHECK(count_settings(db) == 2);

    // A failing inner write rolls back alone when the outer one handles it.
    db.write([&](Connection& c) {
        put_setting(c, "outer-3");
        try {
            db.write([](Connection& inner) {
                put_setting(inner, "inner-3");
                put_setting(inner, "outer");  // taken
            });
        } catch (const SqliteError&) {
        }
    });
    CHECK(count_settings(db) == 3);
}

TEST_CASE("what a write asks to follow its commit runs once it is durable, never if rolled back",
          "[storage][writer][events]") {
    TempDir dir;
    Database db({dir.file("after.db")});
    std::vector<std::string> seen;  // touched on the writer thread, read after the writes
    SECTION("inside a job: after the commit, and the row is visible to a reader then") {
        std::int64_t rows_when_run = -1;
        db.write([&](Connection& c) {
            put_setting(c, "a");
            db.after_commit([&] {
                rows_when_run = count_settings(db);
                seen.push_back("a");
            });
            CHECK(seen.empty());  // not yet: the batch has not committed
        });
        CHECK(seen == std::vector<std::string>{"a"});
        CHECK(rows_when_run == count_settings(db));
    }
    SECTION("a job that throws drops its notes") {
        CHECK_THROWS(db.write([&](Connection& c) {
            put_setting(c, "b");
            db.after_commit([&] { seen.push_back("b"); });
            throw std::runtime_error("refused");
        }));
        db.write([&](Connection& c) { put_setting(c, "c"); });
        CHECK(seen.empty());
    }
    SECTION("a nested write rolled back drops its own notes, the job's others stay") {
        db.write([&](Connection& c) {
            put_setting(c, "d");
            db.after_commit([&] { seen.push_back("d"); });
            try {
                db.write([&](Connection& inner) {
                    put_setting(inner, "e");
                    db.after_commit([&] { seen.push_back("e"); });
                    throw std::runtime_error("inner refused");
                });
            } catch (const std::runtime_error&) {
            }
        });
        CHECK(seen == std::vector<std::string>{"d"});
    }
    SECTION("outside a job: at once") {
        db.after_commit([&] { seen.push_back("now"); });
        CHECK(seen == std::vector<std::string>{"now"});
    }
}

namespace {

std::uintmax_t wal_bytes(const std::string& db_path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(db_path + "-wal", ec);
    return ec ? 0 : n;
}

// A write of about four pages: a 16 KB value.
void put_large(Database& db, int i) {
    db.write([&](Connection& c) {
        Statement st(c, "INSERT INTO settings (key, value) VALUES (?, ?)");
        st.bind_all("large-" + std::to_string(i), std::string(16 * 1024, 'x')).run();
    });
}

}  // namespace

// The writer keeps a read transaction open at the latest commit so that readers share its
// WAL read lock (Database::pin_conn_). It must never hold the WAL back: each commit moves
// it before the checkpoint, so the checkpoint copies everything and the WAL starts over.
TEST_CASE("under steady writes and reads the WAL starts over, and each write is read at once",
          "[storage][writer][wal]") {
    TempDir dir;
    const std::string path = dir.file("wal.db");
    Database db({path});
    std::atomic<bool> stop{false};
    std::thread reader([&] {
        while (!stop)
            count_settings(db);
    });
    const std::int64_t before = count_settings(db);
    constexpr int writes = 1200;  // ~4,800 pages: nearly five checkpoints' worth
    bool all_seen = true;
    for (int i = 0; i < writes; ++i) {
        put_large(db, i);
        all_seen = all_seen && count_settings(db) == before + i + 1;
    }
    stop = true;
    reader.join();
    CHECK(all_seen);
    // Started over, the WAL holds about one checkpoint's worth (1,000 pages, ~4 MB); never
    // started over, it would hold all ~19 MB written.
    CHECK(wal_bytes(path) < 8u * 1024 * 1024);
}

// A commit from another process (the command line) while the server writes nothing: the
// pin moves on its own within a second, so it does not hold that commit's WAL either.
TEST_CASE("an idle writer's read pin lets another connection's commits be checkpointed",
          "[storage][writer][wal]") {
    TempDir dir;
    const std::string path = dir.file("idle.db");
    Database db({path});
    put_large(db, -1);
    {
        Connection other(path, Connection::Mode::read_write);
        sqlite3_wal_autocheckpoint(other.handle(), 0);  // the checkpoint below is the test
        for (int i = 0; i < 50; ++i) {
            Statement st(other, "INSERT INTO settings (key, value) VALUES (?, ?)");
            st.bind_all("other-" + std::to_string(i), std::string(16 * 1024, 'y')).run();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        int log = -1;
        int copied = -1;
        REQUIRE(sqlite3_wal_checkpoint_v2(other.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                          &copied) == SQLITE_OK);
        CHECK(log > 200);
        CHECK(copied == log);
    }
}
