// Finishing a trip with stops left on its route: each waiting request is named as a
// no-show, handed back to dispatch (unassigned, with who left it and when) or kept for the
// driver's next trip on the same route; a finish that leaves one unnamed is refused with
// the field named and changes nothing. No request stays scheduled on a finished route.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "fixture.h"

using namespace lifeline::test;

namespace {

std::string status_of(Api& api, std::int64_t request) {
    return std::string(
        api.get("/api/v1/requests/" + std::to_string(request)).obj().at("status").as_string());
}

const json::object* route_by_id(Api& dispatcher, const std::string& day, std::int64_t id,
                                ApiResult& keep) {
    keep = dispatcher.get("/api/v1/days/" + day + "/routes");
    for (const auto& r : keep.obj().at("routes").as_array())
        if (r.at("id").as_int64() == id)
            return &r.as_object();
    return nullptr;
}

std::set<std::int64_t> stop_requests(const json::object& route) {
    std::set<std::int64_t> ids;
    for (const auto& s : route.at("stops").as_array())
        ids.insert(s.at("request_id").as_int64());
    return ids;
}

json::object left(std::int64_t request, const char* outcome) {
    return json::object{{"request_id", request}, {"outcome", outcome}};
}

}  // namespace

TEST_CASE("a trip finished with stops left names each: no-show, handed back or kept",
          "[api][ledger][dispatch]") {
    SeededFleet f;
    const std::string day = shanghai_date(-1);
    // Four rides of the day on the sedan's route, in time order.
    std::vector<std::int64_t> ids;
    std::int64_t route_id = 0;
    for (const char* by : {"07:30", "09:00", "10:30", "12:00"}) {
        auto r = require_created(f.dispatcher.post(
            "/api/v1/requests", json::object{{"patient_id", f.walker_id},
                                             {"direction", "to_center"},
                                             {"arrive_by", day + "T" + by + ":00+08:00"}}));
        auto a = f.dispatcher.post("/api/v1/requests/" + std::to_string(r.id()) + "/assign",
                                   json::object{{"vehicle_id", f.sedan_id}});
        INFO(a.text);
        REQUIRE(a.status == 200);
        const auto rid = a.obj().at("route").at("id").as_int64();
        CHECK((route_id == 0 || route_id == rid));
        route_id = rid;
        ids.push_back(r.id());
    }
    // Plain variables, not a structured binding: the lambdas below capture them.
    const std::int64_t a = ids[0], b = ids[1], c = ids[2], d = ids[3];
    const std::string driver_name(
        f.dispatcher.get("/api/v1/drivers/" + std::to_string(f.driver_id1))
            .obj()
            .at("name")
            .as_string());

    auto t1 = require_created(
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"route_id", route_id},
                                                     {"started_at", day + "T06:30:00+08:00"},
                                                     {"odometer_start", 6000.0}}));
    const std::string trip = "/api/v1/trips/" + std::to_string(t1.id());
    for (auto [type, at] : {std::pair{"pickup", "07:00"}, std::pair{"dropoff", "07:25"}})
        REQUIRE(f.driver1
                    .post(trip + "/events", json::object{{"type", type},
                                                         {"request_id", a},
                                                         {"at", day + "T" + at + ":00+08:00"}})
                    .status == 201);

    auto finish = [&](json::array stops_left) {
        json::object body{{"ended_at", day + "T08:00:00+08:00"}, {"odometer_end", 6030.0}};
        if (!stops_left.empty())
            body["stops_left"] = std::move(stops_left);
        return f.driver1.post(trip + "/finish", body);
    };
    auto unchanged = [&] {
        CHECK(f.driver1.get(trip).obj().at("status") == "open");
        for (auto id : {b, c, d})
            CHECK(status_of(f.dispatcher, id) == "scheduled");
        ApiResult keep;
        auto* route = route_by_id(f.dispatcher, day, route_id, keep);
        REQUIRE(route);
        CHECK(route->at("status") == "started");
        CHECK(stop_requests(*route) == std::set<std::int64_t>{a, b, c, d});
    };

    SECTION("refusals name the field and change nothing") {
        auto none = finish({});
        INFO(none.text);
        CHECK(none.status == 422);
        CHECK(none.error_fields() == std::vector<std::string>{"stops_left"});
        CHECK(none.text.find(std::to_string(b) + ", " + std::to_string(c) + ", " +
                             std::to_string(d)) != std::string::npos);
        unchanged();

        auto missing = finish({left(b, "no_show"), left(c, "kept")});
        INFO(missing.text);
        CHECK(missing.status == 422);
        CHECK(missing.error_fields() == std::vector<std::string>{"stops_left"});
        unchanged();

        auto done = finish({left(a, "no_show"), left(b, "kept"), left(c, "kept"), left(d, "kept")});
        INFO(done.text);
        CHECK(done.status == 422);
        CHECK(done.error_fields() == std::vector<std::string>{"stops_left[0].request_id"});
        unchanged();

        auto twice =
            finish({left(b, "kept"), left(b, "no_show"), left(c, "kept"), left(d, "kept")});
        INFO(twice.text);
        CHECK(twice.status == 400);
        CHECK(twice.error_fields() == std::vector<std::string>{"stops_left[1].request_id"});
        unchanged();

        auto bad = finish({left(b, "maybe"), json::object{{"outcome", "kept"}}});
        INFO(bad.text);
        CHECK(bad.status == 400);
        CHECK(bad.error_fields() ==
              std::vector<std::string>{"stops_left[0].outcome", "stops_left[1].request_id"});
        unchanged();

        // The 2,000 km rule still comes first, and a keyed refusal keeps no key.
        json::object typo{
            {"ended_at", day + "T08:00:00+08:00"},
            {"odometer_end", 60300.0},
            {"stops_left", json::array{left(b, "kept"), left(c, "kept"), left(d, "kept")}}};
        auto far = f.driver1.post(trip + "/finish", typo, {{"Idempotency-Key", "finish-typo"}});
        INFO(far.text);
        CHECK(far.status == 400);
        CHECK(far.error_fields() == std::vector<std::string>{"odometer_end"});
        unchanged();
        typo["odometer_end"] = 6030.0;
        auto corrected =
            f.driver1.post(trip + "/finish", typo, {{"Idempotency-Key", "finish-typo"}});
        INFO(corrected.text);
        CHECK(corrected.status == 200);
    }

    SECTION("no-show, handed back and kept; the kept stop is driven by a new trip") {
        json::object handed = left(c, "handed_back");
        handed["note"] = "flat tyre";
        auto ok = finish({left(b, "no_show"), handed, left(d, "kept")});
        INFO(ok.text);
        REQUIRE(ok.status == 200);
        CHECK(ok.obj().at("status") == "finished");
        const auto& rides = ok.obj().at("rides").as_array();
        REQUIRE(rides.size() == 2);
        CHECK(rides[1].at("request_id").as_int64() == b);
        CHECK(rides[1].at("outcome") == "no_show");
        CHECK(rides[1].at("recorded_at").as_string() == day.substr(0, 10) + "T00:00:00Z");

        CHECK(status_of(f.dispatcher, b) == "no_show");
        auto handed_back = f.dispatcher.get("/api/v1/requests/" + std::to_string(c));
        CHECK(handed_back.obj().at("status") == "unserved");
        CHECK(handed_back.obj().at("unserved_reason").as_string() ==
              "left by " + driver_name + " at 08:00: flat tyre");
        // Its code and parameters, for a client that words it in its own language.
        CHECK(handed_back.obj().at("unserved_code") == "unserved.left_by_note");
        CHECK(handed_back.obj().at("unserved_params") ==
              json::object{{"driver", driver_name}, {"time", "08:00"}, {"note", "flat tyre"}});
        CHECK(status_of(f.dispatcher, d) == "scheduled");
        {
            ApiResult keep;
            auto* route = route_by_id(f.dispatcher, day, route_id, keep);
            REQUIRE(route);
            CHECK(route->at("status") == "started");
            CHECK(stop_requests(*route) == std::set<std::int64_t>{a, b, d});
        }
        // The driver no longer has the handed-back stop on their manifest.
        auto manifest = f.driver1.get("/api/v1/drivers/" + std::to_string(f.driver_id1) +
                                      "/manifest?date=" + day);
        REQUIRE(manifest.status == 200);
        CHECK(manifest.text.find("\"request_id\":" + std::to_string(c) + ",") == std::string::npos);

        // A new trip drives the stop kept on the started route; one trip at a time.
        auto t2 = require_created(
            f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                         {"route_id", route_id},
                                                         {"started_at", day + "T11:00:00+08:00"},
                                                         {"odometer_start", 6030.0}}));
        const std::string trip2 = "/api/v1/trips/" + std::to_string(t2.id());
        for (auto [type, at] : {std::pair{"pickup", "11:20"}, std::pair{"dropoff", "11:50"}})
            REQUIRE(f.driver1
                        .post(trip2 + "/events", json::object{{"type", type},
                                                              {"request_id", d},
                                                              {"at", day + "T" + at + ":00+08:00"}})
                        .status == 201);
        REQUIRE(f.driver1
                    .post(trip2 + "/finish", json::object{{"ended_at", day + "T12:10:00+08:00"},
                                                          {"odometer_end", 6055.0}})
                    .status == 200);
        {
            ApiResult keep;
            auto* route = route_by_id(f.dispatcher, day, route_id, keep);
            REQUIRE(route);
            CHECK(route->at("status") == "finished");
        }
        auto again =
            f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                         {"route_id", route_id},
                                                         {"started_at", day + "T13:00:00+08:00"},
                                                         {"odometer_start", 6055.0}});
        CHECK(again.status == 409);

        // Nothing is stranded: every ride of the day is done, a no-show, or unassigned
        // with its reason.
        std::map<std::int64_t, std::string> want{
            {a, "completed"}, {b, "no_show"}, {c, "unserved"}, {d, "completed"}};
        for (auto [id, status] : want)
            CHECK(status_of(f.dispatcher, id) == status);

        // The dispatcher plans the handed-back ride again.
        auto reassigned = f.dispatcher.post("/api/v1/requests/" + std::to_string(c) + "/assign",
                                            json::object{{"vehicle_id", f.van_id}});
        INFO(reassigned.text);
        CHECK(reassigned.status == 200);
        CHECK(reassigned.obj().at("request").at("unserved_reason") == nullptr);
    }
}

