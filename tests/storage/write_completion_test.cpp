// Writes submitted without a waiting thread (Database::submit, how the server answers a
// driver's trip): the completion runs on the writer once the job is settled, after its
// COMMIT for a write that holds, with the failure otherwise, and for every job queued
// before a close.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fault_vfs.h"
#include "lifeline/core/errors.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/idempotency.h"
#include "temp_dir.h"

using namespace lifeline;
using namespace lifeline::storage;
using lifeline::testing::FaultVfs;
using lifeline::testing::TempDir;

namespace {

void put_setting(Connection& c, const std::string& key) {
    Statement st(c, "INSERT INTO settings (key, value) VALUES (?, 'v')");
    st.bind_all(key).run();
}

bool has_setting(Database& db, const std::string& key) {
    return db.read([&](Connection& c) {
        Statement st(c, "SELECT 1 FROM settings WHERE key = ?");
        st.bind_all(key);
        return st.step();
    });
}

// Polls `done` for at most 10 s.
bool eventually(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

struct Outcomes {
    std::mutex mutex;
    std::vector<std::string> ok;           // keys whose completion saw no error
    std::vector<std::string> failed;       // keys whose completion got an error
    std::vector<std::string> not_visible;  // completed without error, yet not readable
    std::atomic<int> settled{0};
};

void submit_put(Database& db, Outcomes& out, const std::string& key, bool fail = false) {
    db.submit(
        [key, fail](Connection& c) {
            put_setting(c, key);
            if (fail)
                throw Error(ErrorKind::conflict, msg("problem.conflict"));
        },
        [&db, &out, key](std::exception_ptr error) {
            // A read connection sees only what is committed: the write must be there.
            const bool visible = !error && has_setting(db, key);
            std::lock_guard lock(out.mutex);
            (error ? out.failed : out.ok).push_back(key);
            if (!error && !visible)
                out.not_visible.push_back(key);
            ++out.settled;
        });
}

}  // namespace

TEST_CASE("a submitted write completes once its commit is durable, with no thread waiting",
          "[storage][writer]") {
    TempDir dir;
    Database db({dir.file("s.db")});
    Outcomes out;
    for (int i = 0; i < 200; ++i)
        submit_put(db, out, "k" + std::to_string(i), /*fail=*/i % 10 == 3);
    REQUIRE(eventually([&] { return out.settled == 200; }));
    CHECK(out.ok.size() == 180);
    CHECK(out.failed.size() == 20);
    CHECK(out.not_visible.empty());
    for (const auto& key : out.failed) {
        INFO(key);
        CHECK_FALSE(has_setting(db, key));  // a job that threw rolled back alone
    }
    CHECK(db.stats().jobs == 200);
    CHECK(db.stats().failed_jobs == 20);
}

TEST_CASE("submitted writes still queued at close complete, later ones are refused",
          "[storage][writer]") {
    TempDir dir;
    Database db({dir.file("c.db")});
    Outcomes out;
    for (int i = 0; i < 50; ++i)
        submit_put(db, out, "q" + std::to_string(i));
    db.close();  // commits what is queued, then stops the writer
    CHECK(out.settled == 50);
    CHECK(out.ok.size() == 50);

    bool called = false;
    try {
        db.submit([](Connection&) {}, [&](std::exception_ptr) { called = true; });
        FAIL("a write after close was queued");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unavailable);
    }
    CHECK_FALSE(called);
}

TEST_CASE("a submitted write whose fsync fails completes with the failure, never as done",
          "[storage][durability][disk-full]") {
    TempDir dir;
    const std::string path = dir.file("sync.db");
    FaultVfs vfs;
    Database db({path});
    Outcomes out;
    vfs.set_fail_sync(true);
    submit_put(db, out, "unsynced");
    REQUIRE(eventually([&] { return out.settled == 1; }));
    CHECK(out.failed == std::vector<std::string>{"unsynced"});
    vfs.set_fail_sync(false);
    submit_put(db, out, "later");
    REQUIRE(eventually([&] { return out.settled == 2; }));
    CHECK(out.ok == std::vector<std::string>{"later"});
}

TEST_CASE("inside a write job, a key recorded earlier in the same commit is found",
          "[storage][idempotency]") {
    TempDir dir;
    Database db({dir.file("k.db")});
    std::optional<StoredAnswer> seen;
    db.write([&](Connection&) {
        write_with_key(db, {7, "key-1", "fp"}, [] {
            StoredAnswer a;
            a.status = 201;
            a.body = "{\"id\":1}";
            return a;
        });
        // Not committed yet: only the batch's own transaction can see it.
        seen = find_answer(db, 7, "key-1");
    });
    REQUIRE(seen);
    CHECK(seen->status == 201);
    CHECK(seen->body == "{\"id\":1}");
}
