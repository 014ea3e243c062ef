// Privacy by dispatch: a driver reads a patient only while dispatch has the patient on
// the driver's routes (the day before to the day after), and logging a ride never grants
// it. A driver's ride or event for any other patient is refused without a word about them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "fixture.h"

using namespace lifeline::test;

namespace {

const std::string v1 = "/api/v1";

int patient_status(Api& api, std::int64_t patient) {
    return api.get(v1 + "/patients/" + std::to_string(patient)).status;
}

void require_refused_naming(const ApiResult& r, const std::string& field) {
    INFO(r.text);
    REQUIRE(r.status == 422);
    CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
    const auto fields = r.error_fields();
    CHECK(std::find(fields.begin(), fields.end(), field) != fields.end());
}

// A patient of the center with a name and phone no driver has been given.
std::int64_t new_patient(Api& admin, std::int64_t center, int n) {
    return require_created(
               admin.post(v1 + "/patients",
                          json::object{{"name", "保密患者" + std::to_string(n)},
                                       {"phone", "1390000" + std::to_string(1000 + n)},
                                       {"address", "丰满区 " + std::to_string(n) + " 号"},
                                       {"lat", 43.80},
                                       {"lon", 126.56},
                                       {"mobility", "ambulatory"},
                                       {"center_id", center}}))
        .id();
}

}  // namespace

TEST_CASE("logging a ride or a no-show never lets a driver read a patient",
          "[api][privacy][roles]") {
    SeededFleet f;
    std::vector<std::int64_t> strangers;
    for (int n = 0; n < 20; ++n)
        strangers.push_back(new_patient(f.admin, f.center_id, n));
    auto open = require_created(
        f.driver1.post(v1 + "/trips", json::object{{"vehicle_id", f.sedan_id},
                                                   {"started_at", "2022-03-14T06:30:00+08:00"},
                                                   {"odometer_start", 1000.0}}));
    const std::string trip = v1 + "/trips/" + std::to_string(open.id());

    double odo = 5000;  // the van's reading
    for (std::size_t i = 0; i < strangers.size(); ++i) {
        const std::int64_t p = strangers[i];
        INFO("patient " << p);
        REQUIRE(patient_status(f.driver1, p) == 404);

        // A whole trip naming the patient, and a no-show on the open trip.
        auto whole =
            f.driver2.post(v1 + "/trips", SeededFleet::whole_trip(f.van_id, odo, odo + 10, p));
        require_refused_naming(whole, "rides[0].patient_id");
        auto no_show =
            f.driver1.post(trip + "/events", json::object{{"type", "no_show"},
                                                          {"patient_id", p},
                                                          {"at", "2022-03-14T06:40:00+08:00"}});
        require_refused_naming(no_show, "patient_id");
        auto pickup =
            f.driver1.post(trip + "/events", json::object{{"type", "pickup"},
                                                          {"patient_id", p},
                                                          {"at", "2022-03-14T06:41:00+08:00"}});
        require_refused_naming(pickup, "patient_id");
        // Nothing in the answers tells who the patient is.
        for (const auto* r : {&whole, &no_show, &pickup}) {
            CHECK(r->text.find("保密患者") == std::string::npos);
            CHECK(r->text.find("1390000") == std::string::npos);
            CHECK(r->text.find("丰满区") == std::string::npos);
        }

        CHECK(patient_status(f.driver1, p) == 404);
        CHECK(patient_status(f.driver2, p) == 404);
        odo += 10;
    }
    // Nothing was written: no trip of driver2, no ride on driver1's open trip.
    CHECK(f.dispatcher.get(v1 + "/trips?driver_id=" + std::to_string(f.driver_id2))
              .obj()
              .at("items")
              .as_array()
              .empty());
    CHECK(f.dispatcher.get(trip).obj().at("rides").as_array().empty());

    // A patient who does not exist is refused in the very same words.
    auto known =
        f.driver1.post(trip + "/events", json::object{{"type", "no_show"},
                                                      {"patient_id", strangers[0]},
                                                      {"at", "2022-03-14T06:40:00+08:00"}});
    auto unknown =
        f.driver1.post(trip + "/events", json::object{{"type", "no_show"},
                                                      {"patient_id", 999999},
                                                      {"at", "2022-03-14T06:40:00+08:00"}});
    CHECK(unknown.status == known.status);
    CHECK(unknown.obj().at("detail") == known.obj().at("detail"));
    CHECK(unknown.obj().at("errors") == known.obj().at("errors"));

    // Another driver's request is refused too, named by request_id.
    f.put_on_route(f.van_id, strangers[1], "2022-03-14");
    auto requests = f.dispatcher.get(v1 + "/requests?date=2022-03-14");
    REQUIRE(requests.status == 200);
    const auto their_request = requests.obj().at("items").as_array()[0].at("id").as_int64();
    require_refused_naming(
        f.driver1.post(trip + "/events", json::object{{"type", "pickup"},
                                                      {"request_id", their_request},
                                                      {"at", "2022-03-14T06:45:00+08:00"}}),
        "request_id");

    // A dispatcher may still log the ride, and that gives the driver nothing either.
    auto by_dispatcher =
        SeededFleet::whole_trip(f.sedan_id, 1000, 1010, strangers[2], "2022-03-13");
    by_dispatcher["driver_id"] = f.driver_id1;
    require_created(f.dispatcher.post(v1 + "/trips", by_dispatcher));
    CHECK(patient_status(f.driver1, strangers[2]) == 404);
}

