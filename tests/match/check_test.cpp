// check(): the independent verifier rejects every kind of violation it knows.
#include <catch2/catch.hpp>

#include "fixtures.h"

using namespace lifeline::match;
using namespace lifeline::match::test;

namespace {

Problem two_requests() {
    Problem p;
    p.travel = line({0, 10, 20, 30});
    p.requests = {request(1, 3), request(2, 3)};
    p.vehicles = {vehicle(0, {3, 1}), vehicle(0, {3, 1})};
    return p;
}

Solution both_on_one() {
    Solution s;
    s.routes = {Route{0, {{0, true}, {1, true}, {0, false}, {1, false}}, 0, {}},
                Route{1, {}, 0, {}}};
    return s;
}

}  // namespace

TEST_CASE("check accepts a feasible plan and reports its distance and schedule", "[match]") {
    const Problem p = two_requests();
    const CheckReport report = check(p, both_on_one());
    REQUIRE(report.ok());
    CHECK(report.served == 2);
    CHECK(report.distance == 60);
    REQUIRE(report.schedules[0].size() == 4);
    CHECK(report.schedules[0][0] + 10 <= report.schedules[0][1]);
}

TEST_CASE("check rejects each kind of violation", "[match]") {
    Problem p = two_requests();
    Solution s = both_on_one();

    SECTION("unknown or reused vehicle") {
        s.routes[1].vehicle = 0;
        CHECK(check(p, s).has(ViolationKind::unknown_vehicle));
        s.routes[1].vehicle = 7;
        CHECK(check(p, s).has(ViolationKind::unknown_vehicle));
    }
    SECTION("unknown request") {
        s.routes[1].stops = {{9, true}, {9, false}};
        CHECK(check(p, s).has(ViolationKind::unknown_request));
    }
    SECTION("a stop served twice") {
        s.routes[1].stops = {{0, true}, {0, false}};
        CHECK(check(p, s).has(ViolationKind::duplicate_stop));
    }
    SECTION("pickup and drop-off on different vehicles") {
        s.routes[0].stops = {{0, true}, {1, true}, {1, false}};
        s.routes[1].stops = {{0, false}};
        CHECK(check(p, s).has(ViolationKind::incomplete_request));
    }
    SECTION("drop-off before pickup") {
        s.routes[0].stops = {{0, false}, {1, true}, {0, true}, {1, false}};
        CHECK(check(p, s).has(ViolationKind::order));
    }
    SECTION("a request neither served nor declared unserved") {
        s.routes[0].stops = {{0, true}, {0, false}};
        CHECK(check(p, s).has(ViolationKind::missing_request));
        s.unserved = {{1, UnservedReason::fleet_full}};
        CHECK(check(p, s).ok());
    }
    SECTION("too many seats") {
        p.vehicles[0].capacity = {1, 1};
        CHECK(check(p, s).has(ViolationKind::capacity_seats));
    }
    SECTION("too many wheelchairs") {
        p.requests[0].load = {0, 1};
        p.requests[1].load = {0, 1};
        CHECK(check(p, s).has(ViolationKind::capacity_wheelchairs));
    }
    SECTION("company for a ride_alone passenger") {
        p.requests[1].ride_alone = true;
        CHECK(check(p, s).has(ViolationKind::ride_alone));
    }
    SECTION("a window missed") {
        p.requests[1].pickup.latest = 15;  // reached at 20 at the earliest
        const CheckReport report = check(p, s);
        CHECK(report.has(ViolationKind::time_window));
        CHECK(report.schedules[0].empty());
    }
    SECTION("a ride too long") {
        p.requests[0].max_ride = 25;  // 1 -> 2 -> 3 is 20 of driving; force a wait at 2
        p.requests[1].pickup.earliest = 80;
        p.requests[0].pickup.latest = 40;
        CHECK(check(p, s).has(ViolationKind::ride_time));
    }
    SECTION("a route too long") {
        p.vehicles[0].max_duration = 50;  // 60 of driving
        CHECK(check(p, s).has(ViolationKind::route_duration));
    }
    SECTION("a shift that ends too early") {
        p.vehicles[0].shift_end = 50;
        CHECK(check(p, s).has(ViolationKind::time_window));
    }
}
