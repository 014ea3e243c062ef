// Dispatch over HTTP: requests from schedules (across a DST change), idempotency,
// holidays, will-call returns, absences, wheelchair and ride_alone constraints in plans and
// forced assignment, frozen started routes, trips tied to routes, manifest privacy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "fixture.h"

using namespace lifeline::test;

namespace {

json::array requests_of(Api& api, const std::string& date, const std::string& extra = "") {
    auto r = api.get("/api/v1/requests?limit=500&date=" + date + extra);
    INFO(r.text);
    REQUIRE(r.status == 200);
    return r.obj().at("items").as_array();
}

const json::object& find_request(const json::array& items, std::int64_t patient,
                                 const std::string& direction) {
    for (const auto& v : items) {
        const auto& o = v.as_object();
        if (o.at("patient_id").as_int64() == patient && o.at("direction").as_string() == direction)
            return o;
    }
    FAIL("no " << direction << " request of patient " << patient);
    throw 0;
}

ApiResult plan(Api& api, const std::string& date) {
    auto r = api.post("/api/v1/days/" + date + "/plan", json::object{{"time_limit_ms", 200}});
    INFO(r.text);
    REQUIRE(r.status == 200);
    // Every plan passes the engine's independent check.
    CHECK(r.obj().at("stats").at("checked") == true);
    return r;
}

const json::object* route_of_vehicle(const ApiResult& plan, std::int64_t vehicle) {
    for (const auto& v : plan.obj().at("routes").as_array())
        if (v.at("vehicle_id").as_int64() == vehicle)
            return &v.as_object();
    return nullptr;
}

std::set<std::int64_t> request_ids(const json::object& route) {
    std::set<std::int64_t> ids;
    for (const auto& s : route.at("stops").as_array())
        ids.insert(s.at("request_id").as_int64());
    return ids;
}

std::string unassigned_reason(const ApiResult& plan, std::int64_t request) {
    for (const auto& u : plan.obj().at("unassigned").as_array())
        if (u.at("request_id").as_int64() == request)
            return std::string(u.at("reason").as_string());
    return {};
}

std::string detail(const ApiResult& r) {
    return std::string(r.obj().at("detail").as_string());
}

}  // namespace

TEST_CASE(
    "schedules expand into requests at local times across DST, idempotently, and follow "
    "holidays and schedule edits",
    "[api][dispatch]") {
    SeededFleet f;
    REQUIRE(f.admin.put("/api/v1/settings", json::object{{"time_zone", "Europe/Berlin"}}).status ==
            200);
    const json::object range{{"from", "2027-03-22"}, {"to", "2027-03-31"}};
    // Mon 22, Wed 24, Fri 26, Mon 29, Wed 31: 5 sessions × 2 patients × there and back.
    auto first = f.dispatcher.post("/api/v1/schedule/generate", range);
    INFO(first.text);
    REQUIRE(first.status == 200);
    CHECK(first.obj().at("created").as_int64() == 20);
    auto again = f.dispatcher.post("/api/v1/schedule/generate", range);
    CHECK(again.obj().at("created").as_int64() == 0);
    CHECK(again.obj().at("unchanged").as_int64() == 20);

    // 07:30 local is 06:30Z in winter time and 05:30Z after the clocks go forward on the 28th.
    for (auto [date, arrive, ready] :
         {std::tuple{"2027-03-22", "2027-03-22T06:30:00Z", "2027-03-22T10:30:00Z"},
          std::tuple{"2027-03-29", "2027-03-29T05:30:00Z", "2027-03-29T09:30:00Z"}}) {
        auto items = requests_of(f.dispatcher, date);
        REQUIRE(items.size() == 4);
        const auto& there = find_request(items, f.walker_id, "to_center");
        CHECK(there.at("arrive_by") == arrive);
        CHECK(there.at("status") == "pending");
        CHECK(there.at("source") == "schedule");
        CHECK(there.at("dropoff").at("place_id").as_int64() == f.center_id);
        CHECK(find_request(items, f.walker_id, "home").at("ready_at") == ready);
        CHECK(find_request(items, f.wheelchair_id, "to_center").at("wheelchair") == true);
    }

    // A holiday moves Wednesday's sessions to Thursday, at Thursday's 07:30.
    auto moved =
        f.dispatcher.put("/api/v1/holidays/2027-03-24", json::object{{"move_to", "2027-03-25"}});
    INFO(moved.text);
    REQUIRE(moved.status == 200);
    CHECK(moved.obj().at("requests").at("updated").as_int64() == 4);
    CHECK(requests_of(f.dispatcher, "2027-03-24").empty());
    auto thursday = requests_of(f.dispatcher, "2027-03-25");
    REQUIRE(thursday.size() == 4);
    CHECK(find_request(thursday, f.walker_id, "to_center").at("arrive_by") ==
          "2027-03-25T06:30:00Z");
    CHECK(find_request(thursday, f.walker_id, "to_center").at("session_date") == "2027-03-24");

    // A closed day cancels its sessions with reason holiday.
    auto closed = f.dispatcher.put("/api/v1/holidays/2027-03-26", json::object{{"closed", true}});
    REQUIRE(closed.status == 200);
    for (const auto& r : requests_of(f.dispatcher, "2027-03-26")) {
        CHECK(r.at("status") == "cancelled");
        CHECK(r.at("cancel_reason") == "holiday");
    }
    CHECK(f.dispatcher.post("/api/v1/schedule/generate", range).obj().at("created").as_int64() ==
          0);
    auto bad = f.dispatcher.put("/api/v1/holidays/2027-03-26", json::object{});
    CHECK(bad.status == 400);

    // Editing the schedule moves the future unplanned requests to the new time.
    auto edit = f.dispatcher.patch(
        "/api/v1/patients/" + std::to_string(f.walker_id),
        json::object{
            {"schedule",
             {{"weekdays", {1, 3, 5}}, {"appointment", "09:00"}, {"duration_minutes", 240}}}});
    INFO(edit.text);
    REQUIRE(edit.status == 200);
    auto monday = requests_of(f.dispatcher, "2027-03-22");
    CHECK(find_request(monday, f.walker_id, "to_center").at("arrive_by") == "2027-03-22T08:00:00Z");
    CHECK(find_request(monday, f.wheelchair_id, "to_center").at("arrive_by") ==
          "2027-03-22T06:30:00Z");

    // A driver sees no requests.
    CHECK(f.driver1.get("/api/v1/requests?date=2027-03-22").status == 403);
}

