// A dispatcher closing a trip its driver left open with a patient aboard (the phone died
// after the pickup): the close says, for each patient still aboard, whether they were
// delivered or taken off and when; every refusal names its field and writes nothing.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixture.h"

using namespace lifeline::test;

namespace {

std::size_t audit_count(SeededFleet& f, std::int64_t trip) {
    auto a = f.admin.get("/api/v1/audit?entity=trip&id=" + std::to_string(trip));
    REQUIRE(a.status == 200);
    return a.obj().at("items").as_array().size();
}

// Today's ride of the walker on the sedan's route, driven by driver1, who opens the trip
// at 07:00 and picks the patient up at 07:40; then the phone dies.
struct AboardTrip {
    SeededFleet f;
    std::string day = shanghai_date(0);
    std::int64_t request = 0, route = 0, trip = 0, ride = 0;
    std::string path;

    AboardTrip() {
        request =
            require_created(f.dispatcher.post("/api/v1/requests",
                                              json::object{{"patient_id", f.walker_id},
                                                           {"direction", "to_center"},
                                                           {"arrive_by", day + "T08:30:00+08:00"}}))
                .id();
        auto a = f.dispatcher.post("/api/v1/requests/" + std::to_string(request) + "/assign",
                                   json::object{{"vehicle_id", f.sedan_id}});
        INFO(a.text);
        REQUIRE(a.status == 200);
        route = a.obj().at("route").at("id").as_int64();
        trip = require_created(
                   f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                                {"route_id", route},
                                                                {"started_at", at("07:00")},
                                                                {"odometer_start", 6000.0}}))
                   .id();
        path = "/api/v1/trips/" + std::to_string(trip);
        auto picked = f.driver1.post(path + "/events", json::object{{"type", "pickup"},
                                                                    {"request_id", request},
                                                                    {"at", at("07:40")},
                                                                    {"odometer", 6005.0}});
        INFO(picked.text);
        REQUIRE(picked.status == 201);
        ride = picked.obj().at("rides").as_array()[0].at("id").as_int64();
    }

    std::string at(const std::string& clock) const { return day + "T" + clock + ":00+08:00"; }

    json::object close(json::array rides) const {
        return json::object{{"ended_at", at("08:30")},
                            {"odometer_end", 6020.0},
                            {"reason", "the driver's phone died after the pickup"},
                            {"rides", std::move(rides)}};
    }

    json::object answer(std::int64_t ride_id, const char* outcome) const {
        return json::object{{"ride_id", ride_id}, {"outcome", outcome}};
    }

    std::string request_status() {
        auto r = f.dispatcher.get("/api/v1/requests/" + std::to_string(request));
        REQUIRE(r.status == 200);
        return std::string(r.obj().at("status").as_string());
    }
};

}  // namespace

