// The walk of the refusals added with run sheets, pins, absences, trips/close,
// positions, calibration, phones, search, settings and the HTTP layer: each in both
// languages, with its code and each field error's, and nothing written by any of them.
// A day plan's reasons and a stored unserved reason come with their codes too.

#include <memory>
#include <set>
#include <vector>

#include "messages_check.h"
#include "sse_client.h"

using namespace lifeline::test;
using namespace lifeline::test::messages;

namespace {

const std::string v1 = "/api/v1";

std::string str_id(std::int64_t id) {
    return std::to_string(id);
}

// An open trip of driver 1 in the sedan this morning.
std::int64_t open_trip(SeededFleet& f) {
    auto open = f.driver1.post(v1 + "/trips",
                               json::object{{"vehicle_id", f.sedan_id},
                                            {"started_at", today_in_shanghai() + "T07:00:00+08:00"},
                                            {"odometer_start", 1000.0}});
    INFO(open.text);
    REQUIRE(open.status == 201);
    return open.id();
}

json::object position(double lat, const std::string& at) {
    return json::object{{"lat", lat}, {"lon", 126.55}, {"at", at}};
}

// A raw request on a fresh connection, and its answer.
HttpResult raw(const LiveServer& server, const std::string& bytes) {
    HttpClient c("127.0.0.1", server.port());
    c.connect();
    REQUIRE(c.send_raw(bytes));
    return c.read_response();
}

// A raw answer read as problem+json in `language`: its code, its words in that language.
json::object raw_problem(const HttpResult& r, int status, const std::string& code,
                         const char* language) {
    INFO(r.body);
    REQUIRE(r.status == status);
    CHECK(r.header("Content-Type") == "application/problem+json");
    CHECK(r.header("Content-Language") == language);
    json::object o = json::parse(r.body).as_object();
    CHECK(str(o.at("code")) == code);
    CHECK(lifeline::find_message(code) != nullptr);
    codes_seen().insert(code);
    const bool en = std::string(language) == "en";
    en ? check_english(str(o.at("detail"))) : check_chinese(str(o.at("detail")));
    for (const auto& e : o.at("errors").as_array()) {
        CHECK(lifeline::find_message(str(e.at("code"))) != nullptr);
        codes_seen().insert(str(e.at("code")));
        en ? check_english(str(e.at("message"))) : check_chinese(str(e.at("message")));
    }
    return o;
}

}  // namespace

TEST_CASE("run sheet, pin, absence and plan refusals read in both languages", "[api][messages]") {
    SeededFleet f;
    const std::string day = shanghai_date(1);

    // Run sheets: every malformed parameter at once (400), a route of another day (422).
    auto sheets = both(f.dispatcher, 400, "request.invalid_fields", [&] {
        return f.dispatcher.get(v1 + "/days/2026-02-30/runsheets?format=pdf&lang=fr&route_id=x");
    });
    CHECK(code_of(sheets, "date") == "field.not_date");
    CHECK(code_of(sheets, "format") == "runsheets.format");
    CHECK(code_of(sheets, "lang") == "print.lang");
    CHECK(code_of(sheets, "route_id") == "runsheets.route_id");
    f.put_on_route(f.sedan_id, f.walker_id, day);
    auto routes = f.dispatcher.get(v1 + "/days/" + day + "/routes");
    REQUIRE(routes.status == 200);
    const auto route = routes.body.at("routes").as_array().at(0).at("id").as_int64();
    auto other_day = both(f.dispatcher, 422, "runsheets.no_route", [&] {
        return f.dispatcher.get(v1 + "/days/" + shanghai_date(2) +
                                "/runsheets?route_id=" + str_id(route));
    });
    CHECK(other_day.obj().at("params").at("route").as_int64() == route);
    CHECK(code_of(other_day, "route_id") == "runsheets.route_not_on_day");

    // Unpinning a request that is not pinned.
    const auto home =
        require_created(
            f.dispatcher.post(
                v1 + "/requests",
                json::object{
                    {"patient_id", f.walker_id},
                    {"direction", "other"},
                    {"dropoff", {{"lat", 43.95}, {"lon", 126.45}, {"address", "北华大学附属医院"}}},
                    {"arrive_by", day + "T11:00:00+08:00"}}))
            .id();
    both(f.dispatcher, 409, "request.not_pinned",
         [&] { return f.dispatcher.post(v1 + "/requests/" + str_id(home) + "/unpin", {}); });
    CHECK(f.dispatcher.get(v1 + "/requests/" + str_id(home)).obj().at("pinned") == false);

    // An absence that does not exist, edited or removed.
    const std::string absences = v1 + "/drivers/" + str_id(f.driver_id1) + "/absences/";
    auto missing = both(f.dispatcher, 404, "absence.not_found", [&] {
        return f.dispatcher.patch(absences + "987", json::object{{"to", day}});
    });
    CHECK(missing.obj().at("params").at("id").as_int64() == 987);
    both(f.dispatcher, 404, "absence.not_found",
         [&] { return f.dispatcher.send("DELETE", absences + "987", ""); });

    // A driver's absence over a planned stop: the request's reason comes with its code.
    auto added = f.dispatcher.post(v1 + "/drivers/" + str_id(f.driver_id1) + "/absences",
                                   json::object{{"from", day}, {"to", day}});
    INFO(added.text);
    REQUIRE(added.status == 201);
    const auto& off = added.obj().at("unassigned").as_array();
    REQUIRE_FALSE(off.empty());
    CHECK(off[0].at("reason_code") == "unserved.driver_absent_day");
    CHECK(off[0].at("reason_params").at("date") == day.c_str());
    const auto taken_off = off[0].at("request_id").as_int64();
    auto stored = f.dispatcher.get(v1 + "/requests/" + str_id(taken_off)).obj();
    CHECK(stored.at("unserved_code") == "unserved.driver_absent_day");
    CHECK(stored.at("unserved_params").at("date") == day.c_str());
}

