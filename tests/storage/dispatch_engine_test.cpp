// Dispatch over the matching engine on a real SQLite file: what happens when the engine
// refuses the problem dispatch built from the stored day.
#include <catch2/catch.hpp>

#include <string>

#include "lifeline/core/errors.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"
#include "temp_dir.h"

using namespace lifeline;
using namespace lifeline::storage;
using lifeline::testing::TempDir;

namespace {

Minutes hm(int h) {
    return Minutes{h * 60};
}

std::int64_t count(Database& db, const std::string& sql) {
    return db.read([&](Connection& c) {
        Statement st(c, sql);
        st.step();
        return st.get_int(0);
    });
}

}  // namespace

TEST_CASE("an engine refusal of a stored day is an internal error and writes nothing",
          "[storage][dispatch]") {
    TempDir dir;
    // Monday 14 March 2022, early morning in Jilin.
    ManualClock clock{*parse_instant("2022-03-14T06:00:00+08:00")};
    Database db{{dir.file("dispatch.db"), 256, 64, &clock}};
    SqliteServices app(db);
    const Actor dispatcher{7, "dispatch-wang", Role::dispatcher, std::nullopt};
    const LocalDate monday{std::chrono::year{2022}, std::chrono::month{3}, std::chrono::day{14}};

    Driver d;
    d.name = "张伟";
    d.phone = "+86 138 0443 1234";
    d.home = {43.85, 126.56};
    d.shifts = {{1, hm(7), hm(12)}};
    d = app.fleet.create_driver(dispatcher, d);
    Vehicle v;
    v.plate = "吉B12345";
    v.seats = 4;
    v.driver_id = d.id;
    app.fleet.create_vehicle(dispatcher, v);
    Patient p;
    p.name = "李秀英";
    p.address = "昌邑区解放东路12号";
    p.location = {43.88, 126.57};
    p = app.fleet.create_patient(dispatcher, p);
    RequestInput in;
    in.patient_id = p.id;
    in.direction = Direction::to_center;
    in.pickup = EndpointInput{std::nullopt, GeoPoint{43.88, 126.57}, "昌邑区解放东路12号"};
    in.dropoff = EndpointInput{std::nullopt, GeoPoint{43.8436, 126.5494}, "南京街4号"};
    in.arrive_by = *parse_instant("2022-03-14T10:00:00+08:00");
    app.dispatch.create_request(dispatcher, in);
    PlanOptions options;
    options.max_iterations = 100;
    REQUIRE(app.dispatch.plan_day(dispatcher, monday, options).routes.size() == 1);

    // A shift row that ends before it starts, written past the fleet's rules (an old
    // import, a hand edit): the engine refuses the vehicle built from it. The dispatcher
    // gave nothing wrong, so this is not their 4xx but our 500, logged with the reasons.
    db.write([](Connection& c) {
        Statement(c, "UPDATE driver_shifts SET start_min = 600, end_min = 300").step();
    });
    const auto planned = [&] { return count(db, "SELECT count(*) FROM routes"); };
    const std::int64_t routes_before = planned();
    try {
        app.dispatch.plan_day(dispatcher, monday, options);
        FAIL("the day was planned with a shift that ends before it starts");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::internal);
        CHECK_THAT(e.what(), Catch::Contains("matching engine") &&
                                 Catch::Contains("shift ends before it starts"));
    }
    CHECK(planned() == routes_before);
}
