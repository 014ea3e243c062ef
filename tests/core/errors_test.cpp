#include <catch2/catch.hpp>

#include "lifeline/core/errors.h"

using namespace lifeline;

TEST_CASE("field errors are collected before failing", "[core][errors]") {
    FieldErrors errs;
    REQUIRE_NOTHROW(errs.throw_if_any());
    errs.add("odometer_end", msg("odometer.end_below_start"));
    errs.add("ended_at", msg("time.ended_before_started"));
    try {
        errs.throw_if_any();
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid);
        REQUIRE(e.errors().size() == 2);
        CHECK(e.errors()[0].field == "odometer_end");
        CHECK(e.errors()[1].field == "ended_at");
    }
}
