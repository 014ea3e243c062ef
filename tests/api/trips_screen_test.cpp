// The trips screen's side of the API: trips by local day, driver, vehicle and status, each
// with the monthly report's odometer check; a dispatcher closing a trip left open and
// correcting a finished one, each with a required reason, audited, announced live, and
// every refusal naming its field with nothing written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "fixture.h"
#include "sse_client.h"

using namespace lifeline::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::int64_t> ids_of(const ApiResult& r) {
    INFO(r.text);
    REQUIRE(r.status == 200);
    std::vector<std::int64_t> out;
    for (const auto& t : r.obj().at("items").as_array())
        out.push_back(t.at("id").as_int64());
    return out;
}

std::size_t audit_count(SeededFleet& f, std::int64_t trip) {
    auto a = f.admin.get("/api/v1/audit?entity=trip&id=" + std::to_string(trip));
    REQUIRE(a.status == 200);
    return a.obj().at("items").as_array().size();
}

// A finished trip a dispatcher logs for `driver`, with no rides.
json::object finished(std::int64_t driver, std::int64_t vehicle, const std::string& start,
                      const std::string& end, double odo_start, double odo_end) {
    return json::object{{"driver_id", driver},         {"vehicle_id", vehicle},
                        {"started_at", start},         {"ended_at", end},
                        {"odometer_start", odo_start}, {"odometer_end", odo_end}};
}

std::int64_t log_trip(SeededFleet& f, json::object body) {
    return require_created(f.dispatcher.post("/api/v1/trips", body)).id();
}

// The trip with `id` in a list answer.
json::object item(const ApiResult& r, std::int64_t id) {
    for (const auto& t : r.obj().at("items").as_array())
        if (t.at("id").as_int64() == id)
            return t.as_object();
    FAIL("trip " << id << " is not in the list");
    return {};
}

}  // namespace

TEST_CASE("trips are listed by local day, driver, vehicle and status", "[api][trips]") {
    SeededFleet f;
    // 23:30 and 00:30 local straddle the local midnight, both on the UTC 14th.
    const auto late = log_trip(f, finished(f.driver_id1, f.sedan_id, "2022-03-14T22:00:00+08:00",
                                           "2022-03-14T23:30:00+08:00", 1000, 1010));
    const auto night = log_trip(f, finished(f.driver_id1, f.sedan_id, "2022-03-15T00:30:00+08:00",
                                            "2022-03-15T01:00:00+08:00", 1010, 1020));
    const auto open =
        require_created(f.driver2.post("/api/v1/trips",
                                       json::object{{"vehicle_id", f.van_id},
                                                    {"started_at", "2022-03-15T07:00:00+08:00"},
                                                    {"odometer_start", 5000.0}}))
            .id();
    const std::string list = "/api/v1/trips?";

    CHECK(ids_of(f.dispatcher.get(list + "date=2022-03-14")) == std::vector<std::int64_t>{late});
    CHECK(ids_of(f.dispatcher.get(list + "date=2022-03-15")) ==
          std::vector<std::int64_t>{night, open});
    CHECK(ids_of(f.dispatcher.get(list + "date=2022-03-15&vehicle_id=" +
                                  std::to_string(f.sedan_id))) == std::vector<std::int64_t>{night});
    CHECK(ids_of(f.dispatcher.get(list + "driver_id=" + std::to_string(f.driver_id2))) ==
          std::vector<std::int64_t>{open});
    CHECK(ids_of(f.dispatcher.get(list + "status=open")) == std::vector<std::int64_t>{open});
    CHECK(ids_of(f.dispatcher.get(list + "status=finished&date=2022-03-15")) ==
          std::vector<std::int64_t>{night});
    // A driver's filters stay within their own trips.
    CHECK(ids_of(f.driver1.get(list + "date=2022-03-15")) == std::vector<std::int64_t>{night});

    require_problem(f.dispatcher.get(list + "date=15.03.2022"), 400, "date");
    require_problem(f.dispatcher.get(list + "status=closed"), 400, "status");
}

