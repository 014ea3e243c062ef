// Who may call what (docs/design.md §4): every registered route × {no token, driver, dispatcher,
// admin}, as one table; signing out, deactivation and the sign-in rate limit.
#include <catch2/catch.hpp>

#include <array>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "fixture.h"
#include "sse_client.h"

using namespace lifeline::test;

namespace {

enum Who { nobody, driver, dispatcher, admin };
constexpr std::array<const char*, 4> who_name{"no token", "driver", "dispatcher", "admin"};

// An RFC 3339 UTC time `ago` before the server's now (its rehearsal clock): trips must
// not start in the future.
std::string ago(std::chrono::minutes ago) {
    return before_rehearsal(ago);
}

using Body = std::function<json::value(Who)>;

Body same(json::value v) {
    return [v = std::move(v)](Who) { return v; };
}

struct Row {
    std::string method;
    std::string route;   // the pattern the server registers
    std::string target;  // the route with real ids
    Body body;           // empty: no body
    std::array<int, 4> expect;
};

// Every route the server registers (net/src/api_*.cpp, `r.add(...)`).
const std::set<std::string> registered_routes{
    "GET /healthz",
    "GET /metrics",
    "GET /api/v1/openapi.yaml",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/logout",
    "GET /api/v1/auth/me",
    "PATCH /api/v1/auth/me",
    "GET /api/v1/search",
    "GET /api/v1/users",
    "POST /api/v1/users",
    "GET /api/v1/users/{id}",
    "PATCH /api/v1/users/{id}",
    "GET /api/v1/audit",
    "GET /api/v1/places",
    "POST /api/v1/places",
    "GET /api/v1/places/{id}",
    "PATCH /api/v1/places/{id}",
    "GET /api/v1/drivers",
    "POST /api/v1/drivers",
    "GET /api/v1/drivers/{id}",
    "PATCH /api/v1/drivers/{id}",
    "POST /api/v1/drivers/{id}/absences",
    "PATCH /api/v1/drivers/{id}/absences/{absence_id}",
    "DELETE /api/v1/drivers/{id}/absences/{absence_id}",
    "GET /api/v1/vehicles",
    "POST /api/v1/vehicles",
    "GET /api/v1/vehicles/{id}",
    "PATCH /api/v1/vehicles/{id}",
    "GET /api/v1/patients",
    "POST /api/v1/patients",
    "GET /api/v1/patients/{id}",
    "PATCH /api/v1/patients/{id}",
    "GET /api/v1/trips",
    "POST /api/v1/trips",
    "GET /api/v1/trips/{id}",
    "PATCH /api/v1/trips/{id}",
    "POST /api/v1/trips/{id}/events",
    "POST /api/v1/trips/{id}/finish",
    "POST /api/v1/trips/{id}/close",
    "POST /api/v1/trips/{id}/positions",
    "GET /api/v1/trips/{id}/positions",
    "GET /api/v1/vehicles/positions/latest",
    "GET /api/v1/calibration",
    "POST /api/v1/calibration/apply",
    "POST /api/v1/schedule/generate",
    "PUT /api/v1/holidays/{date}",
    "GET /api/v1/holidays/{date}",
    "GET /api/v1/requests",
    "POST /api/v1/requests",
    "GET /api/v1/requests/{id}",
    "PATCH /api/v1/requests/{id}",
    "POST /api/v1/requests/{id}/cancel",
    "POST /api/v1/requests/{id}/ready",
    "POST /api/v1/requests/{id}/assign",
    "POST /api/v1/requests/{id}/restore",
    "POST /api/v1/cancel-batches",
    "GET /api/v1/cancel-batches",
    "POST /api/v1/cancel-batches/{id}/restore",
    "GET /api/v1/patients/{id}/suspensions",
    "POST /api/v1/patients/{id}/suspensions",
    "PATCH /api/v1/patients/{id}/suspensions/{sid}",
    "DELETE /api/v1/patients/{id}/suspensions/{sid}",
    "GET /api/v1/holidays",
    "DELETE /api/v1/holidays/{date}",
    "POST /api/v1/requests/{id}/unpin",
    "POST /api/v1/days/{date}/plan",
    "GET /api/v1/days/{date}/routes",
    "GET /api/v1/days/{date}/map",
    "POST /api/v1/geo/convert",
    "GET /api/v1/days/{date}/runsheets",
    "GET /api/v1/drivers/{id}/manifest",
    "GET /api/v1/settings",
    "PUT /api/v1/settings",
    "GET /api/v1/reports/monthly",
    "GET /api/v1/reports/totals",
    "GET /api/v1/reports/statements",
    "POST /api/v1/reports/statements/approve",
    "POST /api/v1/import/{kind}",
    "GET /api/v1/events",
};

// "METHOD /path" of every operation under `paths:` of an OpenAPI document (YAML with
// two-space indentation, as docs/openapi.yaml is written); empty for `paths: {}`.
std::set<std::string> openapi_routes(const std::string& yaml) {
    static const std::set<std::string> methods{"get",   "put",     "post", "delete",
                                               "patch", "options", "head", "trace"};
    std::set<std::string> out;
    std::istringstream in(yaml);
    std::string line, path;
    bool in_paths = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.rfind("paths:", 0) == 0) {
            in_paths = true;
            continue;
        }
        if (!in_paths || line.empty() || line.find_first_not_of(' ') == std::string::npos)
            continue;
        const auto indent = line.find_first_not_of(' ');
        if (indent == 0)
            break;  // the next top-level key
        std::string key = line.substr(indent, line.find(':', indent) - indent);
        if (key.size() >= 2 && (key.front() == '"' || key.front() == '\''))
            key = key.substr(1, key.size() - 2);
        if (indent == 2 && !key.empty() && key.front() == '/')
            path = key;
        else if (indent == 4 && !path.empty() && methods.count(key)) {
            std::string m = key;
            for (auto& c : m)
                c = char(std::toupper(static_cast<unsigned char>(c)));
            out.insert(m + " " + path);
        }
    }
    return out;
}

