// The benchmark readers: a hand-written Li & Lim instance read, solved and checked.
#include <catch2/catch.hpp>

#include "lifeline/match/instances.h"
#include "lifeline/match/match.h"

using namespace lifeline::match;

TEST_CASE("a Li & Lim instance is read as pickup-and-delivery requests", "[match]") {
    const auto inst = lifeline::match::read_lilim(LIFELINE_MATCH_TEST_DATA "/tiny-lilim.txt");
    REQUIRE(inst.problem.vehicles.size() == 2);
    REQUIRE(inst.problem.requests.size() == 3);
    CHECK(inst.problem.vehicles[0].capacity.seats == 10);
    CHECK(inst.pickup_node == std::vector<int>{1, 3, 5});
    CHECK(inst.dropoff_node == std::vector<int>{2, 4, 6});
    CHECK(inst.problem.requests[1].load.seats == 4);
    CHECK(inst.problem.requests[1].dropoff.earliest == 30 * 1000000);

    SolveOptions options;
    options.time_limit_ms = 200;
    const Solution s = solve(inst.problem, options);
    const CheckReport report = check(inst.problem, s);
    REQUIRE(report.ok());
    CHECK(report.served == 3);
    CHECK(lifeline::match::verify_in_double(inst, s, report, 1e-6).empty());
    double cost = 0;
    for (const auto& route : s.routes) {
        cost += lifeline::match::route_cost(inst, route);
        if (route.stops.empty())
            continue;
        const auto nodes = lifeline::match::route_nodes(inst, route);
        CHECK(nodes.front() == 0);
        CHECK(nodes.back() == 0);
    }
    // One vehicle does 0,1,2,0 with 3,4 or 5,6 on the way at best; a lower bound check.
    CHECK(cost >= 40 - 1e-9);
}

TEST_CASE("a Cordeau instance keeps the file's node ids", "[match]") {
    const auto inst = lifeline::match::read_cordeau(LIFELINE_DARP_DIR "/a2-16.txt");
    CHECK(inst.problem.requests.size() == 16);
    CHECK(inst.problem.vehicles.size() == 2);
    CHECK(inst.pickup_node[0] == 1);
    CHECK(inst.dropoff_node[0] == 17);
    CHECK(inst.end_node == 33);
    CHECK(inst.problem.requests[0].max_ride == 30 * 1000000);
    CHECK(inst.problem.vehicles[0].max_duration == 480 * 1000000);
}