TEST_CASE("each listed trip carries the monthly report's odometer check", "[api][trips]") {
    SeededFleet f;
    const auto first = log_trip(f, finished(f.driver_id1, f.sedan_id, "2022-03-14T06:30:00+08:00",
                                            "2022-03-14T08:00:00+08:00", 1000, 1050));
    // A reading 10 km below where the sedan was left, accepted by a dispatcher.
    auto low = finished(f.driver_id1, f.sedan_id, "2022-03-14T09:00:00+08:00",
                        "2022-03-14T10:00:00+08:00", 1040, 1060);
    low["confirm_odometer_correction"] = true;
    low["reason"] = "the driver read 1040 off the dashboard";
    const auto backwards = log_trip(f, low);
    // 40 km nobody logged between trips.
    const auto jump = log_trip(f, finished(f.driver_id2, f.sedan_id, "2022-03-14T11:00:00+08:00",
                                           "2022-03-14T12:00:00+08:00", 1100, 1110));

    auto r = f.dispatcher.get("/api/v1/trips?date=2022-03-14");
    INFO(r.text);
    REQUIRE(r.status == 200);
    CHECK(item(r, first).at("odometer_anomaly").is_null());
    auto b = item(r, backwards).at("odometer_anomaly").as_object();
    CHECK(b.at("issue") == "backwards");
    CHECK(b.at("previous_trip_id") == first);
    CHECK(b.at("previous_reading").to_number<double>() == Approx(1050.0));
    CHECK(b.at("gap_km").to_number<double>() == Approx(-10.0));
    auto j = item(r, jump).at("odometer_anomaly").as_object();
    CHECK(j.at("issue") == "unlogged");
    CHECK(j.at("gap_km").to_number<double>() == Approx(40.0));

    // Filtered to one driver, the check still looks at the vehicle's trip before.
    auto mine = f.dispatcher.get("/api/v1/trips?driver_id=" + std::to_string(f.driver_id2));
    CHECK(item(mine, jump).at("odometer_anomaly").at("previous_trip_id") == backwards);

    // The monthly report sees the same two.
    auto report = f.dispatcher.get("/api/v1/reports/monthly?month=2022-03");
    INFO(report.text);
    REQUIRE(report.status == 200);
    CHECK(report.obj().at("odometer").as_array().size() == 2);

    // Drivers do not get the check of a vehicle's other trips.
    auto own = f.driver2.get("/api/v1/trips?date=2022-03-14");
    REQUIRE(own.status == 200);
    CHECK(!item(own, jump).contains("odometer_anomaly"));

    // Correcting the reading clears the mark, and the answer says so.
    auto fixed = f.dispatcher.patch(
        "/api/v1/trips/" + std::to_string(backwards),
        json::object{{"odometer_start", 1050.0}, {"reason", "the dashboard said 1050, not 1040"}});
    INFO(fixed.text);
    REQUIRE(fixed.status == 200);
    CHECK(fixed.obj().at("odometer_anomaly").is_null());
}