TEST_CASE(
    "plans honour wheelchair training, ride_alone and absences, and forced assignment "
    "names the broken constraint",
    "[api][dispatch]") {
    SeededFleet f;
    const std::string day = "2027-03-22";  // a Monday: both drivers work 06:00-14:00
    REQUIRE(f.dispatcher.post("/api/v1/schedule/generate", json::object{{"from", day}, {"to", day}})
                .status == 200);
    auto items = requests_of(f.dispatcher, day);
    const auto wc_there = find_request(items, f.wheelchair_id, "to_center").at("id").as_int64();
    const auto walker_there = find_request(items, f.walker_id, "to_center").at("id").as_int64();

    // The van has the wheelchair space but its driver is not trained; the sedan has none.
    auto p1 = plan(f.dispatcher, day);
    CHECK(unassigned_reason(p1, wc_there).rfind("no wheelchair space", 0) == 0);
    CHECK(unassigned_reason(p1, walker_there).empty());
    CHECK(p1.obj().at("stats").at("assigned").as_int64() == 2);
    auto wc = f.dispatcher.get("/api/v1/requests/" + std::to_string(wc_there));
    CHECK(wc.obj().at("status") == "unserved");
    auto forced = f.dispatcher.post("/api/v1/requests/" + std::to_string(wc_there) + "/assign",
                                    json::object{{"vehicle_id", f.sedan_id}});
    INFO(forced.text);
    CHECK(forced.status == 409);
    CHECK(detail(forced).find("no wheelchair space") != std::string::npos);

    // Trained, the van's driver takes the wheelchair user; ride_alone keeps the walker apart.
    REQUIRE(f.dispatcher
                .patch("/api/v1/drivers/" + std::to_string(f.driver_id2),
                       json::object{{"wheelchair_trained", true}})
                .status == 200);
    REQUIRE(f.dispatcher
                .patch("/api/v1/patients/" + std::to_string(f.walker_id),
                       json::object{{"ride_alone", true}})
                .status == 200);
    auto p2 = plan(f.dispatcher, day);
    CHECK(p2.obj().at("stats").at("assigned").as_int64() == 4);
    const json::object* van = route_of_vehicle(p2, f.van_id);
    REQUIRE(van);
    CHECK(request_ids(*van).count(wc_there) == 1);
    std::set<std::int64_t> walker_requests;
    for (const auto& r : requests_of(f.dispatcher, day))
        if (r.at("patient_id").as_int64() == f.walker_id)
            walker_requests.insert(r.at("id").as_int64());
    for (const auto& route : p2.obj().at("routes").as_array()) {
        std::set<std::int64_t> aboard;
        for (const auto& s : route.at("stops").as_array()) {
            const auto id = s.at("request_id").as_int64();
            if (s.at("kind") == "pickup")
                aboard.insert(id);
            else
                aboard.erase(id);
            bool walker = std::any_of(aboard.begin(), aboard.end(),
                                      [&](auto a) { return walker_requests.count(a) > 0; });
            CHECK((!walker || aboard.size() == 1));
        }
    }
    auto routes = f.dispatcher.get("/api/v1/days/" + day + "/routes");
    REQUIRE(routes.status == 200);
    CHECK(routes.obj().at("routes").as_array().size() == p2.obj().at("routes").as_array().size());

    // A hospital visit the sedan cannot reach in time, forced onto it.
    auto early = f.dispatcher.post(
        "/api/v1/requests",
        json::object{
            {"patient_id", f.walker_id},
            {"direction", "other"},
            {"dropoff", {{"lat", 43.95}, {"lon", 126.45}, {"address", "北华大学附属医院"}}},
            {"arrive_by", day + "T06:10:00+08:00"}});
    INFO(early.text);
    REQUIRE(early.status == 201);
    auto late = f.dispatcher.post("/api/v1/requests/" + std::to_string(early.id()) + "/assign",
                                  json::object{{"vehicle_id", f.sedan_id}});
    INFO(late.text);
    CHECK(late.status == 409);
    CHECK(detail(late).find("min after the appointment") != std::string::npos);
    CHECK(f.dispatcher.get("/api/v1/requests/" + std::to_string(early.id())).obj().at("status") ==
          "pending");

    // An absent driver is off shift: forced assignment refuses, plans leave the car out.
    REQUIRE(f.dispatcher
                .post("/api/v1/drivers/" + std::to_string(f.driver_id1) + "/absences",
                      json::object{{"from", day}, {"to", day}})
                .status == 201);
    auto cancel = f.dispatcher.post("/api/v1/requests/" + std::to_string(early.id()) + "/cancel",
                                    json::object{{"reason", "patient"}});
    REQUIRE(cancel.status == 200);
    CHECK(cancel.obj().at("cancel_reason") == "patient");
    auto off = f.dispatcher.post("/api/v1/requests/" + std::to_string(walker_there) + "/assign",
                                 json::object{{"vehicle_id", f.sedan_id}});
    CHECK(off.status == 409);
    CHECK(detail(off).find("driver off shift") != std::string::npos);
    auto p3 = plan(f.dispatcher, day);
    CHECK(route_of_vehicle(p3, f.sedan_id) == nullptr);
    CHECK(p3.obj().at("stats").at("vehicles").as_int64() == 1);
}

