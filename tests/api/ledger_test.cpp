// The trip ledger over HTTP: logging, finishing, corrections, and every rule of
// docs/design.md §3 answering problem+json that names the field and writes nothing.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixture.h"

using namespace lifeline::test;

namespace {

std::int64_t trip_count(Api& api) {
    auto r = api.get("/api/v1/trips?limit=500");
    REQUIRE(r.status == 200);
    return std::int64_t(r.obj().at("items").as_array().size());
}

double vehicle_odometer(Api& api, std::int64_t vehicle) {
    auto r = api.get("/api/v1/vehicles/" + std::to_string(vehicle));
    REQUIRE(r.status == 200);
    return r.obj().at("odometer_km").to_number<double>();
}

}  // namespace

TEST_CASE("a driver opens a trip, logs pickup and drop-off, and finishes it", "[api][ledger]") {
    SeededFleet f;
    f.put_on_route(f.sedan_id, f.walker_id, "2022-03-14");
    auto open =
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"started_at", "2022-03-14T06:30:00+08:00"},
                                                     {"odometer_start", 1000.0}});
    INFO(open.text);
    REQUIRE(open.status == 201);
    CHECK(open.obj().at("status") == "open");
    CHECK(open.obj().at("driver_id").as_int64() == f.driver_id1);  // from the token
    CHECK(open.obj().at("started_at") == "2022-03-13T22:30:00Z");  // normalised to UTC
    const std::string trip = "/api/v1/trips/" + std::to_string(open.id());

    auto pickup = f.driver1.post(trip + "/events", json::object{{"type", "pickup"},
                                                                {"patient_id", f.walker_id},
                                                                {"at", "2022-03-14T06:50:00+08:00"},
                                                                {"odometer", 1008.5}});
    INFO(pickup.text);
    REQUIRE(pickup.status == 201);
    CHECK(pickup.obj().at("rides").as_array()[0].at("outcome") == "aboard");

    SECTION("finishing with a patient aboard is refused") {
        auto r = f.driver1.post(
            trip + "/finish",
            json::object{{"ended_at", "2022-03-14T08:00:00+08:00"}, {"odometer_end", 1030.0}});
        require_problem(r, 409, "rides");
    }

    auto drop = f.driver1.post(trip + "/events", json::object{{"type", "dropoff"},
                                                              {"patient_id", f.walker_id},
                                                              {"at", "2022-03-14T07:20:00+08:00"},
                                                              {"odometer", 1019.0}});
    REQUIRE(drop.status == 201);
    auto finish = f.driver1.post(
        trip + "/finish",
        json::object{{"ended_at", "2022-03-14T08:00:00+08:00"}, {"odometer_end", 1030.0}});
    INFO(finish.text);
    REQUIRE(finish.status == 200);
    CHECK(finish.obj().at("status") == "finished");
    CHECK(finish.obj().at("km").to_number<double>() == Approx(30.0));
    auto ride = finish.obj().at("rides").as_array()[0].as_object();
    CHECK(ride.at("outcome") == "completed");
    CHECK(ride.at("odometer_pickup").to_number<double>() == Approx(1008.5));

    // The vehicle's odometer follows the ledger.
    CHECK(vehicle_odometer(f.dispatcher, f.sedan_id) == Approx(1030.0));

    SECTION("a finished trip takes no more events") {
        auto r =
            f.driver1.post(trip + "/events", json::object{{"type", "pickup"},
                                                          {"patient_id", f.walker_id},
                                                          {"at", "2022-03-14T08:30:00+08:00"}});
        CHECK(r.status == 409);
    }
}

TEST_CASE("a whole finished trip is logged in one call", "[api][ledger]") {
    SeededFleet f;
    auto r = f.driver1.post("/api/v1/trips", f.trip(f.sedan_id, 1000, 1052, f.walker_id));
    INFO(r.text);
    REQUIRE(r.status == 201);
    CHECK(r.obj().at("km").to_number<double>() == Approx(52.0));
    CHECK(r.raw.header("Location") == "/api/v1/trips/" + std::to_string(r.id()));
    CHECK(vehicle_odometer(f.dispatcher, f.sedan_id) == Approx(1052.0));

    auto again = f.dispatcher.get("/api/v1/trips/" + std::to_string(r.id()));
    REQUIRE(again.status == 200);
    CHECK(again.obj().at("rides").as_array().size() == 1);
}