TEST_CASE("a dispatcher closes a trip left open, with a required reason, audited",
          "[api][trips][audit]") {
    SeededFleet f;
    const auto id =
        require_created(f.driver1.post("/api/v1/trips",
                                       json::object{{"vehicle_id", f.sedan_id},
                                                    {"started_at", "2022-03-14T06:30:00+08:00"},
                                                    {"odometer_start", 1000.0}}))
            .id();
    const std::string path = "/api/v1/trips/" + std::to_string(id);
    const json::object whole{{"ended_at", "2022-03-14T09:00:00+08:00"},
                             {"odometer_end", 1042.5},
                             {"reason", "the driver's phone died; readings from the paper log"}};
    auto without = [&](const char* field) {
        json::object body = whole;
        body.erase(field);
        return body;
    };
    auto with = [&](const char* field, json::value v) {
        json::object body = whole;
        body[field] = std::move(v);
        return body;
    };

    SECTION("every refusal names its field and writes nothing") {
        require_problem(f.dispatcher.post(path + "/close", without("reason")), 400, "reason");
        require_problem(f.dispatcher.post(path + "/close", with("reason", "   ")), 400, "reason");
        require_problem(f.dispatcher.post(path + "/close", without("odometer_end")), 400,
                        "odometer_end");
        require_problem(f.dispatcher.post(path + "/close", without("ended_at")), 400, "ended_at");
        auto all = f.dispatcher.post(path + "/close", json::object{});
        require_problem(all, 400, "reason");
        CHECK(names(all, "odometer_end"));
        CHECK(names(all, "ended_at"));
        require_problem(f.dispatcher.post(path + "/close", with("odometer_end", 990.0)), 400,
                        "odometer_end");
        require_problem(
            f.dispatcher.post(path + "/close", with("ended_at", "2022-03-14T06:00:00+08:00")), 400,
            "ended_at");
        // The trip's own driver finishes it; closing is for dispatchers.
        CHECK(f.driver1.post(path + "/close", whole).status == 403);

        auto still = f.dispatcher.get(path);
        REQUIRE(still.status == 200);
        CHECK(still.obj().at("status") == "open");
        CHECK(still.obj().at("odometer_end").is_null());
        CHECK(audit_count(f, id) == 0);
    }

    SECTION("the close is written, audited and announced") {
        SseClient board(f.server.port(), "/api/v1/events",
                        {{"Authorization", "Bearer " + f.dispatcher.token()}});
        REQUIRE(board.status() == 200);
        auto closed = f.dispatcher.post(path + "/close", whole);
        INFO(closed.text);
        REQUIRE(closed.status == 200);
        CHECK(closed.obj().at("status") == "finished");
        CHECK(closed.obj().at("km").to_number<double>() == Approx(42.5));
        CHECK(closed.obj().at("odometer_anomaly").is_null());

        auto e = board.next(2s);
        REQUIRE(e);
        auto data = json::parse(e->data).as_object();
        CHECK(data.at("type") == "trip.finished");
        CHECK(data.at("trip_id") == id);

        auto audit = f.admin.get("/api/v1/audit?entity=trip&id=" + std::to_string(id));
        REQUIRE(audit.status == 200);
        auto items = audit.obj().at("items").as_array();
        REQUIRE(items.size() == 1);
        CHECK(items[0].at("action") == "close");
        CHECK(items[0].at("username") == "dispatcher");
        CHECK(items[0].at("reason") == "the driver's phone died; readings from the paper log");
        CHECK(!items[0].at("before").as_object().contains("odometer_end"));
        CHECK(items[0].at("after").at("odometer_end").to_number<double>() == Approx(1042.5));

        // Closed once: a second close is a conflict, and a correction is the way on.
        auto again = f.dispatcher.post(path + "/close", whole);
        CHECK(again.status == 409);
        CHECK(audit_count(f, id) == 1);
    }
}

TEST_CASE("a dispatcher corrects a finished trip's readings and times with a reason",
          "[api][trips][audit]") {
    SeededFleet f;
    const auto id = log_trip(f, finished(f.driver_id1, f.sedan_id, "2022-03-14T06:30:00+08:00",
                                         "2022-03-14T08:00:00+08:00", 1000, 1050));
    const std::string path = "/api/v1/trips/" + std::to_string(id);

    SECTION("every refusal names its field and writes nothing") {
        require_problem(f.dispatcher.patch(path, json::object{{"odometer_end", 1048.0}}), 400,
                        "reason");
        require_problem(
            f.dispatcher.patch(path, json::object{{"odometer_end", 990.0}, {"reason", "typo"}}),
            400, "odometer_end");
        require_problem(
            f.dispatcher.patch(
                path, json::object{{"ended_at", "2022-03-14T06:00:00+08:00"}, {"reason", "typo"}}),
            400, "ended_at");
        CHECK(f.driver1.patch(path, json::object{{"odometer_end", 1048.0}, {"reason", "typo"}})
                  .status == 403);
        auto same = f.dispatcher.get(path);
        CHECK(same.obj().at("odometer_end").to_number<double>() == Approx(1050.0));
        CHECK(same.obj().at("ended_at") == "2022-03-14T00:00:00Z");
        CHECK(audit_count(f, id) == 0);
    }

    SECTION("readings and times change together, audited") {
        auto fixed =
            f.dispatcher.patch(path, json::object{{"odometer_start", 1001.0},
                                                  {"odometer_end", 1047.0},
                                                  {"started_at", "2022-03-14T06:40:00+08:00"},
                                                  {"ended_at", "2022-03-14T08:20:00+08:00"},
                                                  {"reason", "copied from the paper log"}});
        INFO(fixed.text);
        REQUIRE(fixed.status == 200);
        CHECK(fixed.obj().at("km").to_number<double>() == Approx(46.0));
        CHECK(fixed.obj().at("ended_at") == "2022-03-14T00:20:00Z");
        CHECK(fixed.obj().contains("odometer_anomaly"));
        CHECK(audit_count(f, id) == 1);
    }
}