TEST_CASE("a day plan's reasons carry catalogued codes", "[api][messages]") {
    SeededFleet f;
    const std::string today = shanghai_date(0);  // now: 10:00
    auto soon = require_created(f.dispatcher.post(
        v1 + "/requests", json::object{{"patient_id", f.walker_id},
                                       {"direction", "to_center"},
                                       {"arrive_by", today + "T10:40:00+08:00"}}));
    auto plan = f.dispatcher.post(v1 + "/days/" + today + "/plan", json::object{});
    INFO(plan.text);
    REQUIRE(plan.status == 200);
    bool found = false;
    for (const auto& u : plan.obj().at("unassigned").as_array()) {
        const std::string code = str(u.at("reason_code"));
        INFO(code);
        CHECK(lifeline::find_message(code) != nullptr);
        if (u.at("request_id").as_int64() != soon.id())
            continue;
        found = true;
        CHECK(code == "unserved.too_soon");
        CHECK(u.at("reason_params").at("lead").as_int64() == 30);
        CHECK(u.at("reason_params").at("time") == "10:30");
    }
    CHECK(found);
}

TEST_CASE("trip close, position and calibration refusals read in both languages",
          "[api][messages]") {
    SeededFleet f;
    const auto trip = open_trip(f);
    const std::string path = v1 + "/trips/" + str_id(trip);
    const std::string morning = today_in_shanghai();

    // Closing: a driver may not; every missing field at once (400); a blank reason; an
    // unknown trip.
    const json::object whole{{"ended_at", morning + "T09:00:00+08:00"},
                             {"odometer_end", 1030.0},
                             {"reason", "the phone died; readings from the paper log"}};
    both(f.driver1, 403, "auth.dispatcher_only",
         [&] { return f.driver1.post(path + "/close", whole); });
    auto empty = both(f.dispatcher, 400, "trip.close_needs",
                      [&] { return f.dispatcher.post(path + "/close", json::object{}); });
    CHECK(empty.obj().at("errors").as_array().size() == 3);
    json::object blank = whole;
    blank["reason"] = "   ";
    auto blank_reason = both(f.dispatcher, 400, "trip.close_needs",
                             [&] { return f.dispatcher.post(path + "/close", blank); });
    CHECK(code_of(blank_reason, "reason") == "trip.close_reason");
    both(f.dispatcher, 404, "trip.not_found",
         [&] { return f.dispatcher.post(v1 + "/trips/987654/close", whole); });
    CHECK(f.dispatcher.get(path).obj().at("status") == "open");

    // Positions: a batch with bad values (422), too large a batch, the wrong sender.
    auto bad = both(f.driver1, 422, "position.batch_refused", [&] {
        json::array batch{position(95, morning + "T07:10:00+08:00"),
                          position(43.8, morning + "T23:00:00+08:00"),
                          position(43.8, morning + "T06:00:00+08:00")};
        batch.push_back(json::object{{"lat", 43.8},
                                     {"lon", 126.55},
                                     {"at", morning + "T07:20:00+08:00"},
                                     {"accuracy_m", -1.0}});
        return f.driver1.post(path + "/positions", json::object{{"positions", batch}});
    });
    CHECK(code_of(bad, "positions[0].lat") == "field.latitude");
    CHECK(code_of(bad, "positions[1].at") == "position.in_future");
    CHECK(code_of(bad, "positions[2].at") == "time.before_trip_start");
    CHECK(code_of(bad, "positions[3].accuracy_m") == "position.accuracy");
    auto none = both(f.driver1, 422, "position.batch_refused", [&] {
        return f.driver1.post(path + "/positions", json::object{{"positions", json::array{}}});
    });
    CHECK(code_of(none, "positions") == "position.empty");
    json::array many;
    for (int i = 0; i < 501; ++i)
        many.push_back(position(43.8, morning + "T07:10:00+08:00"));
    auto large = both(f.driver1, 422, "position.batch_too_large", [&] {
        return f.driver1.post(path + "/positions", json::object{{"positions", many}});
    });
    CHECK(code_of(large, "positions") == "position.too_many");
    CHECK(first_error(large).at("params").at("max").as_int64() == 500);
    both(f.dispatcher, 403, "position.driver_only", [&] {
        return f.dispatcher.post(
            path + "/positions",
            json::object{{"positions", json::array{position(43.8, morning + "T07:10:00+08:00")}}});
    });
    both(f.driver2, 404, "trip.not_found", [&] { return f.driver2.get(path + "/positions"); });
    both(f.driver1, 403, "position.dispatchers_only",
         [&] { return f.driver1.get(v1 + "/vehicles/positions/latest"); });
    CHECK(f.dispatcher.get(path + "/positions").body.at("items").as_array().empty());

    // Calibration: drivers may not; with no finished trip there is nothing to learn from.
    both(f.driver1, 403, "calibration.dispatcher_only",
         [&] { return f.driver1.get(v1 + "/calibration"); });
    auto nothing = both(f.dispatcher, 422, "calibration.no_data", [&] {
        return f.dispatcher.post(v1 + "/calibration/apply", json::object{});
    });
    CHECK(code_of(nothing, "trips") == "calibration.no_trips");

    // Odometer checks are read only by dispatchers (trip lists with anomalies).
    both(f.driver1, 400, "request.invalid_fields",
         [&] { return f.driver1.get(v1 + "/trips?date=today&status=closed"); });
    auto list = f.driver1.get(v1 + "/trips?date=today&status=closed");
    CHECK(code_of(list, "date") == "field.not_date");
    CHECK(code_of(list, "status") == "trip.status_filter");
}

