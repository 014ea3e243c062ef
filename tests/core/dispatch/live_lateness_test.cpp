// A route's lateness by its vehicle's live position: the travel model's time from the last
// position to the next stop, against that stop's planned time.
#include <catch2/catch.hpp>

#include <cmath>

#include "lifeline/core/dispatch/live_lateness.h"
#include "lifeline/core/errors.h"
#include "lifeline/core/geo.h"

using namespace lifeline;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const GeoPoint here{43.83, 126.54};
const GeoPoint stop{43.88, 126.58};
const Instant ten{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + std::chrono::hours{2}};

// The model's seconds from here to the stop at a detour of 1.3 and 30 km/h.
std::int64_t model_seconds() {
    return std::int64_t(std::ceil(haversine_m(here, stop) * 1.3 / (30 / 3.6)));
}

}  // namespace

TEST_CASE("a fresh position well ahead of the next stop's time is on time",
          "[core][dispatch][live]") {
    const LiveLateness l = live_lateness({here, ten}, stop, ten + minutes{60}, ten, 1.3, 30);
    CHECK(l.late_min == 0);
    CHECK(l.estimated_arrival == ten + seconds{model_seconds()});
}

TEST_CASE("arriving after the planned time is late by the minutes, rounded up",
          "[core][dispatch][live]") {
    const auto travel = seconds{model_seconds()};
    // Planned 61 s before the model's arrival: 2 minutes late (61 s rounds up).
    const LiveLateness l =
        live_lateness({here, ten}, stop, ten + travel - seconds{61}, ten, 1.3, 30);
    CHECK(l.late_min == 2);
    // Planned exactly at the arrival: on time.
    CHECK(live_lateness({here, ten}, stop, ten + travel, ten, 1.3, 30).late_min == 0);
}

TEST_CASE("an old position cannot arrive before now", "[core][dispatch][live]") {
    // Last seen an hour ago; the model would have arrived long since, yet the stop is not
    // done: the vehicle arrives now at the earliest.
    const Instant now = ten + minutes{60};
    const LiveLateness l = live_lateness({here, ten}, stop, ten + minutes{40}, now, 1.3, 30);
    CHECK(l.estimated_arrival == now);
    CHECK(l.late_min == 20);
}

TEST_CASE("a slower model makes the same position later", "[core][dispatch][live]") {
    const Instant eta = ten + minutes{15};
    const auto fast = live_lateness({here, ten}, stop, eta, ten, 1.3, 60);
    const auto slow = live_lateness({here, ten}, stop, eta, ten, 1.3, 15);
    CHECK(fast.late_min < slow.late_min);
    CHECK_THROWS_AS(live_lateness({here, ten}, stop, eta, ten, 0.9, 30), Error);
    CHECK_THROWS_AS(live_lateness({here, ten}, stop, eta, ten, 1.3, 0), Error);
}
