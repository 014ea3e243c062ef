// Day plans over HTTP: the search stops when it has converged, well before its time limit
// (which stays a cap), and a bounded planner pool keeps the server answering other requests
// while several dispatchers plan at once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "fixture.h"

using namespace lifeline::test;

namespace {

using Ms = std::chrono::duration<double, std::milli>;

const std::string monday = "2027-03-22";  // both drivers work 06:00-14:00

void generate_day(SeededFleet& f) {
    auto r = f.dispatcher.post("/api/v1/schedule/generate",
                               json::object{{"from", monday}, {"to", monday}});
    INFO(r.text);
    REQUIRE(r.status == 200);
}

ApiResult plan_day(Api& api, const json::object& body) {
    return api.post("/api/v1/days/" + monday + "/plan", body);
}

std::size_t routes_of_day(Api& api) {
    auto r = api.get("/api/v1/days/" + monday + "/routes");
    REQUIRE(r.status == 200);
    return r.obj().at("routes").as_array().size();
}

}  // namespace

TEST_CASE("a day plan stops when its search has converged, long before its time limit",
          "[api][dispatch][plan]") {
    SeededFleet f;
    generate_day(f);

    const auto asked = std::chrono::steady_clock::now();
    auto converged = plan_day(f.dispatcher, json::object{{"time_limit_ms", 30'000}});
    const double took_ms = Ms(std::chrono::steady_clock::now() - asked).count();
    INFO(converged.text);
    REQUIRE(converged.status == 200);
    const auto& stats = converged.obj().at("stats");
    CHECK(stats.at("converged") == true);
    CHECK(stats.at("checked") == true);
    CHECK(stats.at("solve_ms").to_number<double>() < 10'000);
    CHECK(took_ms < 10'000);
    CHECK(stats.at("assigned").as_int64() >= 2);

    // Asked to search the whole budget, it does, and says it did not stop early.
    auto full =
        plan_day(f.dispatcher, json::object{{"time_limit_ms", 300}, {"until_converged", false}});
    INFO(full.text);
    REQUIRE(full.status == 200);
    CHECK(full.obj().at("stats").at("converged") == false);
    CHECK(full.obj().at("stats").at("solve_ms").to_number<double>() >= 290);
    CHECK(full.obj().at("stats").at("planned_km") == stats.at("planned_km"));

    // A bad value is refused, naming the field, and the day's routes stay as they were.
    const std::size_t before = routes_of_day(f.dispatcher);
    auto bad = plan_day(f.dispatcher, json::object{{"until_converged", "yes"}});
    INFO(bad.text);
    CHECK(bad.status == 400);
    CHECK(bad.text.find("until_converged") != std::string::npos);
    CHECK(routes_of_day(f.dispatcher) == before);
}

TEST_CASE("while four dispatchers plan at once, one planner searches and the server answers",
          "[api][dispatch][plan]") {
    SeededFleet f({"--planners", "1"});
    generate_day(f);

    constexpr int planners = 4;
    constexpr int budget_ms = 1000;
    std::vector<ApiResult> plans(planners);
    std::vector<std::thread> threads;
    for (int k = 0; k < planners; ++k)
        threads.emplace_back([&, k] {
            Api api(f.server, f.dispatcher.token());
            plans[std::size_t(k)] = plan_day(
                api, json::object{{"time_limit_ms", budget_ms}, {"until_converged", false}});
        });

    // Meanwhile other reads are answered promptly, for as long as the plans run.
    std::vector<double> read_ms;
    std::vector<int> read_status;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(3000);
    while (std::chrono::steady_clock::now() < until) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = f.admin.get("/api/v1/vehicles/" + std::to_string(f.sedan_id));
        read_ms.push_back(Ms(std::chrono::steady_clock::now() - t0).count());
        read_status.push_back(r.status);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& t : threads)
        t.join();

    CHECK(std::all_of(read_status.begin(), read_status.end(), [](int s) { return s == 200; }));
    std::sort(read_ms.begin(), read_ms.end());
    INFO("reads: " << read_ms.size() << ", slowest " << read_ms.back() << " ms");
    CHECK(read_ms.size() >= 20);
    CHECK(read_ms[read_ms.size() / 2] < 250);

    // One search at a time: each plan after the first waited about one budget more.
    std::vector<double> queued;
    for (const auto& p : plans) {
        INFO(p.text);
        REQUIRE(p.status == 200);
        CHECK(p.obj().at("stats").at("checked") == true);
        queued.push_back(p.obj().at("stats").at("queued_ms").to_number<double>());
    }
    std::sort(queued.begin(), queued.end());
    CHECK(queued[0] < budget_ms / 2);
    for (int k = 1; k < planners; ++k)
        CHECK(queued[std::size_t(k)] >= k * budget_ms * 0.9);
}

TEST_CASE("day plans can minimise the volunteer drivers needed, a setting an admin chooses",
          "[api][dispatch][plan][settings]") {
    SeededFleet f;
    generate_day(f);

    // A value that is not an objective is refused, naming the field; nothing changes.
    auto bad = f.admin.put("/api/v1/settings",
                           json::object{{"matcher", json::object{{"objective", "drivers"}}}});
    INFO(bad.text);
    CHECK(bad.status == 400);
    CHECK(bad.text.find("matcher.objective") != std::string::npos);
    CHECK(f.admin.get("/api/v1/settings").obj().at("matcher").at("objective") == "distance");

    auto by_distance = plan_day(f.dispatcher, json::object{{"time_limit_ms", 2000}});
    REQUIRE(by_distance.status == 200);

    auto set = f.admin.put("/api/v1/settings",
                           json::object{{"matcher", json::object{{"objective", "vehicles"}}}});
    INFO(set.text);
    REQUIRE(set.status == 200);
    CHECK(set.obj().at("matcher").at("objective") == "vehicles");

    auto by_vehicles = plan_day(f.dispatcher, json::object{{"time_limit_ms", 2000}});
    INFO(by_vehicles.text);
    REQUIRE(by_vehicles.status == 200);
    const auto& stats = by_vehicles.obj().at("stats");
    CHECK(stats.at("checked") == true);
    CHECK(stats.at("assigned") == by_distance.obj().at("stats").at("assigned"));
    // The walker's two rides and the wheelchair user's fit one driver's day.
    CHECK(by_vehicles.obj().at("routes").as_array().size() <=
          by_distance.obj().at("routes").as_array().size());
    CHECK(by_vehicles.obj().at("routes").as_array().size() == 1);
}
