// Route evaluation (match/src/route.h) against schedules computed by hand.
#include <catch2/catch.hpp>

#include "fixtures.h"
#include "nodes.h"
#include "route.h"

using namespace lifeline::match;
using namespace lifeline::match::test;

namespace {

// Depot at 0, pickup at 10, drop-off at 20; the drop-off may only start in [60, 70] and
// the ride may last 20.
Problem late_dropoff(Time pickup_latest) {
    Problem p;
    p.travel = line({0, 10, 20});
    Request r = request(1, 2, 20);
    r.pickup.latest = pickup_latest;
    r.dropoff.earliest = 60;
    r.dropoff.latest = 70;
    p.requests = {r};
    p.vehicles = {vehicle(0, {3, 0})};
    return p;
}

}  // namespace

TEST_CASE("a later departure fixes a ride-time violation earliest starts would miss", "[match]") {
    const Problem problem = late_dropoff(100);
    const detail::Nodes nodes(problem, 100);
    detail::Scratch scratch;
    const std::vector<int> seq{nodes.start(0), 0, 1, nodes.end(0)};
    std::vector<Time> times;
    // Earliest starts would pick up at 10 and wait at the drop-off until 60: a 50 ride.
    REQUIRE(detail::schedule(nodes, 0, seq, times, 0, scratch));
    CHECK(times == std::vector<Time>{0, 40, 60, 80});

    Solution s;
    s.routes = {Route{0, {{0, true}, {0, false}}, 0, {}}};
    const CheckReport report = check(problem, s);
    REQUIRE(report.ok());
    CHECK(report.schedules[0][1] - report.schedules[0][0] <= 20);
}

TEST_CASE("a ride that cannot be shortened enough is infeasible", "[match]") {
    const Problem problem = late_dropoff(30);  // pickup by 30, drop-off from 60: ride >= 30
    const detail::Nodes nodes(problem, 100);
    detail::Scratch scratch;
    std::vector<Time> times;
    CHECK_FALSE(
        detail::schedule(nodes, 0, {nodes.start(0), 0, 1, nodes.end(0)}, times, 0, scratch));

    Solution s;
    s.routes = {Route{0, {{0, true}, {0, false}}, 0, {}}};
    CHECK(check(problem, s).has(ViolationKind::ride_time));
}

TEST_CASE("the route duration limit delays the departure from the depot", "[match]") {
    Problem problem;
    problem.travel = line({0, 10, 20});
    Request r = request(1, 2);
    r.pickup.earliest = 100;  // cannot start before 100
    problem.requests = {r};
    problem.vehicles = {vehicle(0, {3, 0})};
    problem.vehicles[0].max_duration = 50;  // 10 + 10 + 20 of driving fits, waiting does not
    const detail::Nodes nodes(problem, 100);
    detail::Scratch scratch;
    std::vector<Time> times;
    REQUIRE(detail::schedule(nodes, 0, {nodes.start(0), 0, 1, nodes.end(0)}, times, 0, scratch));
    CHECK(times == std::vector<Time>{80, 100, 110, 130});
    problem.vehicles[0].max_duration = 39;
    const detail::Nodes tight(problem, 100);
    CHECK_FALSE(
        detail::schedule(tight, 0, {tight.start(0), 0, 1, tight.end(0)}, times, 0, scratch));
}

TEST_CASE("seats and wheelchair spaces are separate capacities", "[match]") {
    Problem problem;
    problem.travel = line({0, 10, 20, 30});
    problem.requests = {request(1, 3, 1000, {1, 0}), request(1, 3, 1000, {0, 1}),
                        request(2, 3, 1000, {0, 1}), request(2, 3, 1000, {1, 0})};
    problem.vehicles = {vehicle(0, {1, 1})};
    const detail::Nodes nodes(problem, 100);
    const int s = nodes.start(0), e = nodes.end(0);
    // One seated and one wheelchair passenger together: fits.
    CHECK(detail::loads_ok(nodes, 0, {s, 0, 2, 1, 3, e}));
    // Two wheelchairs together: does not, though a seat is free.
    CHECK_FALSE(detail::loads_ok(nodes, 0, {s, 2, 4, 3, 5, e}));
    // Two seated passengers together: does not, though a wheelchair space is free.
    CHECK_FALSE(detail::loads_ok(nodes, 0, {s, 0, 6, 1, 7, e}));
    // The same two wheelchairs one after the other: fits.
    CHECK(detail::loads_ok(nodes, 0, {s, 2, 3, 4, 5, e}));
}

TEST_CASE("a ride_alone passenger shares the vehicle with nobody", "[match]") {
    Problem problem;
    problem.travel = line({0, 10, 20, 30});
    problem.requests = {request(1, 3), request(2, 3)};
    problem.requests[0].ride_alone = true;
    problem.vehicles = {vehicle(0, {3, 0})};
    const detail::Nodes nodes(problem, 100);
    const int s = nodes.start(0), e = nodes.end(0);
    CHECK(detail::loads_ok(nodes, 0, {s, 0, 1, 2, 3, e}));
    CHECK(detail::loads_ok(nodes, 0, {s, 2, 3, 0, 1, e}));
    CHECK_FALSE(detail::loads_ok(nodes, 0, {s, 0, 2, 1, 3, e}));  // joins the alone rider
    CHECK_FALSE(detail::loads_ok(nodes, 0, {s, 2, 0, 3, 1, e}));  // alone rider boards a busy bus

    // The solver, given one vehicle, carries them one after the other.
    SolveOptions options;
    options.time_limit_ms = 200;
    options.max_iterations = 50;
    const Solution solution = solve(problem, options);
    REQUIRE(check(problem, solution).ok());
    CHECK(served_count(solution) == 2);
    const auto& stops = solution.routes[0].stops;
    for (std::size_t k = 0; k + 1 < stops.size(); ++k)
        if (stops[k].request == 0 && stops[k].pickup)
            CHECK(stops[k + 1] == Stop{0, false});
}

TEST_CASE("insertion search finds the cheapest feasible place", "[match]") {
    Problem problem;
    problem.travel = line({0, 10, 20, 30, 40});
    problem.requests = {request(1, 4), request(2, 3)};
    problem.vehicles = {vehicle(0, {3, 0})};
    const detail::Nodes nodes(problem, 100);
    detail::Scratch scratch;
    detail::RouteState route;
    route.vehicle = 0;
    route.nodes = {nodes.start(0), 0, 1, nodes.end(0)};
    detail::refresh(nodes, route, scratch);
    REQUIRE(route.feasible);
    CHECK(route.distance == 80);
    // Request 1 lies on the way: riding along costs nothing.
    const detail::Placement p = detail::best_insertion(nodes, route, 1, scratch);
    REQUIRE(p.found());
    CHECK(p.delta == 0);
    detail::apply(nodes, route, 1, p, scratch);
    CHECK(route.nodes == std::vector<int>{nodes.start(0), 0, 2, 3, 1, nodes.end(0)});
    CHECK(route.distance == 80);
}