TEST_CASE(
    "will-call returns, started routes frozen, trips moving requests, and manifests only "
    "for their driver",
    "[api][dispatch]") {
    SeededFleet f;
    // Yesterday: past, so trips may be logged on it, and near enough for the driver to
    // read its manifest. The walker rides every day.
    const std::string day = shanghai_date(-1);
    REQUIRE(f.dispatcher
                .patch("/api/v1/patients/" + std::to_string(f.walker_id),
                       json::object{{"schedule",
                                     {{"weekdays", {1, 2, 3, 4, 5, 6, 7}},
                                      {"appointment", "07:30"},
                                      {"duration_minutes", 240}}}})
                .status == 200);
    REQUIRE(f.dispatcher.post("/api/v1/schedule/generate", json::object{{"from", day}, {"to", day}})
                .status == 200);
    // Only the walker rides today: the wheelchair user's sessions are cancelled.
    for (const auto& r : requests_of(f.dispatcher, day))
        if (r.at("patient_id").as_int64() == f.wheelchair_id)
            REQUIRE(
                f.dispatcher
                    .post("/api/v1/requests/" + std::to_string(r.at("id").as_int64()) + "/cancel",
                          json::object{{"reason", "weather"}})
                    .status == 200);
    auto items = requests_of(f.dispatcher, day);
    const auto there = find_request(items, f.walker_id, "to_center").at("id").as_int64();
    const auto back = find_request(items, f.walker_id, "home").at("id").as_int64();
    // The return becomes will-call: no ready time until the clinic calls.
    auto wc = f.dispatcher.patch("/api/v1/requests/" + std::to_string(back),
                                 json::object{{"ready_at", nullptr}});
    INFO(wc.text);
    REQUIRE(wc.status == 200);
    CHECK(wc.obj().at("will_call") == true);

    auto p1 = plan(f.dispatcher, day);
    CHECK(p1.obj().at("stats").at("will_call").as_int64() == 1);
    bool listed = false;
    for (const auto& u : p1.obj().at("unassigned").as_array())
        listed = listed || (u.at("request_id").as_int64() == back && u.at("code") == "will_call");
    CHECK(listed);
    const json::object* route = nullptr;
    for (const auto& r : p1.obj().at("routes").as_array())
        if (request_ids(r.as_object()).count(there))
            route = &r.as_object();
    REQUIRE(route);
    const auto route_id = route->at("id").as_int64();
    const auto vehicle = route->at("vehicle_id").as_int64();
    const auto driver = route->at("driver_id").as_int64();
    Api& own = driver == f.driver_id1 ? f.driver1 : f.driver2;
    Api& other = driver == f.driver_id1 ? f.driver2 : f.driver1;
    const auto other_id = driver == f.driver_id1 ? f.driver_id2 : f.driver_id1;

    // Manifest: the driver's own, with only what a driver needs.
    const std::string manifest =
        "/api/v1/drivers/" + std::to_string(driver) + "/manifest?date=" + day;
    auto m = own.get(manifest);
    INFO(m.text);
    REQUIRE(m.status == 200);
    const auto& stop = m.obj().at("routes").as_array()[0].at("stops").as_array()[0].as_object();
    std::set<std::string> keys;
    for (const auto& kv : stop)
        keys.insert(std::string(kv.key()));
    CHECK(keys == std::set<std::string>{"seq", "kind", "eta", "request_id", "status", "patient_id",
                                        "patient_name", "phone", "address", "lat", "lon", "nav",
                                        "mobility", "escort", "passengers", "notes"});
    CHECK(stop.at("patient_name") == "孙秀英");
    CHECK(other.get(manifest).status == 403);
    CHECK(f.dispatcher.get(manifest).status == 200);
    CHECK(
        other.get("/api/v1/drivers/" + std::to_string(other_id) + "/manifest?date=" + day).status ==
        200);
    // Privacy by dispatch: a driver's own manifests of yesterday to tomorrow only.
    for (int offset : {-1, 0, 1})
        CHECK(own.get("/api/v1/drivers/" + std::to_string(driver) +
                      "/manifest?date=" + shanghai_date(offset))
                  .status == 200);
    for (int offset : {-2, 2, -400})
        CHECK(own.get("/api/v1/drivers/" + std::to_string(driver) +
                      "/manifest?date=" + shanghai_date(offset))
                  .status == 403);
    CHECK(f.dispatcher
              .get("/api/v1/drivers/" + std::to_string(driver) +
                   "/manifest?date=" + shanghai_date(-400))
              .status == 200);

    // A trip on another vehicle cannot claim the route; the right one starts it.
    const auto wrong_vehicle = vehicle == f.sedan_id ? f.van_id : f.sedan_id;
    auto wrong = own.post("/api/v1/trips", json::object{{"vehicle_id", wrong_vehicle},
                                                        {"route_id", route_id},
                                                        {"started_at", day + "T06:00:00+08:00"},
                                                        {"odometer_start", 6000.0}});
    CHECK(wrong.status == 422);
    auto trip = own.post("/api/v1/trips", json::object{{"vehicle_id", vehicle},
                                                       {"route_id", route_id},
                                                       {"started_at", day + "T06:00:00+08:00"},
                                                       {"odometer_start", 6000.0}});
    INFO(trip.text);
    REQUIRE(trip.status == 201);
    const std::string trip_path = "/api/v1/trips/" + std::to_string(trip.id());
    auto pickup = own.post(
        trip_path + "/events",
        json::object{{"type", "pickup"}, {"request_id", there}, {"at", day + "T06:50:00+08:00"}});
    INFO(pickup.text);
    REQUIRE(pickup.status == 201);
    CHECK(f.dispatcher.get("/api/v1/requests/" + std::to_string(there)).obj().at("status") ==
          "in_progress");

    // Planning again leaves the started route and its request alone.
    auto p2 = plan(f.dispatcher, day);
    CHECK(p2.obj().at("stats").at("frozen_routes").as_int64() == 1);
    const json::object* kept = nullptr;
    for (const auto& r : p2.obj().at("routes").as_array())
        if (r.at("id").as_int64() == route_id)
            kept = &r.as_object();
    REQUIRE(kept);
    CHECK(kept->at("status") == "started");
    CHECK(request_ids(*kept).count(there) == 1);

    REQUIRE(own.post(trip_path + "/events", json::object{{"type", "dropoff"},
                                                         {"request_id", there},
                                                         {"at", day + "T07:20:00+08:00"}})
                .status == 201);
    CHECK(f.dispatcher.get("/api/v1/requests/" + std::to_string(there)).obj().at("status") ==
          "completed");
    REQUIRE(own.post(trip_path + "/finish",
                     json::object{{"ended_at", day + "T08:00:00+08:00"}, {"odometer_end", 6030.0}})
                .status == 200);
    auto routes = f.dispatcher.get("/api/v1/days/" + day + "/routes");
    bool finished = false;
    for (const auto& r : routes.obj().at("routes").as_array())
        finished = finished || (r.at("id").as_int64() == route_id && r.at("status") == "finished");
    CHECK(finished);
    // A finished route is not started again.
    auto reopen = own.post("/api/v1/trips", json::object{{"vehicle_id", vehicle},
                                                         {"route_id", route_id},
                                                         {"started_at", day + "T09:00:00+08:00"},
                                                         {"odometer_start", 6030.0}});
    CHECK(reopen.status == 409);

    // A ready time on another day is refused, naming the field, and changes nothing.
    auto other_day = f.dispatcher.post("/api/v1/requests/" + std::to_string(back) + "/ready",
                                       json::object{{"at", day + "T23:40:00+07:00"}});
    INFO(other_day.text);
    CHECK(other_day.status == 422);
    CHECK(other_day.text.find("\"field\":\"at\"") != std::string::npos);
    CHECK(f.dispatcher.get("/api/v1/requests/" + std::to_string(back)).obj().at("ready_at") ==
          nullptr);

    // The clinic calls: the will-call return joins the live plan at once.
    auto ready = f.dispatcher.post("/api/v1/requests/" + std::to_string(back) + "/ready",
                                   json::object{{"at", day + "T11:40:00+08:00"}});
    INFO(ready.text);
    REQUIRE(ready.status == 200);
    CHECK(ready.obj().at("assigned") == true);
    CHECK(ready.obj().at("request").at("status") == "scheduled");
    CHECK(ready.obj().at("request").at("ready_at").as_string() == day + "T03:40:00Z");
    REQUIRE(ready.obj().at("route").is_object());
    CHECK(request_ids(ready.obj().at("route").as_object()).count(back) == 1);
    auto twice = f.dispatcher.post("/api/v1/requests/" + std::to_string(back) + "/ready",
                                   json::object{{"at", day + "T11:45:00+08:00"}});
    CHECK(twice.status == 409);
}