std::int64_t own_user_id(Api& api) {
    auto me = api.get("/api/v1/auth/me");
    REQUIRE(me.status == 200);
    return me.id();
}

void check_unauthorized(const ApiResult& r) {
    INFO(r.text);
    CHECK(r.status == 401);
    CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
    CHECK(r.raw.header("WWW-Authenticate").value_or("") == "Bearer");
    if (r.body.is_object())
        CHECK(r.obj().at("status").as_int64() == 401);
}

}  // namespace

TEST_CASE("every route answers each role as docs/design.md §4 says", "[api][roles]") {
    SeededFleet f;
    Api anonymous(f.server);
    std::array<Api*, 4> as{&anonymous, &f.driver1, &f.dispatcher, &f.admin};
    const auto id = [](std::int64_t v) { return std::to_string(v); };

    // Dispatch has the walker on driver1's route today (so driver1 may look them up);
    // driver1 carried them two hours ago and has a trip open now. driver2 carried the
    // wheelchair user in 2022, long out of sight.
    f.put_on_route(f.sedan_id, f.walker_id, today_in_shanghai());
    auto recent = SeededFleet::whole_trip(f.sedan_id, 1000, 1010, f.walker_id);
    recent["started_at"] = ago(std::chrono::minutes{180});
    recent["ended_at"] = ago(std::chrono::minutes{120});
    auto& ride = recent["rides"].as_array()[0].as_object();
    ride["picked_up_at"] = ago(std::chrono::minutes{170});
    ride["dropped_off_at"] = ago(std::chrono::minutes{130});
    const auto mine = require_created(f.driver1.post("/api/v1/trips", recent)).id();
    const auto open =
        require_created(f.driver1.post("/api/v1/trips",
                                       json::object{{"vehicle_id", f.sedan_id},
                                                    {"started_at", ago(std::chrono::minutes{60})},
                                                    {"odometer_start", 1010.0}}))
            .id();
    const auto theirs = require_created(f.driver2.post("/api/v1/trips", f.trip(f.van_id, 5000, 5010,
                                                                               f.wheelchair_id)))
                            .id();
    const auto dispatcher_user = own_user_id(f.dispatcher);

    // An old ride is out of sight; a ride today is not.
    CHECK(f.driver2.get("/api/v1/patients/" + id(f.wheelchair_id)).status == 404);
    CHECK(f.driver1.get("/api/v1/patients/" + id(f.walker_id)).status == 200);

    // Who is asking comes before what is asked: a bad body from someone not allowed is
    // still 403, and says nothing about the fields.
    {
        const json::object bad{{"lat", 91}, {"seats", "x"}, {"shifts", "x"}};
        const std::vector<std::tuple<Api*, std::string, std::string>> forbidden{
            {&f.driver1, "POST", "/api/v1/places"},
            {&f.driver1, "PATCH", "/api/v1/places/" + id(f.center_id)},
            {&f.driver1, "POST", "/api/v1/drivers"},
            {&f.driver1, "PATCH", "/api/v1/drivers/" + id(f.driver_id1)},
            {&f.driver1, "POST", "/api/v1/drivers/" + id(f.driver_id1) + "/absences"},
            {&f.driver1, "POST", "/api/v1/vehicles"},
            {&f.driver1, "PATCH", "/api/v1/vehicles/" + id(f.sedan_id)},
            {&f.driver1, "POST", "/api/v1/patients"},
            {&f.driver1, "PATCH", "/api/v1/patients/" + id(f.walker_id)},
            {&f.dispatcher, "POST", "/api/v1/users"},
            {&f.dispatcher, "PATCH", "/api/v1/users/" + id(dispatcher_user)},
            {&f.driver1, "PATCH", "/api/v1/trips/" + id(mine)},
            {&f.driver1, "POST", "/api/v1/reports/statements/approve"},
        };
        for (const auto& [api, method, target] : forbidden) {
            auto r = api->send(method, target, json::serialize(bad));
            INFO(method << " " << target << " with a bad body: " << r.text);
            CHECK(r.status == 403);
            CHECK(r.error_fields().empty());
        }
    }

    // A missing, malformed, unknown or empty bearer token is 401 alike.
    for (const char* header : {"Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", "Bearer nonsense",
                               "bearer 0000000000000000000000000000000000000000000"}) {
        INFO("Authorization: " << header);
        check_unauthorized(anonymous.send("GET", "/api/v1/trips", "", {{"Authorization", header}}));
    }

    const json::object place{{"name", "吉化医院"},
                             {"address", "龙潭区"},
                             {"lat", 43.9},
                             {"lon", 126.6},
                             {"kind", "hospital"}};
    const json::object new_driver{{"name", "赵志刚"}, {"home", {{"lat", 43.8}, {"lon", 126.5}}}};
    const json::object patient{{"name", "钱桂兰"}, {"lat", 43.86}, {"lon", 126.55}};
    const Body vehicle = [](Who who) {
        return json::object{{"plate", std::string("吉B·M000") + std::to_string(int(who))},
                            {"seats", 4}};
    };
    // Each allowed role logs one whole trip on the van, a day and 10 km after the last.
    const Body logged = [&](Who who) {
        const int n = int(who);
        const std::string day = "2022-03-" + std::to_string(14 + n);
        return json::object{{"vehicle_id", f.van_id},
                            {"driver_id", f.driver_id1},
                            {"started_at", day + "T06:30:00+08:00"},
                            {"ended_at", day + "T08:00:00+08:00"},
                            {"odometer_start", 6000.0 + 10 * n},
                            {"odometer_end", 6010.0 + 10 * n}};
    };
    const json::object pickup{{"type", "pickup"},
                              {"patient_id", f.walker_id},
                              {"at", ago(std::chrono::minutes{50})},
                              {"odometer", 1015.0}};
    const json::object dropoff{{"type", "dropoff"},
                               {"patient_id", f.walker_id},
                               {"at", ago(std::chrono::minutes{40})},
                               {"odometer", 1025.0}};
    const json::object finish{{"ended_at", ago(std::chrono::minutes{30})},
                              {"odometer_end", 1030.0}};

    const std::string v1 = "/api/v1";
    // Dispatch: a will-call return and a hospital visit on a day nobody works (a Sunday).
    const auto will_call =
        require_created(
            f.dispatcher.post(v1 + "/requests", json::object{{"patient_id", f.walker_id},
                                                             {"direction", "home"},
                                                             {"service_date", "2022-05-01"}}))
            .id();
    const auto visit =
        require_created(f.dispatcher.post(v1 + "/requests",
                                          json::object{{"patient_id", f.walker_id},
                                                       {"direction", "to_center"},
                                                       {"arrive_by", "2022-05-01T09:00:00+08:00"}}))
            .id();
    // Cancelling and restoring: a batch of a past Sunday, a cancelled ride ten days on, a
    // closed holiday, and two hospital stays of the walker.
    const auto sunday_ride =
        require_created(f.dispatcher.post(v1 + "/requests",
                                          json::object{{"patient_id", f.walker_id},
                                                       {"direction", "to_center"},
                                                       {"arrive_by", "2022-05-08T09:00:00+08:00"}}))
            .id();
    auto batch = f.dispatcher.post(v1 + "/cancel-batches",
                                   json::object{{"date", "2022-05-08"}, {"reason", "weather"}});
    INFO(batch.text);
    REQUIRE(batch.status == 201);
    const auto batch_id = batch.obj().at("batch").at("id").as_int64();
    const auto later =
        require_created(
            f.dispatcher.post(v1 + "/requests",
                              json::object{{"patient_id", f.wheelchair_id},
                                           {"direction", "to_center"},
                                           {"arrive_by", shanghai_date(10) + "T09:00:00+08:00"}}))
            .id();
    REQUIRE(
        f.dispatcher
            .post(v1 + "/requests/" + id(later) + "/cancel", json::object{{"reason", "patient"}})
            .status == 200);
    REQUIRE(f.dispatcher.put(v1 + "/holidays/2022-05-11", json::object{{"closed", true}}).status ==
            200);
    const std::string stays = v1 + "/patients/" + id(f.walker_id) + "/suspensions";
    const json::object july{{"from", "2022-07-01"}, {"to", "2022-07-02"}, {"reason", "住院"}};
    const auto stay =
        require_created(f.dispatcher.post(stays, july)).obj().at("suspension").at("id").as_int64();
    const auto short_stay =
        require_created(f.dispatcher.post(stays, json::object{{"from", "2022-08-01"},
                                                              {"to", "2022-08-01"},
                                                              {"reason", "外出"}}))
            .obj()
            .at("suspension")
            .at("id")
            .as_int64();
    (void)sunday_ride;
    const auto absence =
        require_created(
            f.dispatcher.post(v1 + "/drivers/" + id(f.driver_id1) + "/absences",
                              json::object{{"from", "2022-06-01"}, {"to", "2022-06-02"}}))
            .obj()
            .at("absence")
            .at("id")
            .as_int64();
    const std::string absence_path =
        v1 + "/drivers/" + id(f.driver_id1) + "/absences/" + id(absence);
    using A = std::array<int, 4>;
    //                   no token, driver, dispatcher, admin
    const A open_to_all{200, 200, 200, 200};
    const A signed_in{401, 200, 200, 200};
    const A admin_only{401, 403, 403, 200};
    const A staff{401, 403, 200, 200};
    const A staff_create{401, 403, 201, 201};
    const std::vector<Row> rows{
        {"GET", "/healthz", "/healthz", {}, open_to_all},
        {"GET", "/metrics", "/metrics", {}, open_to_all},
        {"GET", "/api/v1/openapi.yaml", v1 + "/openapi.yaml", {}, open_to_all},
        {"POST", "/api/v1/auth/login", v1 + "/auth/login",
         same(json::object{{"username", "admin"}, {"password", admin_password}}), open_to_all},
        {"GET", "/api/v1/auth/me", v1 + "/auth/me", {}, signed_in},
        {"PATCH", "/api/v1/auth/me", v1 + "/auth/me", same(json::object{{"language", "en"}}),
         signed_in},
        {"GET", "/api/v1/search", v1 + "/search?q=zw&kind=patient", {}, signed_in},
        // accounts and the audit log: admin only
        {"GET", "/api/v1/users", v1 + "/users", {}, admin_only},
        {"POST",
         "/api/v1/users",
         v1 + "/users",
         same(json::object{
             {"username", "matrix"}, {"password", user_password}, {"role", "dispatcher"}}),
         {401, 403, 403, 201}},
        {"GET", "/api/v1/users/{id}", v1 + "/users/" + id(dispatcher_user), {}, admin_only},
        {"PATCH", "/api/v1/users/{id}", v1 + "/users/" + id(dispatcher_user),
         same(json::object{{"active", true}}), admin_only},
        {"GET", "/api/v1/audit", v1 + "/audit?entity=vehicle", {}, admin_only},
        // the fleet: dispatchers and admins
        {"GET", "/api/v1/places", v1 + "/places", {}, staff},
        {"POST", "/api/v1/places", v1 + "/places", same(place), staff_create},
        {"GET", "/api/v1/places/{id}", v1 + "/places/" + id(f.center_id), {}, staff},
        {"PATCH", "/api/v1/places/{id}", v1 + "/places/" + id(f.center_id),
         same(json::object{{"address", "船营区 北京路"}}), staff},
        {"GET", "/api/v1/drivers", v1 + "/drivers", {}, staff},
        {"POST", "/api/v1/drivers", v1 + "/drivers", same(new_driver), staff_create},
        {"GET", "/api/v1/drivers/{id}", v1 + "/drivers/" + id(f.driver_id2), {}, staff},
        {"PATCH", "/api/v1/drivers/{id}", v1 + "/drivers/" + id(f.driver_id2),
         same(json::object{{"group", "民盟"}}), staff},
        {"POST", "/api/v1/drivers/{id}/absences", v1 + "/drivers/" + id(f.driver_id2) + "/absences",
         same(json::object{{"from", "2022-05-01"}, {"to", "2022-05-03"}}), staff_create},
        {"PATCH", "/api/v1/drivers/{id}/absences/{absence_id}", absence_path,
         same(json::object{{"to", "2022-06-03"}}), staff},
        {"DELETE",
         "/api/v1/drivers/{id}/absences/{absence_id}",
         absence_path,
         {},
         {401, 403, 200, 404}},
        {"GET", "/api/v1/vehicles", v1 + "/vehicles", {}, staff},
        {"POST", "/api/v1/vehicles", v1 + "/vehicles", vehicle, staff_create},
        {"GET", "/api/v1/vehicles/{id}", v1 + "/vehicles/" + id(f.van_id), {}, staff},
        {"PATCH", "/api/v1/vehicles/{id}", v1 + "/vehicles/" + id(f.van_id),
         same(json::object{{"description", "福特全顺 轮椅车"}}), staff},
        {"GET", "/api/v1/patients", v1 + "/patients", {}, staff},
        {"POST", "/api/v1/patients", v1 + "/patients", same(patient), staff_create},
        // a driver sees a patient on their own routes around today, no other
        {"GET", "/api/v1/patients/{id}", v1 + "/patients/" + id(f.walker_id), {}, signed_in},
        {"GET",
         "/api/v1/patients/{id}",
         v1 + "/patients/" + id(f.wheelchair_id),
         {},
         {401, 404, 200, 200}},
        {"PATCH", "/api/v1/patients/{id}", v1 + "/patients/" + id(f.walker_id),
         same(json::object{{"notes", "二楼，有电梯"}}), staff},
        // the ledger: drivers their own trips; events and finish by the trip's driver only
        {"GET", "/api/v1/trips", v1 + "/trips", {}, signed_in},
        {"POST", "/api/v1/trips", v1 + "/trips", logged, {401, 201, 201, 201}},
        {"GET", "/api/v1/trips/{id}", v1 + "/trips/" + id(mine), {}, signed_in},
        {"GET", "/api/v1/trips/{id}", v1 + "/trips/" + id(theirs), {}, {401, 404, 200, 200}},
        {"PATCH", "/api/v1/trips/{id}", v1 + "/trips/" + id(mine),
         same(json::object{{"odometer_end", 1010.0}, {"reason", "checked the logbook"}}), staff},
        {"POST",
         "/api/v1/trips/{id}/events",
         v1 + "/trips/" + id(open) + "/events",
         same(pickup),
         {401, 201, 403, 403}},
        {"POST",
         "/api/v1/trips/{id}/events",
         v1 + "/trips/" + id(open) + "/events",
         same(dropoff),
         {401, 201, 403, 403}},
        {"POST",
         "/api/v1/trips/{id}/events",
         v1 + "/trips/" + id(theirs) + "/events",
         same(pickup),
         {401, 404, 403, 403}},
        // live positions: sent by the trip's driver, read by them and by dispatchers
        {"POST",
         "/api/v1/trips/{id}/positions",
         v1 + "/trips/" + id(open) + "/positions",
         same(json::object{{"positions", json::array{{{"at", ago(std::chrono::minutes{55})},
                                                      {"lat", 43.84},
                                                      {"lon", 126.54}}}}}),
         {401, 201, 403, 403}},
        {"GET",
         "/api/v1/trips/{id}/positions",
         v1 + "/trips/" + id(open) + "/positions",
         {},
         signed_in},
        {"GET",
         "/api/v1/trips/{id}/positions",
         v1 + "/trips/" + id(theirs) + "/positions",
         {},
         {401, 404, 200, 200}},
        {"GET", "/api/v1/vehicles/positions/latest", v1 + "/vehicles/positions/latest", {}, staff},
        // calibration: dispatchers and admins; no trip here has dispatched rides to learn from
        {"GET", "/api/v1/calibration", v1 + "/calibration", {}, staff},
        {"POST",
         "/api/v1/calibration/apply",
         v1 + "/calibration/apply",
         same(json::object{}),
         {401, 403, 422, 422}},
        {"POST",
         "/api/v1/trips/{id}/finish",
         v1 + "/trips/" + id(open) + "/finish",
         same(finish),
         {401, 200, 403, 403}},
        {"POST",
         "/api/v1/trips/{id}/finish",
         v1 + "/trips/" + id(theirs) + "/finish",
         same(finish),
         {401, 404, 403, 403}},
        // closing a trip left open: dispatchers only (a finished one is a conflict)
        {"POST",
         "/api/v1/trips/{id}/close",
         v1 + "/trips/" + id(theirs) + "/close",
         same(json::object{{"ended_at", ago(std::chrono::minutes{30})},
                           {"odometer_end", 5020.0},
                           {"reason", "closed from the paper log"}}),
         {401, 403, 409, 409}},
        // dispatch: dispatchers and admins; a manifest also for its own driver
        {"POST", "/api/v1/schedule/generate", v1 + "/schedule/generate",
         same(json::object{{"from", "2022-05-02"}, {"to", "2022-05-02"}}), staff},
        {"PUT", "/api/v1/holidays/{date}", v1 + "/holidays/2022-05-04",
         same(json::object{{"closed", true}}), staff},
        {"GET", "/api/v1/holidays/{date}", v1 + "/holidays/2022-05-04", {}, staff},
        {"GET", "/api/v1/requests", v1 + "/requests?date=2022-05-01", {}, staff},
        {"POST", "/api/v1/requests", v1 + "/requests",
         same(json::object{{"patient_id", f.walker_id},
                           {"direction", "home"},
                           {"ready_at", "2022-05-01T12:00:00+08:00"}}),
         staff_create},
        {"GET", "/api/v1/requests/{id}", v1 + "/requests/" + id(visit), {}, staff},
        {"PATCH", "/api/v1/requests/{id}", v1 + "/requests/" + id(visit),
         same(json::object{{"notes", "带透析记录"}}), staff},
        {"POST",
         "/api/v1/requests/{id}/assign",
         v1 + "/requests/" + id(visit) + "/assign",
         same(json::object{}),
         {401, 403, 200, 200}},
        {"POST",
         "/api/v1/requests/{id}/unpin",
         v1 + "/requests/" + id(visit) + "/unpin",
         same(json::object{}),
         {401, 403, 200, 409}},
        {"POST",
         "/api/v1/requests/{id}/ready",
         v1 + "/requests/" + id(will_call) + "/ready",
         same(json::object{{"at", "2022-05-01T12:00:00+08:00"}}),
         {401, 403, 200, 409}},
        {"POST",
         "/api/v1/requests/{id}/cancel",
         v1 + "/requests/" + id(visit) + "/cancel",
         same(json::object{{"reason", "weather"}}),
         {401, 403, 200, 409}},
        {"POST",
         "/api/v1/requests/{id}/restore",
         v1 + "/requests/" + id(later) + "/restore",
         same(json::object{}),
         {401, 403, 200, 409}},
        {"POST", "/api/v1/cancel-batches", v1 + "/cancel-batches",
         same(json::object{{"date", "2022-05-01"}, {"reason", "weather"}, {"dry_run", true}}),
         staff},
        {"GET", "/api/v1/cancel-batches", v1 + "/cancel-batches?date=2022-05-08", {}, staff},
        {"POST",
         "/api/v1/cancel-batches/{id}/restore",
         v1 + "/cancel-batches/" + id(batch_id) + "/restore",
         same(json::object{}),
         {401, 403, 200, 409}},
        {"GET", "/api/v1/patients/{id}/suspensions", stays, {}, staff},
        {"POST",
         "/api/v1/patients/{id}/suspensions",
         stays,
         same(json::object{{"from", "2022-06-01"}, {"to", "2022-06-02"}, {"reason", "住院"}}),
         {401, 403, 201, 409}},
        {"PATCH", "/api/v1/patients/{id}/suspensions/{sid}", stays + "/" + id(stay), same(july),
         staff},
        {"DELETE",
         "/api/v1/patients/{id}/suspensions/{sid}",
         stays + "/" + id(short_stay),
         {},
         {401, 403, 200, 404}},
        {"GET", "/api/v1/holidays", v1 + "/holidays", {}, staff},
        {"DELETE",
         "/api/v1/holidays/{date}",
         v1 + "/holidays/2022-05-11",
         {},
         {401, 403, 200, 404}},
        {"POST", "/api/v1/days/{date}/plan", v1 + "/days/2022-05-02/plan",
         same(json::object{{"time_limit_ms", 50}}), staff},
        {"GET", "/api/v1/days/{date}/routes", v1 + "/days/2022-05-02/routes", {}, staff},
        {"GET", "/api/v1/days/{date}/map", v1 + "/days/2022-05-02/map", {}, staff},
        {"POST", "/api/v1/geo/convert", v1 + "/geo/convert",
         same(json::object{{"from", "wgs84"},
                           {"to", "gcj02"},
                           {"points", json::array{json::object{{"lat", 43.8}, {"lon", 126.5}}}}}),
         signed_in},
        {"GET",
         "/api/v1/days/{date}/runsheets",
         v1 + "/days/2022-05-02/runsheets?format=html",
         {},
         staff},
        {"GET",
         "/api/v1/drivers/{id}/manifest",
         v1 + "/drivers/" + id(f.driver_id1) + "/manifest?date=" + today_in_shanghai(),
         {},
         signed_in},
        {"GET",
         "/api/v1/drivers/{id}/manifest",
         v1 + "/drivers/" + id(f.driver_id2) + "/manifest?date=" + today_in_shanghai(),
         {},
         {401, 403, 200, 200}},
        // settings: read by anyone signed in, changed by an admin
        {"GET", "/api/v1/settings", v1 + "/settings", {}, signed_in},
        {"PUT", "/api/v1/settings", v1 + "/settings", same(json::object{{"per_km_rate", 0.6}}),
         admin_only},
        // reports: dispatchers and admins; a driver reads their own mileage statement
        {"GET", "/api/v1/reports/monthly", v1 + "/reports/monthly?month=2022-05", {}, staff},
        {"GET",
         "/api/v1/reports/totals",
         v1 + "/reports/totals?from=2022-01&to=2022-12",
         {},
         staff},
        {"GET",
         "/api/v1/reports/statements",
         v1 + "/reports/statements?month=2022-05",
         {},
         signed_in},
        {"GET",
         "/api/v1/reports/statements",
         v1 + "/reports/statements?month=2022-05&driver_id=" + id(f.driver_id2),
         {},
         {401, 403, 200, 200}},
        {"POST",
         "/api/v1/reports/statements/approve",
         v1 + "/reports/statements/approve",
         same(json::object{{"driver_id", f.driver_id1}, {"month", "2022-05"}}),
         {401, 403, 200, 409}},
        // CSV import: dispatchers and admins (a JSON body is no CSV: 400 once allowed)
        {"POST",
         "/api/v1/import/{kind}",
         v1 + "/import/places",
         same(json::value("x")),
         {401, 403, 400, 400}},
        // last: signing out revokes each token
        {"POST", "/api/v1/auth/logout", v1 + "/auth/logout", {}, {401, 204, 204, 204}},
    };

    std::set<std::string> tested;
    // The event stream does not end: its answer is judged by its head alone.
    tested.insert("GET /api/v1/events");
    for (int w = nobody; w <= admin; ++w) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (w != nobody)
            headers.emplace_back("Authorization", "Bearer " + as[w]->token());
        SseClient stream(f.server.port(), v1 + "/events", headers);
        INFO("GET /api/v1/events as " << who_name[w] << ": " << stream.head_text());
        CHECK(stream.status() == (w == nobody ? 401 : 200));
    }
    for (const Row& row : rows) {
        tested.insert(row.method + " " + row.route);
        for (int w = nobody; w <= admin; ++w) {
            const Who who = Who(w);
            const std::string body = row.body ? json::serialize(row.body(who)) : std::string();
            auto r = as[w]->send(row.method, row.target, body);
            INFO(row.method << " " << row.target << " as " << who_name[w]);
            INFO("answer: " << r.text);
            CHECK(r.status == row.expect[w]);
            if (row.expect[w] == 401)
                check_unauthorized(r);
            if (r.status >= 400)
                CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
        }
    }

    // Nothing a forbidden caller sent was written: one trip on the van per allowed role,
    // one pickup (by the driver) on the open trip.
    // The admin signed out in the last row; sign in again to look.
    Api admin_again = Api::login(f.server, "admin", admin_password);
    auto van_trips = admin_again.get(v1 + "/trips?vehicle_id=" + id(f.van_id));
    REQUIRE(van_trips.status == 200);
    CHECK(van_trips.obj().at("items").as_array().size() == 1 + 3);
    auto finished = admin_again.get(v1 + "/trips/" + id(open));
    REQUIRE(finished.status == 200);
    CHECK(finished.obj().at("status") == "finished");
    CHECK(finished.obj().at("rides").as_array().size() == 1);
    auto users = admin_again.get(v1 + "/users");
    REQUIRE(users.status == 200);
    CHECK(users.obj().at("items").as_array().size() == 1 + 3 + 1);  // admin, 3 seeded, matrix

    // A signed-out token is refused everywhere.
    {
        for (Api* api : {&f.driver1, &f.dispatcher, &f.admin}) {
            check_unauthorized(api->get(v1 + "/auth/me"));
            check_unauthorized(api->get(v1 + "/trips"));
            check_unauthorized(api->post(v1 + "/places", place));
        }
    }

    // The routes tested are exactly the routes the server has.
    {
        auto doc = anonymous.get(v1 + "/openapi.yaml");
        REQUIRE(doc.status == 200);
        const auto documented = openapi_routes(doc.text);
        if (!documented.empty()) {
            CHECK(tested == documented);
        } else {
            WARN(
                "docs/openapi.yaml lists no paths yet; comparing with the routes "
                "registered in net/src/api_*.cpp");
        }
        CHECK(tested == registered_routes);

        // The server's own word on each path: a method it lacks is 405 with `Allow`.
        std::map<std::string, std::set<std::string>> by_path;
        for (const auto& route : registered_routes) {
            auto sp = route.find(' ');
            by_path[route.substr(sp + 1)].insert(route.substr(0, sp));
        }
        for (const auto& [pattern, methods] : by_path) {
            std::string target = pattern;
            if (auto at = target.find("{id}"); at != std::string::npos)
                target.replace(at, 4, "1");
            if (auto at = target.find("{absence_id}"); at != std::string::npos)
                target.replace(at, 12, "1");
            if (auto at = target.find("{date}"); at != std::string::npos)
                target.replace(at, 6, "2022-05-02");
            if (auto at = target.find("{kind}"); at != std::string::npos)
                target.replace(at, 6, "places");
            if (auto at = target.find("{sid}"); at != std::string::npos)
                target.replace(at, 5, "1");
            // A method the path lacks.
            const std::string probe = methods.count("DELETE") ? "PUT" : "DELETE";
            if (methods.count(probe))
                continue;
            auto r = anonymous.send(probe, target, "");
            INFO(probe << " " << target << ": " << r.text);
            REQUIRE(r.status == 405);
            std::set<std::string> allowed;
            std::istringstream allow(r.raw.header("Allow").value_or(""));
            for (std::string m; std::getline(allow, m, ',');) {
                m.erase(0, m.find_first_not_of(' '));
                if (m != "HEAD")
                    allowed.insert(m);
            }
            CHECK(allowed == methods);
        }
    }
}

