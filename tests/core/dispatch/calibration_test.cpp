// Calibration of the travel model from finished trips: the detour factor and the speeds
// by hour come back from trips made with known ones; anomalies are left out; without
// trips there is no figure.
#include <catch2/catch.hpp>

#include <cmath>

#include "lifeline/core/dispatch/calibration.h"
#include "lifeline/core/geo.h"

using namespace lifeline;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const GeoPoint home{43.83, 126.54};
const GeoPoint center{43.845, 126.542};
const GeoPoint patient{43.88, 126.58};

// 08:00 UTC on a day, plus `m` minutes.
Instant at_utc(int hour, int m = 0) {
    return Instant{std::chrono::sys_days{std::chrono::year{2022} / 3 / 14}} +
           std::chrono::hours{hour} + minutes{m};
}

double km(GeoPoint a, GeoPoint b) {
    return haversine_m(a, b) / 1000;
}

// home → patient → center → home, driven with `detour` at `speed` from `hour`, with
// `service` minutes at each stop.
FinishedTrip trip(TripId id, double detour, double speed, int hour, int service = 3) {
    FinishedTrip t;
    t.id = id;
    t.start = t.end = home;
    double leg = km(patient, center) * detour;
    Instant pickup = at_utc(hour);
    Instant dropoff = pickup + seconds{std::int64_t(leg / speed * 3600)} + minutes{service};
    t.stops = {{pickup, patient, true}, {dropoff, center, false}};
    t.km = (km(home, patient) + km(patient, center) + km(center, home)) * detour;
    return t;
}

CalibrationOptions utc() {
    CalibrationOptions o;
    o.zone = nullptr;
    o.service_minutes = 3;
    return o;
}

}  // namespace

TEST_CASE("calibration recovers the detour factor and the speeds by hour", "[core][calibration]") {
    std::vector<FinishedTrip> trips;
    for (int i = 0; i < 10; ++i) {
        trips.push_back(trip(2 * i + 1, 1.4, 20, 7));
        trips.push_back(trip(2 * i + 2, 1.4, 36, 13));
    }
    TravelFit f = calibrate(trips, utc());
    CHECK(f.trips == 20);
    CHECK(f.trips_used == 20);
    REQUIRE(f.detour_factor);
    CHECK(*f.detour_factor == Approx(1.4).epsilon(0.001));
    REQUIRE(f.speed_by_hour[7]);
    CHECK(*f.speed_by_hour[7] == Approx(20).epsilon(0.01));
    CHECK(f.legs_by_hour[7] == 10);
    REQUIRE(f.speed_by_hour[13]);
    CHECK(*f.speed_by_hour[13] == Approx(36).epsilon(0.01));
    CHECK(!f.speed_by_hour[10]);
    CHECK(f.legs_used == 20);
    REQUIRE(f.speed_kmh);
    CHECK(*f.speed_kmh == Approx(28).epsilon(0.01));
}

TEST_CASE("calibration reads the hours in the organisation's zone", "[core][calibration]") {
    CalibrationOptions o = utc();
    o.zone = find_zone("Asia/Shanghai");
    TravelFit f = calibrate({trip(1, 1.3, 30, 0)}, o);  // 00:00 UTC is 08:00 in Jilin
    CHECK(f.legs_by_hour[8] == 1);
    CHECK(f.legs_by_hour[0] == 0);
}

TEST_CASE("without trips calibration has no figure", "[core][calibration]") {
    TravelFit f = calibrate({}, utc());
    CHECK(f.trips == 0);
    CHECK(!f.detour_factor);
    CHECK(!f.speed_kmh);
    CHECK(f.legs_used == 0);
}

TEST_CASE("calibration leaves anomalies out", "[core][calibration]") {
    std::vector<FinishedTrip> trips;
    for (int i = 0; i < 9; ++i)
        trips.push_back(trip(i + 1, 1.5, 25, 9));
    SECTION("an odometer typo and a trip that never moved") {
        FinishedTrip typo = trip(100, 1.5, 25, 9);
        typo.km *= 100;
        FinishedTrip still = trip(101, 1.5, 25, 9);
        still.km = 0;
        trips.push_back(typo);
        trips.push_back(still);
        TravelFit f = calibrate(trips, utc());
        CHECK(f.trips == 11);
        CHECK(f.trips_used == 9);
        CHECK(*f.detour_factor == Approx(1.5).epsilon(0.001));
    }
    SECTION("a pickup reached after a wait is not timed") {
        FinishedTrip waited = trip(100, 1.5, 25, 9);
        waited.stops.push_back({waited.stops[1].at + std::chrono::hours{1}, patient, true});
        trips.push_back(waited);
        TravelFit f = calibrate(trips, utc());
        CHECK(f.legs_by_hour[9] == 10);
        CHECK(f.legs_by_hour[10] == 0);
    }
    SECTION("a stop logged hours late, two stops at one place, stops out of order") {
        FinishedTrip late = trip(100, 1.5, 25, 9);
        late.stops[1].at += std::chrono::hours{3};
        FinishedTrip same = trip(101, 1.5, 25, 9);
        same.stops.push_back({same.stops[1].at + minutes{2}, center});
        FinishedTrip backwards = trip(102, 1.5, 25, 9);
        std::swap(backwards.stops[0].at, backwards.stops[1].at);
        trips.insert(trips.end(), {late, same, backwards});
        TravelFit f = calibrate(trips, utc());
        CHECK(f.legs_by_hour[9] == 10);  // the nine, and the one at a normal pace of `same`
        CHECK(*f.speed_by_hour[9] == Approx(25).epsilon(0.01));
    }
    SECTION("a trip whose stops all sit at one place") {
        FinishedTrip here;
        here.id = 100;
        here.km = 3;
        here.stops = {{at_utc(9), center, true}, {at_utc(9, 30), center, false}};
        trips.push_back(here);
        TravelFit f = calibrate(trips, utc());
        CHECK(f.trips_used == 9);
    }
}