TEST_CASE("the day view names each route's driver and vehicle plate from the fleet",
          "[api][dispatch]") {
    SeededFleet f;
    const std::string day = "2027-03-22";
    REQUIRE(f.dispatcher.post("/api/v1/schedule/generate", json::object{{"from", day}, {"to", day}})
                .status == 200);
    REQUIRE(f.dispatcher.post("/api/v1/days/" + day + "/plan", json::object{}).status == 200);
    auto routes = f.dispatcher.get("/api/v1/days/" + day + "/routes");
    INFO(routes.text);
    REQUIRE(routes.status == 200);
    const auto& list = routes.obj().at("routes").as_array();
    REQUIRE(!list.empty());
    for (const auto& route : list) {
        const auto driver =
            f.dispatcher.get("/api/v1/drivers/" + std::to_string(route.at("driver_id").as_int64()));
        const auto vehicle = f.dispatcher.get("/api/v1/vehicles/" +
                                              std::to_string(route.at("vehicle_id").as_int64()));
        REQUIRE(driver.status == 200);
        REQUIRE(vehicle.status == 200);
        CHECK(route.at("driver_name") == driver.obj().at("name"));
        CHECK(route.at("plate") == vehicle.obj().at("plate"));
        CHECK(!route.at("driver_name").as_string().empty());
    }
}
