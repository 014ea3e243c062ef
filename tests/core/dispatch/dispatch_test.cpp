// Dispatch's mapping of a day to the matching engine (docs/design.md §5), without storage.
#include <catch2/catch.hpp>

#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/geo.h"

using namespace lifeline;
using namespace std::chrono;

namespace {

LocalDate date_of(int y, unsigned m, unsigned d) {
    return LocalDate{year{y}, month{m}, std::chrono::day{d}};
}

Instant at(const char* text) {
    return *parse_instant(text);
}

Driver driver(DriverId id, bool trained, std::vector<Shift> shifts) {
    Driver d;
    d.id = id;
    d.name = "driver " + std::to_string(id);
    d.home = {43.83, 126.54};
    d.wheelchair_trained = trained;
    d.shifts = std::move(shifts);
    return d;
}

Vehicle vehicle(VehicleId id, DriverId driver, int seats, int wheelchairs) {
    Vehicle v;
    v.id = id;
    v.plate = "V" + std::to_string(id);
    v.seats = seats;
    v.wheelchair_spaces = wheelchairs;
    v.driver_id = driver;
    return v;
}

RideRequest to_center(RequestId id, const char* arrive_by, bool wheelchair = false) {
    RideRequest r;
    r.id = id;
    r.patient_id = id;
    r.direction = Direction::to_center;
    r.service_date = date_of(2027, 3, 22);
    r.pickup.location = {43.88, 126.58};
    r.dropoff.location = {43.845, 126.542};
    r.arrive_by = at(arrive_by);
    r.wheelchair = wheelchair;
    r.passengers = 1;
    return r;
}

}  // namespace