TEST_CASE("a driver reads a patient only while dispatch has them on the driver's routes",
          "[api][privacy][roles]") {
    SeededFleet f;
    const auto today_patient = new_patient(f.admin, f.center_id, 1);
    const auto tomorrow_patient = new_patient(f.admin, f.center_id, 2);
    const auto later_patient = new_patient(f.admin, f.center_id, 3);
    const auto yesterday_patient = new_patient(f.admin, f.center_id, 4);
    const auto old_patient = new_patient(f.admin, f.center_id, 5);
    f.put_on_route(f.sedan_id, today_patient, shanghai_date(0));
    f.put_on_route(f.sedan_id, tomorrow_patient, shanghai_date(1));
    f.put_on_route(f.sedan_id, later_patient, shanghai_date(2));
    f.put_on_route(f.sedan_id, yesterday_patient, shanghai_date(-1));
    f.put_on_route(f.sedan_id, old_patient, shanghai_date(-2));

    CHECK(patient_status(f.driver1, today_patient) == 200);
    CHECK(patient_status(f.driver1, tomorrow_patient) == 200);
    CHECK(patient_status(f.driver1, yesterday_patient) == 200);
    CHECK(patient_status(f.driver1, later_patient) == 404);
    CHECK(patient_status(f.driver1, old_patient) == 404);
    // Not the other driver, who has no route with them.
    CHECK(patient_status(f.driver2, today_patient) == 404);

    auto read = f.driver1.get(v1 + "/patients/" + std::to_string(today_patient));
    CHECK(read.obj().at("phone") == "+8613900001001");  // stored in E.164

    // Taken off the route, the patient is out of sight again.
    auto requests = f.dispatcher.get(v1 + "/requests?date=" + shanghai_date(0));
    REQUIRE(requests.status == 200);
    for (const auto& r : requests.obj().at("items").as_array())
        if (r.at("patient_id").as_int64() == today_patient)
            REQUIRE(f.dispatcher
                        .post(v1 + "/requests/" + std::to_string(r.at("id").as_int64()) + "/cancel",
                              json::object{{"reason", "patient"}})
                        .status == 200);
    CHECK(patient_status(f.driver1, today_patient) == 404);
}

TEST_CASE("a driver logs rides for the patients dispatch gave them", "[api][privacy][ledger]") {
    SeededFleet f;
    const auto passenger = new_patient(f.admin, f.center_id, 7);
    f.put_on_route(f.sedan_id, passenger, "2022-03-14");
    // The whole trip, by patient and by the request dispatch planned.
    require_created(
        f.driver1.post(v1 + "/trips", SeededFleet::whole_trip(f.sedan_id, 1000, 1020, passenger)));
    auto requests = f.dispatcher.get(v1 + "/requests?date=2022-03-14");
    const auto request = requests.obj().at("items").as_array()[0].at("id").as_int64();
    auto by_request = SeededFleet::whole_trip(f.sedan_id, 1020, 1040, passenger);
    auto& ride = by_request["rides"].as_array()[0].as_object();
    ride.erase("patient_id");
    ride["request_id"] = request;
    require_created(f.driver1.post(v1 + "/trips", by_request));
    // The day after, the route still counts (a return ride past midnight).
    auto late = SeededFleet::whole_trip(f.sedan_id, 1040, 1060, passenger, "2022-03-15");
    require_created(f.driver1.post(v1 + "/trips", late));
    // Two days on, the route is no reason any more.
    auto stale = SeededFleet::whole_trip(f.sedan_id, 1060, 1080, passenger, "2022-03-16");
    require_refused_naming(f.driver1.post(v1 + "/trips", stale), "rides[0].patient_id");
}