TEST_CASE("a deactivated account's token stops working at once", "[api][roles]") {
    SeededFleet f;
    const auto user = own_user_id(f.driver2);
    REQUIRE(f.driver2.get("/api/v1/trips").status == 200);

    auto off =
        f.admin.patch("/api/v1/users/" + std::to_string(user), json::object{{"active", false}});
    INFO(off.text);
    REQUIRE(off.status == 200);
    CHECK(off.obj().at("active") == false);

    check_unauthorized(f.driver2.get("/api/v1/trips"));
    check_unauthorized(f.driver2.get("/api/v1/auth/me"));
    Api anonymous(f.server);
    auto again = anonymous.post("/api/v1/auth/login",
                                json::object{{"username", "driver2"}, {"password", user_password}});
    check_unauthorized(again);
    // Other accounts are untouched.
    CHECK(f.driver1.get("/api/v1/trips").status == 200);

    auto on =
        f.admin.patch("/api/v1/users/" + std::to_string(user), json::object{{"active", true}});
    REQUIRE(on.status == 200);
    // Re-activation does not revive the old token; signing in again works.
    check_unauthorized(f.driver2.get("/api/v1/trips"));
    CHECK(Api::login(f.server, "driver2", user_password).get("/api/v1/trips").status == 200);
}