TEST_CASE("phone, import, search and settings refusals read in both languages", "[api][messages]") {
    SeededFleet f;
    const auto patients_before = f.dispatcher.get(v1 + "/patients?limit=500").text;

    // A phone that cannot be dialled is 422, naming the country it was read in.
    const json::object patient{{"name", "王秀兰"},
                               {"phone", "12"},
                               {"lat", 43.84},
                               {"lon", 126.55},
                               {"address", "船营区"}};
    auto phone = both(f.dispatcher, 422, "phone.not_dialable_detail",
                      [&] { return f.dispatcher.post(v1 + "/patients", patient); });
    CHECK(code_of(phone, "phone") == "phone.not_dialable");
    CHECK(first_error(phone).at("params").at("region") == "CN");
    CHECK(f.dispatcher.get(v1 + "/patients?limit=500").text == patients_before);

    // An import whose row breaks a rule in the database names its line.
    auto import = both(f.dispatcher, 409, "import.row_refused", [&] {
        return f.dispatcher.send("POST", v1 + "/import/vehicles",
                                 "plate,seats\nJL-100,4\njl-100,4\n",
                                 {{"Content-Type", "text/csv; charset=utf-8"}});
    });
    CHECK(import.obj().at("params").at("line").as_int64() == 3);
    CHECK(f.dispatcher.get(v1 + "/vehicles?q=JL-100").obj().at("items").as_array().empty());

    // Search: its parameters, and a driver searching anything but patients.
    auto search = both(f.dispatcher, 400, "request.invalid_fields",
                       [&] { return f.dispatcher.get(v1 + "/search?kind=car&limit=lots"); });
    CHECK(code_of(search, "kind") == "search.kind");
    CHECK(code_of(search, "limit") == "field.int_between");
    auto no_q = both(f.dispatcher, 400, "request.invalid_fields",
                     [&] { return f.dispatcher.get(v1 + "/search?kind=patient&limit=500"); });
    CHECK(code_of(no_q, "q") == "search.q_required");
    CHECK(code_of(no_q, "limit") == "field.out_of_range");
    both(f.driver1, 403, "search.driver_patients_only",
         [&] { return f.driver1.get(v1 + "/search?kind=driver&q=wang"); });

    // Settings and the account's own language.
    const auto settings_before = f.admin.get(v1 + "/settings").text;
    auto settings = both(f.admin, 400, "request.invalid_fields", [&] {
        return f.admin.put(v1 + "/settings",
                           json::object{{"phone_region", "cn"},
                                        {"matcher", {{"objective", "fast"}, {"speed_kmh", 0}}}});
    });
    CHECK(code_of(settings, "phone_region") == "settings.phone_region");
    CHECK(code_of(settings, "matcher.objective") == "settings.objective");
    CHECK(code_of(settings, "matcher.speed_kmh") == "field.out_of_range");
    CHECK(f.admin.get(v1 + "/settings").text == settings_before);
    both(f.driver1, 400, "account.language", [&] {
        return f.driver1.patch(v1 + "/auth/me", json::object{{"language", "fr"}});
    });
}

