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

TEST_CASE("a batch's completions are handed over in one function, in commit order",
          "[storage][writer]") {
    TempDir dir;
    Database db({dir.file("h.db")});
    std::mutex mutex;
    std::vector<std::function<void()>> handed;
    db.deliver_completions([&](std::function<void()> fn) {
        std::lock_guard lock(mutex);
        handed.push_back(std::move(fn));
    });
    const auto handed_count = [&] {
        std::lock_guard lock(mutex);
        return handed.size();
    };

    // The first job holds the writer until the rest are queued: they form one batch.
    std::atomic<bool> started{false}, release{false};
    std::vector<std::string> order;
    std::vector<std::thread::id> threads;
    const auto note = [&](const std::string& key) {
        return [&, key](std::exception_ptr error) {
            order.push_back(key + (error ? " failed" : ""));
            threads.push_back(std::this_thread::get_id());
        };
    };
    db.submit(
        [&](Connection& c) {
            started = true;
            while (!release)
                std::this_thread::yield();
            put_setting(c, "first");
        },
        note("first"));
    REQUIRE(eventually([&] { return started.load(); }));
    for (int i = 0; i < 5; ++i)
        db.submit(
            [i](Connection& c) {
                put_setting(c, "b" + std::to_string(i));
                if (i == 2)
                    throw Error(ErrorKind::conflict, msg("problem.conflict"));
            },
            note("b" + std::to_string(i)));
    release = true;
    REQUIRE(eventually([&] { return handed_count() == 2; }));
    // Committed, but no completion has run: the writer handed them over and went on.
    CHECK(has_setting(db, "b4"));
    CHECK(order.empty());
    // A write with a waiting thread is still settled by the writer itself.
    db.write([](Connection& c) { put_setting(c, "waited"); });
    CHECK(order.empty());

    for (auto& fn : handed)
        fn();
    CHECK(order == std::vector<std::string>{"first", "b0", "b1", "b2 failed", "b3", "b4"});
    for (const auto& t : threads)
        CHECK(t == std::this_thread::get_id());

    // A function dropped unrun still completes its writes, once.
    order.clear();
    handed.clear();
    db.submit([](Connection& c) { put_setting(c, "dropped"); }, note("dropped"));
    REQUIRE(eventually([&] { return handed_count() == 1; }));
    {
        std::lock_guard lock(mutex);
        handed.clear();
    }
    CHECK(order == std::vector<std::string>{"dropped"});

    // Without a deliver function the writer completes them itself again.
    db.deliver_completions(nullptr);
    Outcomes out;
    submit_put(db, out, "direct");
    REQUIRE(eventually([&] { return out.settled == 1; }));
    CHECK(handed_count() == 0);
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