TEST_CASE("closing a trip with a patient aboard answers for each, or names what is missing",
          "[api][trips][close]") {
    AboardTrip s;
    auto& f = s.f;
    auto delivered_at = [&](const std::string& at) {
        json::object a = s.answer(s.ride, "completed");
        a["at"] = at;
        return a;
    };

    SECTION("every refusal names its field and writes nothing") {
        // Nobody answered for the patient aboard.
        auto silent = f.dispatcher.post(s.path + "/close", s.close({}));
        require_problem(silent, 422, "rides");
        CHECK(silent.obj().at("errors").as_array()[0].at("code") == "trip.close_aboard_unanswered");
        json::object no_rides = s.close({});
        no_rides.erase("rides");
        require_problem(f.dispatcher.post(s.path + "/close", no_rides), 422, "rides");
        // A ride that is not on the trip, or named without its id.
        require_problem(
            f.dispatcher.post(s.path + "/close", s.close({s.answer(s.ride + 1000, "completed")})),
            422, "rides[0].ride_id");
        require_problem(
            f.dispatcher.post(s.path + "/close", s.close({json::object{{"outcome", "completed"}}})),
            400, "rides[0].ride_id");  // a malformed answer is 400, as every malformed body
        // The same ride twice.
        require_problem(
            f.dispatcher.post(s.path + "/close", s.close({s.answer(s.ride, "completed"),
                                                          s.answer(s.ride, "cancelled")})),
            422, "rides[1].ride_id");
        // Outcomes a patient who was picked up cannot have, or none at all.
        for (const char* outcome : {"no_show", "aboard"})
            require_problem(
                f.dispatcher.post(s.path + "/close", s.close({s.answer(s.ride, outcome)})), 422,
                "rides[0].outcome");
        require_problem(f.dispatcher.post(s.path + "/close", s.close({s.answer(s.ride, "flew")})),
                        400, "rides[0].outcome");
        require_problem(
            f.dispatcher.post(s.path + "/close", s.close({json::object{{"ride_id", s.ride}}})), 400,
            "rides[0].outcome");
        // Times outside the pickup..end span, or not a time.
        require_problem(
            f.dispatcher.post(s.path + "/close", s.close({delivered_at(s.at("07:30"))})), 422,
            "rides[0].at");
        require_problem(
            f.dispatcher.post(s.path + "/close", s.close({delivered_at(s.at("08:45"))})), 422,
            "rides[0].at");
        require_problem(f.dispatcher.post(s.path + "/close", s.close({delivered_at("soon")})), 400,
                        "rides[0].at");
        // The trip's own end before the pickup names the end, not the answer.
        json::object early = s.close({s.answer(s.ride, "completed")});
        early["ended_at"] = s.at("07:35");
        require_problem(f.dispatcher.post(s.path + "/close", early), 422, "ended_at");
        // Answers are given by dispatchers only.
        CHECK(f.driver1.post(s.path + "/close", s.close({s.answer(s.ride, "completed")})).status ==
              403);

        auto still = f.dispatcher.get(s.path);
        REQUIRE(still.status == 200);
        CHECK(still.obj().at("status") == "open");
        const auto& ride = still.obj().at("rides").as_array()[0].as_object();
        CHECK(ride.at("outcome") == "aboard");
        CHECK(ride.at("dropped_off_at").is_null());
        CHECK(audit_count(f, s.trip) == 0);
        CHECK(s.request_status() == "in_progress");
    }

    SECTION("delivered: the ride is completed at the time given, and the month counts it") {
        auto closed = f.dispatcher.post(s.path + "/close", s.close({delivered_at(s.at("08:10"))}));
        INFO(closed.text);
        REQUIRE(closed.status == 200);
        CHECK(closed.obj().at("status") == "finished");
        const auto& ride = closed.obj().at("rides").as_array()[0].as_object();
        CHECK(ride.at("outcome") == "completed");
        CHECK(ride.at("dropped_off_at") == "2026-11-30T00:10:00Z");
        CHECK(s.request_status() == "completed");

        auto audit = f.admin.get("/api/v1/audit?entity=trip&id=" + std::to_string(s.trip));
        REQUIRE(audit.status == 200);
        const auto& items = audit.obj().at("items").as_array();
        REQUIRE(items.size() == 1);
        CHECK(items[0].at("action") == "close");
        CHECK(items[0].at("reason") == "the driver's phone died after the pickup");
        CHECK(items[0].at("before").at("rides").as_array()[0].at("outcome") == "aboard");
        CHECK(items[0].at("after").at("rides").as_array()[0].at("outcome") == "completed");

        auto month = f.dispatcher.get("/api/v1/reports/monthly?month=" + s.day.substr(0, 7));
        INFO(month.text);
        REQUIRE(month.status == 200);
        const auto& totals = month.obj().at("totals").as_object();
        CHECK(totals.at("rides").as_int64() == 1);
        CHECK(totals.at("trips").as_int64() == 1);
        CHECK(totals.at("km").to_number<double>() == Approx(20.0));
    }

    SECTION("taken off: the ride is cancelled at the trip's end and the request goes back") {
        auto closed =
            f.dispatcher.post(s.path + "/close", s.close({s.answer(s.ride, "cancelled")}));
        INFO(closed.text);
        REQUIRE(closed.status == 200);
        const auto& ride = closed.obj().at("rides").as_array()[0].as_object();
        CHECK(ride.at("outcome") == "cancelled");
        CHECK(ride.at("recorded_at") == "2026-11-30T00:30:00Z");
        CHECK(ride.at("dropped_off_at").is_null());

        auto r = f.dispatcher.get("/api/v1/requests/" + std::to_string(s.request));
        REQUIRE(r.status == 200);
        CHECK(r.obj().at("status") == "unserved");
        CHECK(std::string(r.obj().at("unserved_reason").as_string())
                  .find("the driver's phone died after the pickup") != std::string::npos);
    }
}

TEST_CASE("a close answers only for patients aboard, not for rides already done",
          "[api][trips][close]") {
    SeededFleet f;
    const std::string day = "2022-03-14";
    f.put_on_route(f.van_id, f.walker_id, day);
    f.put_on_route(f.van_id, f.wheelchair_id, day);
    auto trip = require_created(
        f.driver2.post("/api/v1/trips", json::object{{"vehicle_id", f.van_id},
                                                     {"started_at", day + "T07:00:00+08:00"},
                                                     {"odometer_start", 5000.0}}));
    auto event = [&](const char* type, std::int64_t patient, const char* clock) {
        auto r = f.driver2.post(
            "/api/v1/trips/" + std::to_string(trip.id()) + "/events",
            json::object{
                {"type", type}, {"patient_id", patient}, {"at", day + "T" + clock + ":00+08:00"}});
        INFO(r.text);
        REQUIRE(r.status == 201);
        return r;
    };
    event("pickup", f.walker_id, "07:10");
    event("dropoff", f.walker_id, "07:30");
    auto last = event("pickup", f.wheelchair_id, "07:40");
    const auto& rides = last.obj().at("rides").as_array();
    const auto done = rides[0].at("id").as_int64();
    const auto aboard = rides[1].at("id").as_int64();
    const std::string path = "/api/v1/trips/" + std::to_string(trip.id());
    auto close = [&](json::array answers) {
        return json::object{{"ended_at", day + "T09:00:00+08:00"},
                            {"odometer_end", 5030.0},
                            {"reason", "closed from the paper log"},
                            {"rides", std::move(answers)}};
    };

    auto refused = f.dispatcher.post(
        path + "/close", close({json::object{{"ride_id", done}, {"outcome", "completed"}},
                                json::object{{"ride_id", aboard}, {"outcome", "completed"}}}));
    require_problem(refused, 422, "rides[0].ride_id");
    CHECK(refused.obj().at("errors").as_array()[0].at("code") == "trip.close_ride_not_aboard");
    CHECK(f.dispatcher.get(path).obj().at("status") == "open");

    auto closed = f.dispatcher.post(
        path + "/close", close({json::object{{"ride_id", aboard}, {"outcome", "completed"}}}));
    INFO(closed.text);
    REQUIRE(closed.status == 200);
    const auto& after = closed.obj().at("rides").as_array();
    CHECK(after[0].at("dropped_off_at") == "2022-03-13T23:30:00Z");  // untouched
    CHECK(after[1].at("outcome") == "completed");
    CHECK(after[1].at("dropped_off_at") == "2022-03-14T01:00:00Z");  // the trip's end
}
