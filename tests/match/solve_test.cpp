// solve(): serves what it can, explains what it cannot, repeats itself for a seed.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

#include "fixtures.h"
#include "lifeline/match/instances.h"

using namespace lifeline::match;
using namespace lifeline::match::test;

namespace {

std::vector<std::vector<Stop>> stops_of(const Solution& s) {
    std::vector<std::vector<Stop>> out;
    for (const auto& r : s.routes)
        out.push_back(r.stops);
    return out;
}

}  // namespace

TEST_CASE("solve is deterministic for a seed and an iteration budget", "[match]") {
    const auto inst = lifeline::match::read_cordeau(LIFELINE_DARP_DIR "/a3-24.txt");
    SolveOptions options;
    options.time_limit_ms = 60000;  // the iteration budget binds first
    options.max_iterations = 300;
    options.seed = 7;
    SECTION("one thread") {
        const Solution a = solve(inst.problem, options);
        const Solution b = solve(inst.problem, options);
        CHECK(stops_of(a) == stops_of(b));
        options.seed = 8;
        const Solution c = solve(inst.problem, options);
        CHECK(check(inst.problem, c).ok());
    }
    SECTION("two threads") {
        options.threads = 2;
        const Solution a = solve(inst.problem, options);
        const Solution b = solve(inst.problem, options);
        CHECK(stops_of(a) == stops_of(b));
        CHECK(check(inst.problem, a).ok());
    }
}

TEST_CASE("a2-16 is solved to its optimum, feasible in the instance's own arithmetic", "[match]") {
    const auto inst = lifeline::match::read_cordeau(LIFELINE_DARP_DIR "/a2-16.txt");
    // An iteration budget, not a time limit, so the result does not depend on how busy
    // the machine is; the time limit only guards against a runaway search.
    SolveOptions options;
    options.max_iterations = 20000;
    options.time_limit_ms = 120000;
    const Solution solution = solve(inst.problem, options);
    const CheckReport report = check(inst.problem, solution);
    REQUIRE(report.ok());
    CHECK(report.served == 16);
    CHECK(solution.unserved.empty());
    CHECK(lifeline::match::verify_in_double(inst, solution, report, 1e-6).empty());
    double cost = 0;
    for (const auto& route : solution.routes)
        cost += lifeline::match::route_cost(inst, route);
    CHECK(cost == Approx(294.25).epsilon(0.001));
    CHECK(cost > 294.24);  // the proven optimum; cheaper would mean a checker bug
}

TEST_CASE("unserved requests come back with the clearest reason", "[match]") {
    Problem p;
    p.travel = line({0, 10, 20, 1000});
    p.vehicles = {vehicle(0, {3, 0}, 500)};
    Request wheelchair = request(1, 2, 1000, {0, 1});
    Request crowd = request(1, 2, 1000, {4, 0});
    Request too_short = request(1, 2, 5);
    Request far = request(1, 3);  // 990 away, the shift lasts 500
    Request inverted = request(1, 2);
    inverted.pickup.earliest = 50;
    inverted.pickup.latest = 40;
    Request fine = request(1, 2);
    p.requests = {wheelchair, crowd, too_short, far, inverted, fine};
    SolveOptions options;
    options.time_limit_ms = 100;
    const Solution s = solve(p, options);
    REQUIRE(check(p, s).ok());
    REQUIRE(s.unserved.size() == 5);
    CHECK(s.unserved[0].reason == UnservedReason::no_wheelchair_vehicle);
    CHECK(s.unserved[1].reason == UnservedReason::exceeds_capacity);
    CHECK(s.unserved[2].reason == UnservedReason::ride_time_too_short);
    CHECK(s.unserved[3].reason == UnservedReason::window_unreachable);
    CHECK(s.unserved[4].reason == UnservedReason::invalid_request);
    CHECK(served_count(s) == 1);

    Problem no_fleet = p;
    no_fleet.vehicles.clear();
    CHECK(diagnose(no_fleet, 5) == UnservedReason::exceeds_capacity);
    CHECK(diagnose(no_fleet, 0) == UnservedReason::no_wheelchair_vehicle);
}

TEST_CASE("serving more requests beats driving less", "[match]") {
    // Two far-apart requests and one vehicle: both fit in the shift, so both are served
    // even though serving one would halve the distance.
    Problem p;
    p.travel = line({0, 100, 110, -100, -110});
    p.vehicles = {vehicle(0, {1, 0}, 1000)};
    p.requests = {request(1, 2), request(3, 4)};
    SolveOptions options;
    options.time_limit_ms = 100;
    const Solution s = solve(p, options);
    CHECK(check(p, s).ok());
    CHECK(served_count(s) == 2);
}

TEST_CASE("an invalid problem is refused with every bad field", "[match]") {
    Problem p;
    p.travel = line({0, 10});
    p.vehicles = {vehicle(5, {3, 0})};
    p.requests = {request(1, 9)};
    CHECK(validate(p).size() == 3);  // vehicle start, vehicle end, drop-off location
    try {
        solve(p, SolveOptions{});
        FAIL("solve accepted an invalid problem");
    } catch (const lifeline::match::Error& e) {
        CHECK(e.reasons() == validate(p));
    }
    SolveOptions no_threads;
    no_threads.threads = 0;
    p.vehicles = {vehicle(0, {3, 0})};
    p.requests = {request(0, 1)};
    CHECK_THROWS_AS(solve(p, no_threads), lifeline::match::Error);
}