TEST_CASE("every ledger rule answers problem+json naming the field and writes nothing",
          "[api][ledger][validation]") {
    SeededFleet f;
    REQUIRE(f.driver1.post("/api/v1/trips", f.trip(f.sedan_id, 1000, 1050, f.walker_id)).status ==
            201);
    const auto before = trip_count(f.dispatcher);
    auto trip = f.trip(f.sedan_id, 1050, 1100, f.walker_id, "2022-03-15");
    auto ride = [&]() -> json::object& { return trip["rides"].as_array()[0].as_object(); };

    SECTION("odometer_end below odometer_start") {
        trip["odometer_end"] = 1040.0;
        require_problem(f.driver1.post("/api/v1/trips", trip), 400, "odometer_end");
    }
    SECTION("odometer_start below the vehicle's last logged reading") {
        trip["odometer_start"] = 1020.0;
        require_problem(f.driver1.post("/api/v1/trips", trip), 422, "odometer_start");
    }
    SECTION("ended_at before started_at") {
        trip["ended_at"] = "2022-03-15T06:00:00+08:00";
        require_problem(f.driver1.post("/api/v1/trips", trip), 400, "ended_at");
    }
    SECTION("a ride outside its trip's time span") {
        ride()["picked_up_at"] = "2022-03-15T05:00:00+08:00";
        require_problem(f.driver1.post("/api/v1/trips", trip), 400, "rides[0].picked_up_at");
    }
    // A dispatcher may log any patient, so the rules after the driver's access show.
    SECTION("a wheelchair user on a vehicle with no wheelchair space") {
        ride()["patient_id"] = f.wheelchair_id;
        trip["driver_id"] = f.driver_id1;
        require_problem(f.dispatcher.post("/api/v1/trips", trip), 422, "rides[0].patient_id");
    }
    SECTION("unknown ids") {
        trip["vehicle_id"] = 9999;
        ride()["patient_id"] = 8888;
        trip["driver_id"] = f.driver_id1;
        auto r = f.dispatcher.post("/api/v1/trips", trip);
        require_problem(r, 422, "vehicle_id");
        CHECK(names(r, "rides[0].patient_id"));
    }
    SECTION("a patient who is not on the driver's routes, before anything else") {
        trip["vehicle_id"] = 9999;
        ride()["patient_id"] = f.wheelchair_id;
        auto r = f.driver1.post("/api/v1/trips", trip);
        require_problem(r, 422, "rides[0].patient_id");
        CHECK(!names(r, "vehicle_id"));
    }
    SECTION("a time without an offset") {
        trip["started_at"] = "2022-03-15T06:30:00";
        require_problem(f.driver1.post("/api/v1/trips", trip), 400, "started_at");
    }
    SECTION("a string over its limit") {
        trip["reason"] = std::string(1001, 'x');
        require_problem(f.driver1.post("/api/v1/trips", trip), 400, "reason");
    }
    SECTION("an unknown field") {
        trip["odometer_strat"] = 1.0;
        require_problem(f.driver1.post("/api/v1/trips", trip), 400, "odometer_strat");
    }
    SECTION("every bad field is named at once") {
        trip["odometer_end"] = "1052";
        trip["ended_at"] = "yesterday";
        trip["vehicle_id"] = "one";
        auto r = f.driver1.post("/api/v1/trips", trip);
        require_problem(r, 400, "odometer_end");
        CHECK(names(r, "ended_at"));
        CHECK(names(r, "vehicle_id"));
    }
    SECTION("every broken rule is named at once") {
        trip["odometer_end"] = 1.0;
        ride()["dropped_off_at"] = "2022-03-15T09:00:00+08:00";
        auto r = f.driver1.post("/api/v1/trips", trip);
        require_problem(r, 400, "odometer_end");
        CHECK(names(r, "rides[0].dropped_off_at"));
    }
    SECTION("malformed JSON") {
        require_problem(f.driver1.send("POST", "/api/v1/trips", "{\"vehicle_id\": "), 400, "body");
    }
    SECTION("a second open trip for the same vehicle") {
        json::object open{{"vehicle_id", f.sedan_id},
                          {"started_at", "2022-03-16T06:30:00+08:00"},
                          {"odometer_start", 1050.0}};
        REQUIRE(f.driver1.post("/api/v1/trips", open).status == 201);
        open["started_at"] = "2022-03-16T07:30:00+08:00";
        require_problem(f.dispatcher.post("/api/v1/trips",
                                          json::object{{"vehicle_id", f.sedan_id},
                                                       {"driver_id", f.driver_id2},
                                                       {"started_at", "2022-03-16T07:30:00+08:00"},
                                                       {"odometer_start", 1050.0}}),
                        409, "vehicle_id");
        CHECK(trip_count(f.dispatcher) == before + 1);
        return;
    }
    CHECK(trip_count(f.dispatcher) == before);
    CHECK(vehicle_odometer(f.dispatcher, f.sedan_id) == Approx(1050.0));
}