TEST_CASE("the great-circle travel model is haversine times the detour at the urban speed",
          "[core][dispatch]") {
    // One degree of latitude is about 111.2 km.
    CHECK(haversine_m({43.0, 126.0}, {44.0, 126.0}) == Approx(111'195).epsilon(0.001));
    GreatCircleTravel travel({{43.0, 126.0}, {44.0, 126.0}}, 1.3, 30);
    CHECK(travel.size() == 2);
    CHECK(travel.distance(0, 0) == 0);
    CHECK(travel.distance(0, 1) == Approx(111'195 * 1.3).epsilon(0.001));
    CHECK(travel.distance(0, 1) == travel.distance(1, 0));
    // 144.55 km at 30 km/h: 4.818 h, in milliseconds rounded up.
    CHECK(double(travel.time(0, 1)) == Approx(111'195 * 1.3 / 30'000 * 3'600'000).epsilon(0.001));
    CHECK_THROWS_AS(GreatCircleTravel({}, 0.9, 30), Error);
    CHECK_THROWS_AS(GreatCircleTravel({}, 1.3, 0), Error);
}

TEST_CASE("a driver is on shift on the weekdays of their shifts unless absent",
          "[core][dispatch]") {
    Driver d = driver(1, false,
                      {{1, Minutes{6 * 60}, Minutes{10 * 60}},
                       {1, Minutes{14 * 60}, Minutes{18 * 60}},
                       {3, Minutes{7 * 60}, Minutes{12 * 60}}});
    const LocalDate monday = date_of(2027, 3, 22), tuesday = date_of(2027, 3, 23),
                    wednesday = date_of(2027, 3, 24);
    auto span = shift_on(d, monday);
    REQUIRE(span);
    CHECK(span->start == Minutes{6 * 60});  // a split shift is one span
    CHECK(span->end == Minutes{18 * 60});
    CHECK_FALSE(shift_on(d, tuesday));
    REQUIRE(shift_on(d, wednesday));
    d.absences.push_back({monday, tuesday});
    CHECK_FALSE(shift_on(d, monday));
    CHECK(shift_on(d, wednesday));
    d.active = false;
    CHECK_FALSE(shift_on(d, wednesday));
}

TEST_CASE("a day maps to the engine with windows, loads, ride limits and vehicles",
          "[core][dispatch]") {
    DayInputs in;
    in.date = date_of(2027, 3, 22);  // a Monday
    in.zone = find_zone("Asia/Shanghai");
    in.drivers = {driver(1, true, {{1, Minutes{6 * 60}, Minutes{14 * 60}}}),
                  driver(2, false, {{1, Minutes{6 * 60}, Minutes{14 * 60}}}),
                  driver(3, true, {{2, Minutes{6 * 60}, Minutes{14 * 60}}}),   // not Mondays
                  driver(4, true, {{1, Minutes{6 * 60}, Minutes{14 * 60}}})};  // no vehicle
    in.vehicles = {vehicle(10, 1, 4, 1), vehicle(20, 2, 3, 1), vehicle(30, 3, 4, 1)};
    RideRequest there = to_center(100, "2027-03-22T07:30:00+08:00", true);
    there.passengers = 2;  // with an escort
    RideRequest back;
    back.id = 101;
    back.patient_id = 7;
    back.direction = Direction::home;
    back.service_date = in.date;
    back.pickup.location = there.dropoff.location;
    back.dropoff.location = there.pickup.location;
    back.ready_at = at("2027-03-22T11:30:00+08:00");
    RideRequest will_call = back;
    will_call.id = 102;
    will_call.ready_at.reset();
    in.requests = {there, back, will_call};
    Patient alone;
    alone.id = 7;
    alone.ride_alone = true;
    in.patients[7] = alone;

    DayProblem dp = map_day(in);
    const MatcherDefaults m;
    REQUIRE(dp.vehicles.size() == 2);
    CHECK(dp.vehicles[0].vehicle_id == 10);
    CHECK(dp.vehicles[1].vehicle_id == 20);
    const auto& v0 = dp.problem.vehicles[0];
    const auto& v1 = dp.problem.vehicles[1];
    CHECK(v0.capacity == match::Load{4, 1});
    CHECK(v1.capacity == match::Load{3, 0});  // the driver is not wheelchair-trained
    CHECK(v0.shift_start == 6 * 3'600'000);
    CHECK(v0.shift_end == 14 * 3'600'000);
    CHECK(v0.max_duration == 8 * 3'600'000);
    CHECK(v0.start == v0.end);

    REQUIRE(dp.request_ids == std::vector<RequestId>{100, 101});  // will-call left out
    const auto& q0 = dp.problem.requests[0];
    const auto& q1 = dp.problem.requests[1];
    const match::Time appointment = (7 * 60 + 30) * 60'000;
    CHECK(q0.dropoff.latest == appointment);
    CHECK(q0.dropoff.earliest == appointment - m.early_tolerance_minutes * 60'000);
    CHECK(q0.load == match::Load{1, 1});  // the wheelchair and the escort's seat
    const match::Time direct = dp.problem.travel->time(q0.pickup.location, q0.dropoff.location);
    CHECK(q0.max_ride == std::max<match::Time>(m.min_ride_minutes * 60'000,
                                               match::Time(m.ride_time_factor * double(direct))));
    CHECK(q0.pickup.service == m.service_minutes * 60'000);
    CHECK_FALSE(q0.ride_alone);
    CHECK(q1.pickup.earliest == (11 * 60 + 30) * 60'000);
    CHECK(q1.pickup.latest == q1.pickup.earliest + m.late_tolerance_minutes * 60'000);
    CHECK(q1.ride_alone);
    CHECK(dp.at(q1.pickup.earliest) == *back.ready_at);
    CHECK(match::validate(dp.problem).empty());

    match::SolveOptions o;
    o.time_limit_ms = 200;
    o.max_iterations = 200;
    match::Solution s = match::solve(dp.problem, o);
    CHECK(match::check(dp.problem, s).ok());
    CHECK(match::served_count(s) == 2);
    for (const auto& r : s.routes)
        for (const auto& stop : r.stops)
            if (stop.request == 0)
                CHECK(r.vehicle == 0);  // only the trained driver's van carries the wheelchair
}

TEST_CASE("shifts and appointments keep local time across a DST change", "[core][dispatch]") {
    DayInputs in;
    in.zone = find_zone("Europe/Berlin");
    in.drivers = {driver(1, true, {{1, Minutes{6 * 60}, Minutes{14 * 60}}})};
    in.vehicles = {vehicle(10, 1, 4, 1)};
    for (auto [date, arrive, shift_utc] :
         {std::tuple{date_of(2027, 3, 22), "2027-03-22T06:30:00Z", "2027-03-22T05:00:00Z"},
          std::tuple{date_of(2027, 3, 29), "2027-03-29T05:30:00Z", "2027-03-29T04:00:00Z"}}) {
        in.date = date;
        RideRequest r = to_center(1, arrive);
        r.service_date = date;
        in.requests = {r};
        DayProblem dp = map_day(in);
        REQUIRE(dp.problem.vehicles.size() == 1);
        CHECK(dp.at(dp.problem.vehicles[0].shift_start) == at(shift_utc));
        // 07:30 local either side of the change: tick = 7.5 h after local midnight.
        CHECK(dp.problem.requests[0].dropoff.latest == (7 * 60 + 30) * 60'000);
    }
}

TEST_CASE("every reason a request is left out reads as a dispatcher's sentence",
          "[core][dispatch]") {
    using R = match::UnservedReason;
    for (R r : {R::invalid_request, R::no_wheelchair_vehicle, R::exceeds_capacity,
                R::ride_time_too_short, R::window_unreachable, R::fleet_full})
        CHECK(describe(r).size() > 20);
    CHECK(describe(R::no_wheelchair_vehicle).rfind("no wheelchair space", 0) == 0);
}
