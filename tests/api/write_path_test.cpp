// A driver's writes (a whole trip, its events, its finish, its positions) are answered from
// the database writer's commit: no worker thread runs them or waits for them. So with the
// only worker busy planning a day they are still answered at once — after their commit,
// with their refusals as problem+json naming the field and nothing written — while a
// request that needs a worker waits for it as before.
#include <catch2/catch.hpp>

#include <algorithm>
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

bool names_field(const ApiResult& r, const std::string& field) {
    const auto fields = r.error_fields();
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

}  // namespace

TEST_CASE("a driver's trip is answered from the writer's commit while every worker is busy",
          "[api][server][write]") {
    SeededFleet f({"--workers", "1"});
    const auto first = f.trip(f.sedan_id, 1000, 1040, f.walker_id, "2022-03-14");
    const auto keyed = f.trip(f.sedan_id, 1040, 1075, f.walker_id, "2022-03-16");
    auto too_short = f.trip(f.sedan_id, 1100, 1090, f.walker_id, "2022-03-18");
    auto below_last = f.trip(f.sedan_id, 900, 950, f.walker_id, "2022-03-21");
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

    ApiResult created, refused, below, replayed, again;
    const double created_ms = timed_ms([&] { created = f.driver1.post("/api/v1/trips", first); });
    const double refused_ms =
        timed_ms([&] { refused = f.driver1.post("/api/v1/trips", too_short); });
    const double below_ms = timed_ms([&] { below = f.driver1.post("/api/v1/trips", below_last); });
    const double keyed_ms = timed_ms([&] {
        replayed = f.driver1.post("/api/v1/trips", keyed, {{"Idempotency-Key", "trip-2"}});
        again = f.driver1.post("/api/v1/trips", keyed, {{"Idempotency-Key", "trip-2"}});
    });
    // A request that is not a write of the driver's waits for the worker.
    ApiResult list;
    const double list_ms = timed_ms(
        [&] { list = f.dispatcher.get("/api/v1/trips?vehicle_id=" + std::to_string(f.sedan_id)); });
    planner.join();

    INFO("created " << created_ms << " ms, refused " << refused_ms << " ms, below " << below_ms
                    << " ms, keyed twice " << keyed_ms << " ms, list " << list_ms << " ms");
    INFO(created.text << "\n" << refused.text << "\n" << below.text << "\n" << replayed.text);
    REQUIRE(plan.status == 200);
    CHECK(created.status == 201);
    CHECK(created_ms < 1000);
    CHECK(refused.status == 400);
    CHECK(refused.raw.header("Content-Type").value_or("") == "application/problem+json");
    CHECK(names_field(refused, "odometer_end"));
    CHECK(refused_ms < 1000);
    // A rule checked inside the write's transaction refuses the same way.
    CHECK(below.status == 422);
    CHECK(names_field(below, "odometer_start"));
    CHECK(below_ms < 1000);
    CHECK(replayed.status == 201);
    CHECK(again.status == 201);
    CHECK(again.raw.header("Idempotent-Replayed").value_or("") == "true");
    CHECK(again.text == replayed.text);
    CHECK(keyed_ms < 1000);
    CHECK(list_ms > 1000);

    // Two trips written, the refused ones wrote nothing.
    REQUIRE(list.status == 200);
    const auto& items = list.obj().at("items").as_array();
    CHECK(items.size() == 2);
    auto trips = f.dispatcher.get("/api/v1/trips?vehicle_id=" + std::to_string(f.sedan_id));
    CHECK(trips.obj().at("items").as_array().size() == 2);
    auto vehicle = f.dispatcher.get("/api/v1/vehicles/" + std::to_string(f.sedan_id));
    CHECK(vehicle.obj().at("odometer_km").to_number<double>() == Approx(1075));
}