TEST_CASE("a dispatcher may confirm an odometer correction, which is audited",
          "[api][ledger][audit]") {
    SeededFleet f;
    REQUIRE(f.driver1.post("/api/v1/trips", f.trip(f.sedan_id, 1000, 1500, f.walker_id)).status ==
            201);
    auto trip = f.trip(f.sedan_id, 1100, 1150, f.walker_id, "2022-03-15");
    trip["driver_id"] = f.driver_id1;
    trip["confirm_odometer_correction"] = true;

    SECTION("not without a reason") {
        require_problem(f.dispatcher.post("/api/v1/trips", trip), 400, "reason");
    }
    SECTION("not by a driver") {
        trip.erase("driver_id");
        trip["reason"] = "typo";
        require_problem(f.driver1.post("/api/v1/trips", trip), 400, "confirm_odometer_correction");
    }
    SECTION("with a reason") {
        trip["reason"] = "the 1500 reading was a typo for 1050";
        auto r = f.dispatcher.post("/api/v1/trips", trip);
        INFO(r.text);
        REQUIRE(r.status == 201);
        auto audit = f.admin.get("/api/v1/audit?entity=trip&id=" + std::to_string(r.id()));
        REQUIRE(audit.status == 200);
        auto items = audit.obj().at("items").as_array();
        REQUIRE(items.size() == 1);
        CHECK(items[0].at("action") == "create_with_odometer_correction");
        CHECK(items[0].at("reason") == "the 1500 reading was a typo for 1050");
    }
}

TEST_CASE("a dispatcher corrects a trip with a required reason, recorded in the audit log",
          "[api][ledger][audit]") {
    SeededFleet f;
    auto created = f.driver1.post("/api/v1/trips", f.trip(f.sedan_id, 1000, 1052, f.walker_id));
    REQUIRE(created.status == 201);
    const std::string path = "/api/v1/trips/" + std::to_string(created.id());

    require_problem(f.dispatcher.patch(path, json::object{{"odometer_end", 1048.0}}), 400,
                    "reason");
    CHECK(f.driver1.patch(path, json::object{{"odometer_end", 1048.0}, {"reason", "x"}}).status ==
          403);

    // A reason is up to 1,000 characters, however many bytes they take.
    std::string long_reason;
    for (int i = 0; i < 1000; ++i)
        long_reason += "误";
    auto too_long = f.dispatcher.patch(
        path, json::object{{"odometer_end", 1048.0}, {"reason", long_reason + "读"}});
    require_problem(too_long, 400, "reason");
    auto chinese =
        f.dispatcher.patch(path, json::object{{"odometer_end", 1049.0}, {"reason", long_reason}});
    INFO(chinese.text);
    REQUIRE(chinese.status == 200);

    auto fixed = f.dispatcher.patch(
        path, json::object{{"odometer_end", 1048.0}, {"reason", "driver misread the dashboard"}});
    INFO(fixed.text);
    REQUIRE(fixed.status == 200);
    CHECK(fixed.obj().at("km").to_number<double>() == Approx(48.0));
    CHECK(vehicle_odometer(f.dispatcher, f.sedan_id) == Approx(1048.0));

    auto audit = f.admin.get("/api/v1/audit?entity=trip&id=" + std::to_string(created.id()));
    REQUIRE(audit.status == 200);
    auto items = audit.obj().at("items").as_array();
    // Two corrections; a plain create is recorded in the trip itself (created_by).
    REQUIRE(items.size() == 2);
    const bool newest_first = items[0].at("reason") == "driver misread the dashboard";
    const auto& last = items[newest_first ? 0 : 1].as_object();
    CHECK(last.at("action") == "correct");
    CHECK(last.at("username") == "dispatcher");
    CHECK(last.at("reason") == "driver misread the dashboard");
    CHECK(last.at("before").at("odometer_end").to_number<double>() == Approx(1049.0));
    CHECK(last.at("after").at("odometer_end").to_number<double>() == Approx(1048.0));
}