TEST_CASE(
    "a started route is driven by one trip at a time, and a trip without a route "
    "leaves no stops",
    "[api][ledger][dispatch]") {
    SeededFleet f;
    const std::string day = shanghai_date(-1);
    f.put_on_route(f.sedan_id, f.walker_id, day);
    auto routes = f.dispatcher.get("/api/v1/days/" + day + "/routes");
    const auto route_id = routes.obj().at("routes").as_array()[0].at("id").as_int64();
    const auto request = routes.obj()
                             .at("routes")
                             .as_array()[0]
                             .at("stops")
                             .as_array()[0]
                             .at("request_id")
                             .as_int64();

    // A trip on the van without a route cannot name the sedan's stop.
    auto loose = require_created(
        f.driver2.post("/api/v1/trips", json::object{{"vehicle_id", f.van_id},
                                                     {"started_at", day + "T06:10:00+08:00"},
                                                     {"odometer_start", 5000.0}}));
    auto named =
        f.driver2.post("/api/v1/trips/" + std::to_string(loose.id()) + "/finish",
                       json::object{{"ended_at", day + "T06:40:00+08:00"},
                                    {"odometer_end", 5010.0},
                                    {"stops_left", json::array{left(request, "handed_back")}}});
    INFO(named.text);
    CHECK(named.status == 422);
    CHECK(named.error_fields() == std::vector<std::string>{"stops_left"});
    CHECK(status_of(f.dispatcher, request) == "scheduled");

    auto t1 = require_created(
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"route_id", route_id},
                                                     {"started_at", day + "T06:30:00+08:00"},
                                                     {"odometer_start", 6000.0}}));
    // While the route's trip is open, a whole trip cannot claim the started route.
    json::object whole{{"vehicle_id", f.sedan_id},
                       {"route_id", route_id},
                       {"started_at", day + "T06:31:00+08:00"},
                       {"odometer_start", 6000.0},
                       {"ended_at", day + "T06:35:00+08:00"},
                       {"odometer_end", 6001.0}};
    auto claim = f.driver1.post("/api/v1/trips", whole);
    INFO(claim.text);
    CHECK(claim.status == 409);
    CHECK(claim.error_fields() == std::vector<std::string>{"route_id"});

    REQUIRE(f.driver1
                .post("/api/v1/trips/" + std::to_string(t1.id()) + "/finish",
                      json::object{{"ended_at", day + "T07:00:00+08:00"},
                                   {"odometer_end", 6010.0},
                                   {"stops_left", json::array{left(request, "kept")}}})
                .status == 200);
    // Kept: the route is still started, and only a trip that stays open may resume it.
    whole["started_at"] = day + "T07:10:00+08:00";
    whole["ended_at"] = day + "T07:15:00+08:00";
    whole["odometer_start"] = 6010.0;
    whole["odometer_end"] = 6011.0;
    auto claim_again = f.driver1.post("/api/v1/trips", whole);
    INFO(claim_again.text);
    CHECK(claim_again.status == 409);
    CHECK(status_of(f.dispatcher, request) == "scheduled");
}
