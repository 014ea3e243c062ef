// Quick reads (/healthz, one vehicle or driver by id) are answered on the I/O thread, so
// they need no free worker: with the only worker busy planning a day, they still come
// back at once, and everything else waits for the worker as before.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "fixture.h"

using namespace lifeline::test;

namespace {

using Ms = std::chrono::duration<double, std::milli>;

template <class F>
double timed_ms(F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return Ms(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("quick reads are answered while every worker is busy", "[api][server]") {
    SeededFleet f({"--workers", "1"});
    const std::string monday = "2027-03-22";
    REQUIRE(f.dispatcher
                .post("/api/v1/schedule/generate", json::object{{"from", monday}, {"to", monday}})
                .status == 200);

    // The one worker plans for 3 s.
    ApiResult plan;
    std::thread planner([&] {
        Api api(f.server, f.dispatcher.token());
        plan = api.post("/api/v1/days/" + monday + "/plan",
                        json::object{{"time_limit_ms", 3000}, {"until_converged", false}});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));

    Api anonymous(f.server);
    ApiResult health, vehicle, driver;
    const double health_ms = timed_ms([&] { health = anonymous.get("/healthz"); });
    const double vehicle_ms =
        timed_ms([&] { vehicle = f.admin.get("/api/v1/vehicles/" + std::to_string(f.sedan_id)); });
    const double driver_ms =
        timed_ms([&] { driver = f.admin.get("/api/v1/drivers/" + std::to_string(f.driver_id1)); });
    // A request that is not quick waits for the worker.
    ApiResult list;
    const double list_ms = timed_ms([&] { list = f.admin.get("/api/v1/vehicles"); });
    planner.join();

    INFO("healthz " << health_ms << " ms, vehicle " << vehicle_ms << " ms, driver " << driver_ms
                    << " ms, list " << list_ms << " ms");
    CHECK(health.status == 200);
    CHECK(vehicle.status == 200);
    CHECK(vehicle.obj().at("id").as_int64() == f.sedan_id);
    CHECK(driver.status == 200);
    CHECK(health_ms < 1000);
    CHECK(vehicle_ms < 1000);
    CHECK(driver_ms < 1000);
    CHECK(list.status == 200);
    CHECK(list_ms > 1000);
    REQUIRE(plan.status == 200);

    // A quick route still refuses what it must: no token, 401; a driver, 403; unknown, 404.
    CHECK(anonymous.get("/api/v1/vehicles/" + std::to_string(f.sedan_id)).status == 401);
    CHECK(f.driver1.get("/api/v1/vehicles/" + std::to_string(f.sedan_id)).status == 403);
    CHECK(f.admin.get("/api/v1/vehicles/999999").status == 404);
}
