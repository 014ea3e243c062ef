// insert(): real-time insertion keeps the plan feasible and the past untouched.
#include <catch2/catch.hpp>

#include "fixtures.h"
#include "lifeline/match/instances.h"

using namespace lifeline::match;
using namespace lifeline::match::test;

TEST_CASE("insert never breaks feasibility and never moves started stops", "[match]") {
    // Solve a3-24 with its last 8 requests held back, then insert them in real time with
    // the first two stops of every route already served.
    auto inst = lifeline::match::read_cordeau(LIFELINE_DARP_DIR "/a3-24.txt");
    Problem early = inst.problem;
    early.requests.resize(16);
    SolveOptions options;
    options.time_limit_ms = 300;
    Solution plan = solve(early, options);
    REQUIRE(check(early, plan).ok());
    // The held-back requests are known but not yet planned.
    for (RequestIndex r = 16; r < 24; ++r)
        plan.unserved.push_back({r, UnservedReason::fleet_full});
    for (auto& route : plan.routes)
        route.started = std::min<std::size_t>(2, route.stops.size());
    std::vector<std::vector<Stop>> before;
    for (const auto& route : plan.routes)
        before.push_back(route.stops);

    int inserted = 0;
    for (RequestIndex r = 16; r < 24; ++r) {
        const Insertion result = insert(inst.problem, plan, r);
        const CheckReport report = check(inst.problem, plan);
        for (const auto& v : report.violations)
            INFO(v.detail);
        if (!report.ok())
            FAIL(report.violations.front().detail);
        if (!result.inserted)
            continue;
        ++inserted;
        const Route& route = plan.routes[result.route];
        CHECK(result.pickup_index >= route.started);
        CHECK(route.stops[result.pickup_index] == Stop{r, true});
        CHECK(route.stops[result.dropoff_index] == Stop{r, false});
    }
    CHECK(inserted > 0);
    for (std::size_t k = 0; k < plan.routes.size(); ++k) {
        const auto& route = plan.routes[k];
        for (std::size_t s = 0; s < route.started; ++s)
            CHECK(route.stops[s] == before[k][s]);
        // Old stops keep their relative order.
        std::vector<Stop> old;
        for (const Stop& s : route.stops)
            if (s.request < 16)
                old.push_back(s);
        CHECK(old == before[k]);
    }
}

TEST_CASE("insert picks the cheapest vehicle and explains a refusal", "[match]") {
    Problem p;
    p.travel = line({0, 10, 20, 100, 110});
    p.vehicles = {vehicle(0, {1, 0}), vehicle(3, {1, 0})};
    p.requests = {request(1, 2), request(4, 3)};
    Solution plan;
    plan.routes = {Route{0, {}, 0, {}}, Route{1, {}, 0, {}}};
    const Insertion a = insert(p, plan, 0);
    REQUIRE(a.inserted);
    CHECK(a.route == 0);
    CHECK(a.added_distance == 40);
    const Insertion b = insert(p, plan, 1);
    REQUIRE(b.inserted);
    CHECK(b.route == 1);
    CHECK(check(p, plan).ok());

    p.requests.push_back(request(1, 2, 1000, {0, 1}));
    const Insertion c = insert(p, plan, 2);
    CHECK_FALSE(c.inserted);
    CHECK(c.reason == UnservedReason::no_wheelchair_vehicle);
    REQUIRE(plan.unserved.size() == 1);
    CHECK(check(p, plan).ok());
}

TEST_CASE("insert of a request the problem does not have is the engine's error", "[match]") {
    Problem p;
    p.travel = line({0, 10, 20});
    p.vehicles = {vehicle(0, {1, 0})};
    p.requests = {request(1, 2)};
    Solution plan;
    CHECK_THROWS_AS(insert(p, plan, 1), lifeline::match::Error);
    CHECK_THROWS_AS(insert(p, plan, -1), lifeline::match::Error);
    CHECK(plan.routes.empty());
    CHECK(plan.unserved.empty());
}