TEST_CASE("the HTTP layer's own refusals read in the request's language", "[api][messages]") {
    SeededFleet f;
    const std::string target = v1 + "/patients";
    for (const char* language : {"en", "zh-CN"}) {
        INFO(language);
        const std::string accept = std::string("Accept-Language: ") + language + "\r\n";
        // A head without Host, two Authorization headers, a coding we do not speak.
        raw_problem(raw(f.server, "GET /healthz HTTP/1.1\r\n" + accept + "\r\n"), 400,
                    "http.bad_header", language);
        raw_problem(raw(f.server, "GET /api/v1/trips HTTP/1.1\r\nHost: x\r\n" + accept +
                                      "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n"),
                    400, "http.bad_header", language);
        raw_problem(raw(f.server, "POST " + target + " HTTP/1.1\r\nHost: x\r\n" + accept +
                                      "Transfer-Encoding: gzip\r\n\r\n"),
                    501, "http.bad_header", language);
        // A target that is no path.
        raw_problem(raw(f.server, "GET /a%zz HTTP/1.1\r\nHost: x\r\n" + accept + "\r\n"), 400,
                    "http.bad_target", language);
    }
    // Before a head is read whole there is no Accept-Language: Chinese, the default.
    raw_problem(raw(f.server, "NOT HTTP AT ALL\r\n\r\n"), 400, "http.malformed", "zh-CN");
    raw_problem(raw(f.server, "POST " + target +
                                  " HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\n"
                                  "Content-Length: 1x\r\n\r\n"),
                400, "http.bad_header", "zh-CN");
    // A head or body larger than the server reads is refused while the head is read.
    raw_problem(raw(f.server, "POST " + target +
                                  " HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\n"
                                  "Content-Length: 2000000\r\n\r\n"),
                413, "http.body_too_large", "zh-CN");
    raw_problem(raw(f.server,
                    "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(20000, 'a') + "\r\n\r\n"),
                431, "http.head_too_large", "zh-CN");

    // The router's and the JSON reader's refusals, in both languages.
    both(f.dispatcher, 404, "problem.unknown_resource",
         [&] { return f.dispatcher.get(v1 + "/nowhere"); });
    both(f.dispatcher, 405, "problem.method_not_allowed",
         [&] { return f.dispatcher.send("DELETE", target, ""); });
    both(f.dispatcher, 400, "body.not_json",
         [&] { return f.dispatcher.send("POST", target, "{\"name\": "); });
    Api anonymous(f.server);
    both(anonymous, 401, "auth.sign_in_first", [&] { return anonymous.get(target); });
}

TEST_CASE("a sweep of the routes' common refusals reads in both languages", "[api][messages]") {
    SeededFleet f;
    const auto walker = str_id(f.walker_id);
    // Unknown ids: each record's own not_found code with the id.
    const std::vector<std::pair<std::string, std::string>> unknown{
        {"/users/987654", "user.not_found"},       {"/requests/987654", "request.not_found"},
        {"/patients/987654", "patient.not_found"}, {"/drivers/987654", "driver.not_found"},
        {"/vehicles/987654", "vehicle.not_found"}, {"/places/987654", "place.not_found"},
        {"/trips/987654", "trip.not_found"}};
    for (const auto& record : unknown) {
        const std::string& target = record.first;
        INFO(target);
        auto r = both(f.admin, 404, record.second, [&] { return f.admin.get(v1 + target); });
        CHECK(r.obj().at("params").at("id").as_int64() == 987654);
    }

    // Bodies of the wrong shape: every bad field named, each with its code.
    const std::vector<std::tuple<std::string, std::string, json::object>> bodies{
        {"POST", "/places", {{"name", 5}, {"lat", "north"}, {"nickname", 1}}},
        {"POST", "/drivers", {{"name", json::array{}}, {"wheelchair_trained", "yes"}, {"x", 1}}},
        {"POST", "/vehicles", {{"plate", 5}, {"seats", "four"}, {"x", 1}}},
        {"POST", "/patients", {{"name", ""}, {"mobility", "flying"}, {"x", 1}}},
        {"POST", "/requests", {{"patient_id", "x"}, {"direction", "up"}, {"x", 1}}},
        {"POST", "/trips", {{"vehicle_id", "x"}, {"odometer_start", "lots"}, {"x", 1}}},
        {"POST", "/users", {{"username", 5}, {"role", "captain"}, {"x", 1}}},
        {"PATCH", "/patients/" + walker, {{"lat", 95.0}, {"escort", "maybe"}}},
        {"PUT", "/settings", {{"time_zone", 5}, {"currency", 1}}},
        {"POST", "/schedule/generate", {{"from", "soon"}, {"to", 5}}},
        {"POST", "/days/" + shanghai_date(1) + "/plan", {{"time_limit_ms", -1}, {"x", 1}}}};
    for (const auto& sent : bodies) {
        // Named, not bound: a lambda may capture these (structured bindings it may not).
        const std::string& method = std::get<0>(sent);
        const std::string& target = std::get<1>(sent);
        const json::object& body = std::get<2>(sent);
        INFO(method << " " << target);
        both(f.admin, 400, "request.invalid_fields", [&] {
            return f.admin.send(method, v1 + target, json::serialize(body),
                                {{"Content-Type", "application/json"}});
        });
    }

    // A driver on the dispatchers' routes: each refusal its own catalogued code.
    for (const char* target :
         {"/patients", "/drivers", "/vehicles", "/places", "/requests", "/users", "/audit",
          "/reports/monthly?month=2026-11", "/vehicles/positions/latest", "/cancel-batches"}) {
        INFO(target);
        both(f.driver1, 403, "", [&] { return f.driver1.get(v1 + target); });
    }
}

TEST_CASE("a fifth live stream of an account is refused in both languages", "[api][messages]") {
    SeededFleet f;
    const std::vector<std::pair<std::string, std::string>> token{
        {"Authorization", "Bearer " + f.dispatcher.token()}};
    std::vector<std::unique_ptr<SseClient>> tabs;
    for (int i = 0; i < 4; ++i) {
        tabs.push_back(std::make_unique<SseClient>(f.server.port(), v1 + "/events", token));
        REQUIRE(tabs.back()->status() == 200);
    }
    auto fifth = both(f.dispatcher, 429, "events.too_many_streams",
                      [&] { return f.dispatcher.get(v1 + "/events"); });
    CHECK(fifth.obj().at("params").at("max").as_int64() == 4);
    CHECK(fifth.raw.header("Retry-After"));
}

TEST_CASE("a ride that fits nowhere says why by code", "[api][messages]") {
    SeededFleet f;
    // A wheelchair user's will-call return today, ready now: no driver on shift is
    // wheelchair-trained, so it stays unserved, and the answer says why by code.
    auto home =
        f.dispatcher.post(v1 + "/requests", json::object{{"patient_id", f.wheelchair_id},
                                                         {"direction", "home"},
                                                         {"service_date", shanghai_date(0)}});
    INFO(home.text);
    REQUIRE(home.status == 201);
    auto ready =
        f.dispatcher.post(v1 + "/requests/" + str_id(home.id()) + "/ready", json::object{});
    INFO(ready.text);
    REQUIRE(ready.status == 200);
    CHECK(ready.obj().at("assigned") == false);
    const std::string code = str(ready.obj().at("reason_code"));
    CHECK(code.rfind("unserved.", 0) == 0);
    CHECK(lifeline::find_message(code) != nullptr);
    CHECK(ready.obj().at("reason_params").is_object());
    CHECK(ready.obj().at("request").at("unserved_code") == code.c_str());
}

TEST_CASE("refusals of the ledger, accounts, dispatch and reports read in both languages",
          "[api][messages]") {
    SeededFleet f;
    const std::string morning = today_in_shanghai();
    const std::string tomorrow = shanghai_date(1);
    struct Step {
        Api* api;
        std::string method, target, body;
        int status;
        std::string code;  // empty: any catalogued code
        std::vector<std::pair<std::string, std::string>> headers = {};
    };
    const std::string sedan = str_id(f.sedan_id);
    const std::vector<Step> steps{
        // The ledger: a trip's shape, and a correction without a reason.
        {&f.driver1, "POST", "/trips",
         json::serialize(json::object{{"vehicle_id", f.sedan_id},
                                      {"started_at", morning + "T08:00:00+08:00"},
                                      {"ended_at", morning + "T07:00:00+08:00"},
                                      {"odometer_start", 100.0},
                                      {"odometer_end", 50.0}}),
         400, "request.invalid_fields"},
        {&f.driver1, "POST", "/trips",
         json::serialize(json::object{{"vehicle_id", f.sedan_id},
                                      {"started_at", morning + "T08:00:00"},
                                      {"odometer_start", 100.0}}),
         400, ""},
        // Accounts: a short name and password; a wrong password; a bad token.
        {&f.admin, "POST", "/users",
         json::serialize(
             json::object{{"username", "a"}, {"password", "short"}, {"role", "dispatcher"}}),
         400, ""},
        {&f.admin, "POST", "/users",
         json::serialize(json::object{{"username", "DISPATCHER"},
                                      {"password", "long-enough-pass-1"},
                                      {"role", "dispatcher"}}),
         409, ""},
        {&f.admin, "POST", "/auth/login",
         json::serialize(json::object{{"username", "driver1"}, {"password", "not-the-password"}}),
         401, "auth.wrong_password"},
        // Dispatch: a request's passengers, a holiday with neither choice, a period to cancel.
        {&f.dispatcher, "POST", "/requests",
         json::serialize(json::object{{"patient_id", f.walker_id},
                                      {"direction", "to_center"},
                                      {"passengers", 0},
                                      {"arrive_by", tomorrow + "T08:00:00+08:00"}}),
         400, ""},
        {&f.dispatcher, "PUT", "/holidays/" + tomorrow, "{}", 400, ""},
        {&f.dispatcher, "POST", "/cancel-batches",
         json::serialize(json::object{
             {"date", tomorrow}, {"from", "18:00"}, {"to", "13:00"}, {"reason", "weather"}}),
         422, "cancel.period_invalid"},
        {&f.dispatcher, "GET", "/requests?limit=0&cursor=zz", "", 400, ""},
        {&f.dispatcher, "GET", "/requests?date=" + tomorrow + "&status=flying", "", 400, ""},
        // Reports: a month that is none, a format we do not write.
        {&f.dispatcher, "GET", "/reports/monthly?month=2026-13", "", 400, ""},
        {&f.dispatcher, "GET", "/reports/monthly?month=2026-11&format=pdf", "", 400, ""},
        // Settings: a zone that does not exist, a currency and a datum we do not know.
        {&f.admin, "PUT", "/settings",
         json::serialize(json::object{
             {"time_zone", "Mars/Olympus"}, {"currency", "dollars"}, {"map_datum", "osgb"}}),
         400, "request.invalid_fields"},
        // A driver reading another driver's manifest.
        {&f.driver1, "GET", "/drivers/" + str_id(f.driver_id2) + "/manifest?date=" + tomorrow, "",
         403, ""},
        // An import whose header names no column we know.
        {&f.dispatcher,
         "POST",
         "/import/places",
         "colour,taste\nred,sweet\n",
         400,
         "",
         {{"Content-Type", "text/csv; charset=utf-8"}}},
        // An Idempotency-Key too long.
        {&f.dispatcher,
         "POST",
         "/places",
         json::serialize(
             json::object{{"name", "x"}, {"lat", 43.8}, {"lon", 126.5}, {"kind", "other"}}),
         400,
         "",
         {{"Idempotency-Key", std::string(300, 'k')}}},
    };
    for (const Step& s : steps) {
        INFO(s.method << " " << s.target);
        auto headers = s.headers;
        if (!s.body.empty() && headers.empty())
            headers.emplace_back("Content-Type", "application/json");
        both(*s.api, s.status, s.code,
             [&] { return s.api->send(s.method, v1 + s.target, s.body, headers); });
    }
}

TEST_CASE("refusals of a trip's events and a request's state read in both languages",
          "[api][messages]") {
    SeededFleet f;
    const auto trip = open_trip(f);
    const std::string events = v1 + "/trips/" + str_id(trip) + "/events";
    const std::string at = today_in_shanghai() + "T07:10:00+08:00";
    const auto walker = f.walker_id;
    auto event = [&](const char* type, std::int64_t patient) {
        return json::serialize(json::object{{"type", type}, {"patient_id", patient}, {"at", at}});
    };
    // A request to cancel, then to refuse changing.
    const auto request = require_created(f.dispatcher.post(
        v1 + "/requests",
        json::object{
            {"patient_id", walker},
            {"direction", "other"},
            {"dropoff", {{"lat", 43.95}, {"lon", 126.45}, {"address", "北华大学附属医院"}}},
            {"arrive_by", shanghai_date(2) + "T11:00:00+08:00"}}));
    const std::string req = v1 + "/requests/" + str_id(request.id());
    REQUIRE(f.dispatcher.post(req + "/cancel", json::object{{"reason", "patient"}}).status == 200);

    struct Step {
        Api* api;
        std::string method, target, body;
        int status;
        std::string code;  // empty: any catalogued code
    };
    const std::vector<Step> steps{
        {&f.driver1, "POST", events, R"({"type":"pickup","at":")" + at + "\"}", 400, ""},
        {&f.driver1, "POST", events, event("teleport", walker), 400, ""},
        {&f.driver1, "POST", events, event("dropoff", walker), 422, "privacy.not_on_routes"},
        {&f.dispatcher, "POST", events, event("pickup", walker), 403, ""},
        {&f.driver2, "POST", events, event("pickup", walker), 404, "trip.not_found"},
        {&f.dispatcher, "PATCH", v1 + "/trips/" + str_id(trip),
         json::serialize(json::object{{"odometer_start", 990.0}}), 400, ""},
        {&f.dispatcher, "POST", req + "/cancel", R"({"reason":"boredom"})", 400, ""},
        {&f.dispatcher, "POST", req + "/cancel", R"({"reason":"patient"})", 409, ""},
        {&f.dispatcher, "PATCH", req, json::serialize(json::object{{"passengers", 2}}), 409, ""},
        {&f.dispatcher, "GET", v1 + "/holidays/" + shanghai_date(3), "", 404, ""},
        {&f.dispatcher, "POST", v1 + "/patients/" + str_id(walker) + "/suspensions", "{}", 400, ""},
        {&f.dispatcher, "DELETE", v1 + "/patients/" + str_id(walker) + "/suspensions/987", "", 404,
         ""},
        {&f.dispatcher, "POST", v1 + "/cancel-batches/987/restore", "{}", 404, ""},
        {&f.admin, "PATCH", v1 + "/users/1", json::serialize(json::object{{"active", false}}), 409,
         ""},
    };
    for (const Step& s : steps) {
        INFO(s.method << " " << s.target);
        std::vector<std::pair<std::string, std::string>> headers;
        if (!s.body.empty())
            headers.emplace_back("Content-Type", "application/json");
        both(*s.api, s.status, s.code,
             [&] { return s.api->send(s.method, s.target, s.body, headers); });
    }
}