TEST_CASE("vehicles ending at different places: the search keeps its time limit", "[match]") {
    // A day like a volunteer fleet's: every driver starts and ends at their own home, so
    // moving a route's tail to another vehicle also changes where it ends. 12 homes,
    // 100 requests on a 2-D grid; the plan must come back within its time limit and pass
    // the independent check.
    constexpr int homes = 12, requests = 100;
    std::vector<std::pair<double, double>> points;
    std::uint64_t state = 42;
    auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return double(state >> 33) / double(1ULL << 31);
    };
    for (int i = 0; i < homes + 2 * requests; ++i)
        points.emplace_back(next() * 60, next() * 60);
    const std::size_t n = points.size();
    std::vector<Time> m(n * n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b)
            m[a * n + b] = Time(std::ceil(std::hypot(points[a].first - points[b].first,
                                                     points[a].second - points[b].second)));
    Problem p;
    p.travel = std::make_shared<MatrixTravel>(n, m, m);
    for (int v = 0; v < homes; ++v) {
        Vehicle veh = lifeline::match::test::vehicle(v, {3, 1}, 720);
        p.vehicles.push_back(veh);
    }
    for (int r = 0; r < requests; ++r) {
        Request req = lifeline::match::test::request(homes + 2 * r, homes + 2 * r + 1, 90);
        // Half arrive by a time, half are ready at a time, as dialysis rides are.
        const Time t = 60 + Time(next() * 560);
        if (r % 2 == 0)
            req.dropoff = {req.dropoff.location, t - 30, t, 1};
        else
            req.pickup = {req.pickup.location, t, t + 30, 1};
        p.requests.push_back(req);
    }
    SolveOptions options;
    options.time_limit_ms = 1000;
    const auto start = std::chrono::steady_clock::now();
    const Solution solution = solve(p, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(seconds < 10.0);  // the limit is 1 s; generous for a loaded machine
    CHECK(check(p, solution).ok());
}

TEST_CASE("a search stops once it has converged — the time limit stays a cap",
          "[match][converge]") {
    // The window grows with the instance, from a floor for small days.
    CHECK(convergence_window(1) == convergence_window(10));
    CHECK(convergence_window(500) > convergence_window(50));
    CHECK(convergence_window(50) > convergence_window(10));

    const auto inst = lifeline::match::read_cordeau(LIFELINE_DARP_DIR "/a3-24.txt");
    SolveOptions options;
    options.time_limit_ms = 60000;
    options.until_converged = true;
    options.seed = 3;
    SolveStats stats;
    const auto started = std::chrono::steady_clock::now();
    const Solution a = solve(inst.problem, options, &stats);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE(check(inst.problem, a).ok());
    CHECK(stats.converged);
    CHECK(seconds < 30);
    // It ran at least one whole window past its last better plan.
    CHECK(stats.iterations >= convergence_window(24));
    // The rule counts iterations, not time: the same seed stops at the same plan.
    SolveStats again;
    const Solution b = solve(inst.problem, options, &again);
    CHECK(stops_of(a) == stops_of(b));
    CHECK(again.iterations == stats.iterations);
    // Within 1 % of the best known (344.83), with every request served.
    double cost = 0;
    for (const auto& route : a.routes)
        cost += lifeline::match::route_cost(inst, route);
    CHECK(a.unserved.empty());
    CHECK(cost < 344.83 * 1.01);

    SECTION("a cap that binds first ends the search unconverged") {
        options.max_iterations = 50;
        SolveStats capped;
        solve(inst.problem, options, &capped);
        CHECK_FALSE(capped.converged);
        CHECK(capped.iterations == 50);
    }
}

TEST_CASE("the fewest-vehicles objective uses one vehicle where two would drive less",
          "[match][vehicles]") {
    // Two garages 20 apart, a short ride next to each: two vehicles drive 4 + 4; one vehicle
    // drives both rides, at best 44 (10 → 9 → -9 → -11 → 11 → 10, both aboard on the way).
    Problem p;
    p.travel = line({10, -10, 9, 11, -9, -11});
    p.vehicles = {vehicle(0, {4, 0}), vehicle(1, {4, 0})};
    p.requests = {request(2, 3), request(4, 5)};
    SolveOptions options;
    options.time_limit_ms = 60000;
    options.max_iterations = 500;
    auto used = [](const Solution& s) {
        int n = 0;
        for (const auto& r : s.routes)
            n += r.stops.empty() ? 0 : 1;
        return n;
    };

    const Solution shortest = solve(p, options);
    REQUIRE(check(p, shortest).ok());
    CHECK(shortest.unserved.empty());
    CHECK(used(shortest) == 2);
    CHECK(total_distance(p, shortest) == 8);

    options.objective = Objective::vehicles;
    const Solution fewest = solve(p, options);
    REQUIRE(check(p, fewest).ok());
    CHECK(fewest.unserved.empty());
    CHECK(used(fewest) == 1);
    CHECK(total_distance(p, fewest) == 44);

    SECTION("never at the price of a request") {
        // Both pickups within 5 of the start: only the vehicle next to each reaches it.
        p.requests[0].pickup.latest = 5;
        p.requests[1].pickup.latest = 5;
        const Solution both = solve(p, options);
        REQUIRE(check(p, both).ok());
        CHECK(both.unserved.empty());
        CHECK(used(both) == 2);
    }
}
