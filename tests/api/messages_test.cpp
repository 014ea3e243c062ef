// Messages by code over HTTP: every documented refusal carries a code (and each field
// error its own) with parameters, and its words follow Accept-Language, else the
// organisation's language setting. No Chinese answer carries an English sentence, no
// English answer Chinese.

#include <set>

#include "messages_check.h"

using namespace lifeline::test;
using namespace lifeline::test::messages;

TEST_CASE("documented refusals carry codes and read in Chinese or English", "[api][messages]") {
    SeededFleet f;
    const std::string day = today_in_shanghai();  // trips this morning, before 10:00
    const std::string tomorrow = shanghai_date(1);

    // 400: every bad field of a request, each with its code.
    auto bad = both(f.dispatcher, 400, "request.invalid_fields", [&] {
        return f.dispatcher.post("/api/v1/patients",
                                 json::object{{"lat", 95.0}, {"lon", "east"}, {"nickname", 1}});
    });
    std::set<std::string> codes;
    for (const auto& e : bad.obj().at("errors").as_array())
        codes.insert(str(e.at("code")));
    CHECK(codes.count("field.required") == 1);  // name
    CHECK(codes.count("field.not_number") == 1);
    CHECK(codes.count("field.unknown") == 1);

    // 401 and 403.
    Api anonymous(f.server);
    both(anonymous, 401, "auth.sign_in_first", [&] { return anonymous.get("/api/v1/trips"); });
    both(f.driver1, 403, "auth.admin_settings", [&] {
        return f.driver1.put("/api/v1/settings", json::object{{"currency", "USD"}});
    });

    // 404: an unknown id names it; an unknown path says so.
    auto missing = both(f.dispatcher, 404, "trip.not_found",
                        [&] { return f.dispatcher.get("/api/v1/trips/987654"); });
    CHECK(missing.obj().at("params").at("id").as_int64() == 987654);
    CHECK(str(missing.obj().at("detail")).find("987654") != std::string::npos);
    both(f.dispatcher, 404, "problem.unknown_resource",
         [&] { return f.dispatcher.get("/api/v1/nowhere"); });

    // 422: the odometer below the vehicle's last reading, with that reading.
    REQUIRE(f.driver1.post("/api/v1/trips", f.trip(f.sedan_id, 10000, 10052, f.walker_id)).status ==
            201);
    auto below = both(f.driver1, 422, "odometer.below_last_detail", [&] {
        return f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                            {"started_at", day + "T06:30:00+08:00"},
                                                            {"odometer_start", 9000.0}});
    });
    CHECK(first_error(below).at("code") == "odometer.below_last");
    CHECK(first_error(below).at("params").at("last").as_int64() == 10052);
    CHECK(str(first_error(below).at("message")).find("10052 km") != std::string::npos);

    // 409: a second open trip of the vehicle; an event on a finished trip.
    auto open =
        f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                     {"started_at", day + "T06:30:00+08:00"},
                                                     {"odometer_start", 10052.0}});
    REQUIRE(open.status == 201);
    both(f.driver1, 409, "trip.open_exists", [&] {
        return f.driver1.post("/api/v1/trips", json::object{{"vehicle_id", f.sedan_id},
                                                            {"started_at", day + "T06:40:00+08:00"},
                                                            {"odometer_start", 10052.0}});
    });
    const std::string trip = "/api/v1/trips/" + std::to_string(open.id());
    REQUIRE(f.driver1
                .post(trip + "/finish", json::object{{"ended_at", day + "T07:00:00+08:00"},
                                                     {"odometer_end", 10060.0}})
                .status == 200);
    both(f.driver1, 409, "trip.finished", [&] {
        return f.driver1.post(trip + "/events", json::object{{"type", "pickup"},
                                                             {"patient_id", f.walker_id},
                                                             {"at", day + "T07:30:00+08:00"}});
    });

    // 409: an assignment the vehicle cannot take, with the reason as its own code.
    auto early = f.dispatcher.post(
        "/api/v1/requests",
        json::object{
            {"patient_id", f.walker_id},
            {"direction", "other"},
            {"dropoff", {{"lat", 43.95}, {"lon", 126.45}, {"address", "北华大学附属医院"}}},
            {"arrive_by", tomorrow + "T06:10:00+08:00"}});
    REQUIRE(early.status == 201);
    auto refused = both(f.dispatcher, 409, "dispatch.vehicle_refused", [&] {
        return f.dispatcher.post("/api/v1/requests/" + std::to_string(early.id()) + "/assign",
                                 json::object{{"vehicle_id", f.sedan_id}});
    });
    CHECK(refused.obj().at("params").at("why") == "assign.arrives_late");
    CHECK(refused.obj().at("params").at("minutes").as_int64() > 0);
    CHECK(first_error(refused).at("code") == "assign.arrives_late");
    CHECK(f.dispatcher.get("/api/v1/requests/" + std::to_string(early.id())).obj().at("status") ==
          "pending");

    // 429 with Retry-After: sign-ins slowed after five wrong passwords.
    Api guest(f.server);
    for (int i = 0; i < 5; ++i)
        guest.post("/api/v1/auth/login",
                   json::object{{"username", "admin"}, {"password", "wrong-" + std::to_string(i)}});
    auto slowed = both(guest, 429, "auth.slowed_pair", [&] {
        return guest.post("/api/v1/auth/login",
                          json::object{{"username", "admin"}, {"password", "wrong-again"}});
    });
    CHECK(slowed.raw.header("Retry-After"));
}

TEST_CASE("without Accept-Language a problem reads in the organisation's language",
          "[api][messages]") {
    SeededFleet f;
    Api& admin = f.admin;
    admin.set_language("");  // no Accept-Language
    auto zh = admin.get("/api/v1/trips/987654");
    REQUIRE(zh.status == 404);
    CHECK(has_cjk(str(zh.obj().at("detail"))));
    CHECK(admin.get("/api/v1/settings").obj().at("language") == "zh-CN");

    // An unknown language is refused by name and nothing changes.
    auto wrong = admin.put("/api/v1/settings", json::object{{"language", "fr"}});
    INFO(wrong.text);
    REQUIRE(wrong.status == 400);
    CHECK(first_error(wrong).at("field") == "language");
    CHECK(first_error(wrong).at("code") == "settings.language");
    CHECK(admin.get("/api/v1/settings").obj().at("language") == "zh-CN");

    REQUIRE(admin.put("/api/v1/settings", json::object{{"language", "en"}}).status == 200);
    auto en = admin.get("/api/v1/trips/987654");
    CHECK(str(en.obj().at("detail")) == "no trip with id 987654");
    // A client that asks still gets its language; one asking for none we speak gets the
    // organisation's.
    admin.set_language("zh-CN,zh;q=0.9");
    CHECK(has_cjk(str(admin.get("/api/v1/trips/987654").obj().at("detail"))));
    admin.set_language("fr");
    CHECK(str(admin.get("/api/v1/trips/987654").obj().at("detail")) == "no trip with id 987654");
}
