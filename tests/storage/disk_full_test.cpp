// A full disk or a failing fsync, injected under SQLite by a fault VFS: a write that
// meets it is refused whole (storage_full for a full disk), the writer keeps going, and
// every write that was acknowledged is in the file when it is opened again.
#include <catch2/catch.hpp>

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

void put(Database& db, const std::string& key) {
    db.write([&](Connection& c) {
        // A value larger than a page, so the write needs fresh pages in the WAL.
        Statement st(c, "INSERT INTO settings (key, value) VALUES (?, ?)");
        st.bind_all(key, std::string(6000, 'x')).run();
    });
}

std::int64_t count_settings(Database& db) {
    return db.read([](Connection& c) {
        Statement st(c, "SELECT count(*) FROM settings");
        st.step();
        return st.get_int(0);
    });
}

bool has_setting(Database& db, const std::string& key) {
    return db.read([&](Connection& c) {
        Statement st(c, "SELECT 1 FROM settings WHERE key = ?");
        st.bind_all(key);
        return st.step();
    });
}

ErrorKind kind_of_failure(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    } catch (const std::exception&) {
        return ErrorKind::internal;
    }
    FAIL("no failure");
    return ErrorKind::internal;
}

}  // namespace

TEST_CASE("a write that meets a full disk is refused whole and the writer recovers",
          "[storage][durability][disk-full]") {
    TempDir dir;
    const std::string path = dir.file("full.db");
    std::int64_t acknowledged = 0;
    {
        FaultVfs vfs;
        Database db({path});
        for (int i = 0; i < 10; ++i, ++acknowledged)
            put(db, "before-" + std::to_string(i));
        const auto before = count_settings(db);

        vfs.set_write_budget(0);
        CHECK(kind_of_failure([&] { put(db, "refused"); }) == ErrorKind::storage_full);
        // Several writers at once, so jobs share a group commit: all are refused.
        std::vector<std::thread> writers;
        std::atomic<int> full{0};
        for (int t = 0; t < 8; ++t)
            writers.emplace_back([&, t] {
                if (kind_of_failure([&] { put(db, "refused-" + std::to_string(t)); }) ==
                    ErrorKind::storage_full)
                    ++full;
            });
        for (auto& w : writers)
            w.join();
        CHECK(full == 8);
        CHECK(vfs.failed_writes() > 0);
        CHECK(count_settings(db) == before);
        CHECK(!has_setting(db, "refused"));

        // A write whose Idempotency-Key would be recorded with it: neither is kept, so
        // the client's retry with the same key is a first attempt.
        const auto keyed = [&] {
            write_with_key(db, {1, "full-disk-key", "fingerprint"}, [&] {
                put(db, "keyed");
                StoredAnswer a;
                a.status = 201;
                return a;
            });
        };
        CHECK(kind_of_failure(keyed) == ErrorKind::storage_full);
        CHECK(!find_answer(db, 1, "full-disk-key"));

        // Room again: the same writer takes writes, and the keyed one goes through once.
        vfs.set_write_budget(-1);
        for (int i = 0; i < 5; ++i, ++acknowledged)
            put(db, "after-" + std::to_string(i));
        keyed();
        ++acknowledged;
        CHECK(find_answer(db, 1, "full-disk-key"));
        CHECK(count_settings(db) == before + 6);
    }
    // Opened again without faults: every acknowledged write, none of the refused ones.
    Database again({path});
    CHECK(count_settings(again) >= acknowledged);
    CHECK(has_setting(again, "after-4"));
    CHECK(has_setting(again, "keyed"));
    CHECK(!has_setting(again, "refused"));
    for (int t = 0; t < 8; ++t)
        CHECK(!has_setting(again, "refused-" + std::to_string(t)));
}

TEST_CASE("a failed fsync is never acknowledged and later writes are durable",
          "[storage][durability][disk-full]") {
    TempDir dir;
    const std::string path = dir.file("sync.db");
    std::vector<std::string> acknowledged;
    {
        FaultVfs vfs;
        Database db({path});
        put(db, "first");
        acknowledged.push_back("first");

        vfs.set_fail_sync(true);
        bool threw = false;
        try {
            put(db, "unsynced");
        } catch (const std::exception&) {
            threw = true;  // not acknowledged: the client retries with its key
        }
        CHECK(threw);
        CHECK(vfs.failed_syncs() > 0);

        vfs.set_fail_sync(false);
        for (int i = 0; i < 3; ++i) {
            put(db, "later-" + std::to_string(i));
            acknowledged.push_back("later-" + std::to_string(i));
        }
    }
    Database again({path});
    for (const auto& key : acknowledged) {
        INFO(key);
        CHECK(has_setting(again, key));
    }
}