TEST_CASE("a driver can neither read nor write another driver's trips", "[api][ledger][roles]") {
    SeededFleet f;
    auto mine = f.driver1.post("/api/v1/trips", f.trip(f.sedan_id, 1000, 1052, f.walker_id));
    REQUIRE(mine.status == 201);
    auto open =
        f.driver2.post("/api/v1/trips", json::object{{"vehicle_id", f.van_id},
                                                     {"started_at", "2022-03-14T06:30:00+08:00"},
                                                     {"odometer_start", 5000.0}});
    REQUIRE(open.status == 201);
    const std::string theirs = "/api/v1/trips/" + std::to_string(open.id());

    CHECK(f.driver1.get(theirs).status == 404);
    CHECK(f.driver1
              .post(theirs + "/events", json::object{{"type", "pickup"},
                                                     {"patient_id", f.walker_id},
                                                     {"at", "2022-03-14T06:40:00+08:00"}})
              .status == 404);
    CHECK(f.driver1
              .post(theirs + "/finish", json::object{{"ended_at", "2022-03-14T08:00:00+08:00"},
                                                     {"odometer_end", 5010.0}})
              .status == 404);
    // Logging a trip for someone else is refused, whatever the body says.
    auto forged = SeededFleet::whole_trip(f.van_id, 5000, 5010, f.walker_id, "2022-03-15");
    forged["driver_id"] = f.driver_id2;
    CHECK(f.driver1.post("/api/v1/trips", forged).status == 403);

    auto list = f.driver1.get("/api/v1/trips");
    REQUIRE(list.status == 200);
    auto items = list.obj().at("items").as_array();
    REQUIRE(items.size() == 1);
    CHECK(items[0].at("id").as_int64() == mine.id());
    CHECK(f.driver1.get("/api/v1/trips?driver_id=" + std::to_string(f.driver_id2)).status == 403);

    // Patients: only those on the driver's own recent rides.
    CHECK(f.driver2.get("/api/v1/patients/" + std::to_string(f.walker_id)).status == 404);
    CHECK(f.driver1.get("/api/v1/patients").status == 403);
}

TEST_CASE("the ledger lists trips with filters and cursor pagination", "[api][ledger]") {
    SeededFleet f;
    double odo = 1000;
    for (int day = 10; day < 17; ++day) {
        auto body =
            f.trip(f.sedan_id, odo, odo + 40, f.walker_id, "2022-03-" + std::to_string(day));
        REQUIRE(f.driver1.post("/api/v1/trips", body).status == 201);
        odo += 40;
    }
    std::vector<std::int64_t> seen;
    std::string cursor;
    for (int guard = 0; guard < 10; ++guard) {
        auto page =
            f.dispatcher.get("/api/v1/trips?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
        REQUIRE(page.status == 200);
        for (const auto& t : page.obj().at("items").as_array())
            seen.push_back(t.at("id").as_int64());
        if (page.obj().at("next_cursor").is_null())
            break;
        cursor = std::string(page.obj().at("next_cursor").as_string());
    }
    CHECK(seen.size() == 7);
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());

    auto window = f.dispatcher.get(
        "/api/v1/trips?from=2022-03-12T00:00:00%2B08:00&to=2022-03-14T00:00:00%2B08:00");
    INFO(window.text);
    REQUIRE(window.status == 200);
    CHECK(window.obj().at("items").as_array().size() == 2);
    CHECK(f.dispatcher.get("/api/v1/trips?limit=501").status == 400);
    CHECK(f.dispatcher.get("/api/v1/trips?from=2022-03-12T00:00:00").status == 400);
}
