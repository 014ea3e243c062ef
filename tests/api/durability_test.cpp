// A write acknowledged over HTTP is on disk: SIGKILL the server in the middle of a
// burst of concurrent trip writes, restart it, and find every acknowledged trip.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "fixture.h"

using namespace lifeline::test;

namespace {

std::string integrity_check(const std::string& path) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK);
    std::string result;
    if (sqlite3_step(st) == SQLITE_ROW)
        result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return result;
}

struct Acked {
    std::int64_t id;
    double odometer_end;
};

}  // namespace

TEST_CASE("every acknowledged trip survives a SIGKILL of the server", "[api][durability]") {
    lifeline::testing::TempDir dir;
    const std::string db = dir.file("durable.db");
    constexpr int writers = 8;

    std::vector<std::int64_t> vehicles;
    std::int64_t driver = 0, patient = 0;
    std::string token;
    std::mutex mutex;
    std::vector<Acked> acked;
    std::atomic<int> ack_count{0};
    {
        LiveServer server(db);
        Api admin = Api::login(server, "admin", admin_password);
        driver =
            require_created(admin.post("/api/v1/drivers",
                                       json::object{{"name", "赵磊"},
                                                    {"home", {{"lat", 43.8}, {"lon", 126.5}}}}))
                .id();
        patient = require_created(
                      admin.post("/api/v1/patients",
                                 json::object{{"name", "沈玉兰"}, {"lat", 43.81}, {"lon", 126.55}}))
                      .id();
        for (int i = 0; i < writers; ++i)
            vehicles.push_back(
                require_created(
                    admin.post(
                        "/api/v1/vehicles",
                        json::object{{"plate", "吉B·K" + std::to_string(1000 + i)}, {"seats", 4}}))
                    .id());
        token = admin.token();

        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int w = 0; w < writers; ++w)
            threads.emplace_back([&, w] {
                Api api(server, token);
                double odo = 0;
                for (int n = 0; !stop; ++n) {
                    auto body =
                        SeededFleet::whole_trip(vehicles[std::size_t(w)], odo, odo + 25, patient);
                    body["driver_id"] = driver;
                    ApiResult r;
                    try {
                        r = api.post("/api/v1/trips", body);
                    } catch (const std::exception&) {
                        return;  // the server is gone: this write was never acknowledged
                    }
                    if (r.status != 201)
                        return;
                    {
                        std::lock_guard lock(mutex);
                        acked.push_back({r.id(), odo + 25});
                    }
                    ++ack_count;
                    odo += 25;
                }
            });
        // Kill while the writers are still sending.
        while (ack_count < 300)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        server.kill();
        stop = true;
        for (auto& t : threads)
            t.join();
    }
    REQUIRE(acked.size() >= 300);

    LiveServer again(db);
    Api admin = Api::login(again, "admin", admin_password);
    std::map<std::int64_t, double> found;
    std::string cursor;
    for (;;) {
        auto page =
            admin.get("/api/v1/trips?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
        REQUIRE(page.status == 200);
        for (const auto& t : page.obj().at("items").as_array())
            found[t.at("id").as_int64()] = t.at("odometer_end").to_number<double>();
        if (page.obj().at("next_cursor").is_null())
            break;
        cursor = std::string(page.obj().at("next_cursor").as_string());
    }
    std::size_t missing = 0;
    for (const auto& a : acked) {
        auto it = found.find(a.id);
        if (it == found.end() || it->second != a.odometer_end)
            ++missing;
    }
    INFO("acknowledged " << acked.size() << ", found " << found.size());
    CHECK(missing == 0);
    CHECK(again.stop() == 0);
    CHECK(integrity_check(db) == "ok");
}
