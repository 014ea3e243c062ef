// The clocks Lifeline is given: the system's, a manual one for tests, one shifted to
// another starting instant for rehearsals.
#include <catch2/catch.hpp>

#include "lifeline/core/clock.h"

using namespace lifeline;
using std::chrono::seconds;

TEST_CASE("a manual clock stands still until it is set or advanced", "[core][clock]") {
    const Instant start = *parse_instant("2022-03-14T06:30:00+08:00");
    ManualClock clock(start);
    CHECK(clock.now() == start);
    CHECK(clock.now() == start);
    clock.advance(seconds{90});
    CHECK(format_instant(clock.now()) == "2022-03-13T22:31:30Z");
    clock.set(*parse_instant("2022-03-15T00:00:00Z"));
    CHECK(format_instant(clock.now()) == "2022-03-15T00:00:00Z");
}

TEST_CASE("a shifted clock starts at its instant and runs at its base's pace", "[core][clock]") {
    ManualClock base(*parse_instant("2026-11-30T23:59:00+08:00"));
    const Instant rehearsal = *parse_instant("2022-03-14T10:00:00+08:00");
    ShiftedClock shifted(base, rehearsal);
    CHECK(shifted.now() == rehearsal);
    base.advance(seconds{120});  // the wall clock passes midnight; the rehearsal does not
    CHECK(shifted.now() == rehearsal + seconds{120});
    CHECK(format_date(local_date(shifted.now(), find_zone("Asia/Shanghai"))) == "2022-03-14");
}

TEST_CASE("the system clock reads whole seconds of the wall clock", "[core][clock]") {
    const Instant a = system_clock().now();
    const Instant b = system_clock().now();
    CHECK(b >= a);
    CHECK(b - a < seconds{5});
    CHECK(a > *parse_instant("2024-01-01T00:00:00Z"));
}