TEST_CASE("failed sign-ins look alike and are rate-limited", "[api][roles][auth]") {
    SECTION("an unknown user and a wrong password get the same answer") {
        LiveServer server;
        Api anonymous(server);
        auto unknown = anonymous.post(
            "/api/v1/auth/login", json::object{{"username", "nobody"}, {"password", "guess-123"}});
        auto wrong = anonymous.post("/api/v1/auth/login",
                                    json::object{{"username", "admin"}, {"password", "guess-123"}});
        check_unauthorized(unknown);
        check_unauthorized(wrong);
        REQUIRE(unknown.body.is_object());
        REQUIRE(wrong.body.is_object());
        CHECK(unknown.obj().at("detail") == wrong.obj().at("detail"));
        CHECK(unknown.obj().at("title") == wrong.obj().at("title"));
        CHECK(unknown.obj().at("errors") == wrong.obj().at("errors"));
        CHECK(anonymous
                  .post("/api/v1/auth/login",
                        json::object{{"username", "admin"}, {"password", admin_password}})
                  .status == 200);
    }
    SECTION("after five wrong passwords even the right one is refused with 429") {
        LiveServer server;
        Api anonymous(server);
        for (int i = 0; i < 5; ++i) {
            INFO("attempt " << i + 1);
            auto r = anonymous.post(
                "/api/v1/auth/login",
                json::object{{"username", "admin"}, {"password", "wrong-" + std::to_string(i)}});
            CHECK(r.status == 401);
        }
        auto sixth =
            anonymous.post("/api/v1/auth/login",
                           json::object{{"username", "admin"}, {"password", admin_password}});
        INFO(sixth.text);
        CHECK(sixth.status == 429);
        CHECK(sixth.raw.header("Content-Type").value_or("") == "application/problem+json");
        CHECK(!sixth.obj().contains("token"));
    }
}
