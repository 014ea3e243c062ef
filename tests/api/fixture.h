#pragma once
// A small fleet created over the API by the admin: a dispatcher, a dialysis center,
// two drivers with accounts (working 06:00-14:00 every day), a sedan and a wheelchair
// van, an ambulatory and a wheelchair patient. Every API test starts from it on a fresh
// server.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <string>
#include <tuple>

#include "live_server.h"

namespace lifeline::test {

inline constexpr const char* user_password = "password-123";

struct SeededFleet {
    LiveServer server;
    Api admin;
    Api dispatcher;
    Api driver1;  // drives driver_id1; sedan_id is theirs by default
    Api driver2;
    std::int64_t center_id = 0;
    std::int64_t driver_id1 = 0, driver_id2 = 0;
    std::int64_t sedan_id = 0, van_id = 0;  // the van has a wheelchair space
    std::int64_t walker_id = 0, wheelchair_id = 0;

    // `server_args`: extra options of `lifeline serve`.
    explicit SeededFleet(std::vector<std::string> server_args = {});

    // A finished trip body for `driver`'s own use (driver_id is added for dispatchers).
    static json::object whole_trip(std::int64_t vehicle, double odo_start, double odo_end,
                                   std::int64_t patient, const std::string& day = "2022-03-14");

    // Puts `patient` on the route of `vehicle` (and so of its driver) on `day`, as the
    // dispatcher does: a ride to the center at 07:30 local, assigned to the vehicle (the
    // van's driver is trained first for a wheelchair user). A driver logs rides only for
    // patients dispatch has on their routes. Once per vehicle, patient and day.
    void put_on_route(std::int64_t vehicle, std::int64_t patient, const std::string& day);
    // whole_trip for a ride dispatch gave the vehicle's driver (put_on_route first).
    json::object trip(std::int64_t vehicle, double odo_start, double odo_end, std::int64_t patient,
                      const std::string& day = "2022-03-14");

  private:
    std::set<std::tuple<std::int64_t, std::int64_t, std::string>> routed_;
};

inline ApiResult require_created(ApiResult r) {
    INFO(r.text);
    REQUIRE(r.status == 201);
    return r;
}

// Whether a problem names `field` among its field errors.
inline bool names(const ApiResult& r, const std::string& field) {
    const auto fields = r.error_fields();
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

// A problem+json answer of `status` that names `field`.
inline void require_problem(const ApiResult& r, int status, const std::string& field) {
    INFO(r.text);
    REQUIRE(r.status == status);
    CHECK(r.raw.header("Content-Type").value_or("") == "application/problem+json");
    CHECK(r.obj().at("status").as_int64() == status);
    CHECK(names(r, field));
}

// Every SeededFleet server plays the same morning, whatever the hour the tests run: its
// clock starts at this instant (`serve --clock-start`), a Monday at 10:00 in Jilin, and
// runs at the wall clock's pace. The dates and times the tests send count from it.
inline constexpr const char* rehearsal = "2026-11-30T10:00:00+08:00";

// The sanitizer build (tools/test's second stage) runs the same tests several times
// slower, and its allocator keeps freed memory in quarantine: tests keep their rules
// there, but bounds on time and memory hold for the Release build only.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool sanitized_build = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif
#else
inline constexpr bool sanitized_build = false;
#endif
inline constexpr std::time_t rehearsal_epoch = 1796004000;  // the same instant

inline std::string utc_text(std::time_t t, const char* format) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

// The rehearsal's date `days` on, in the organisation's default zone, Asia/Shanghai
// (UTC+8, no DST): the day a driver's rights are counted from.
inline std::string shanghai_date(int days) {
    return utc_text(rehearsal_epoch + 8 * 3600 + days * 86400, "%Y-%m-%d");
}

// An RFC 3339 instant `minutes` before the rehearsal's start, so in the server's past.
inline std::string before_rehearsal(std::chrono::minutes minutes) {
    return utc_text(rehearsal_epoch - std::time_t(minutes.count()) * 60, "%Y-%m-%dT%H:%M:%SZ");
}

inline std::string today_in_shanghai() {
    return shanghai_date(0);
}

inline json::array every_day_from_six_to_two() {
    json::array shifts;
    for (int weekday = 1; weekday <= 7; ++weekday)
        shifts.push_back(json::object{{"weekday", weekday}, {"start", "06:00"}, {"end", "14:00"}});
    return shifts;
}

inline std::vector<std::string> with_rehearsal_clock(std::vector<std::string> args) {
    args.insert(args.end(), {"--clock-start", rehearsal});
    return args;
}

inline SeededFleet::SeededFleet(std::vector<std::string> server_args)
    : server(std::nullopt, with_rehearsal_clock(std::move(server_args))),
      admin(Api::login(server, "admin", admin_password)),
      dispatcher(server),
      driver1(server),
      driver2(server) {
    center_id =
        require_created(admin.post("/api/v1/places", json::object{{"name", "吉林市中心医院"},
                                                                  {"address", "船营区"},
                                                                  {"lat", 43.845},
                                                                  {"lon", 126.542},
                                                                  {"kind", "dialysis_center"}}))
            .id();
    auto driver = [&](const char* name, bool trained) {
        return require_created(admin.post("/api/v1/drivers",
                                          json::object{{"name", name},
                                                       {"phone", "13904321000"},
                                                       {"group", "民建"},
                                                       {"home", {{"lat", 43.83}, {"lon", 126.54}}},
                                                       {"wheelchair_trained", trained},
                                                       {"shifts", every_day_from_six_to_two()}}))
            .id();
    };
    driver_id1 = driver("王建国", true);
    driver_id2 = driver("李红梅", false);
    sedan_id =
        require_created(admin.post("/api/v1/vehicles", json::object{{"plate", "吉B·A0001"},
                                                                    {"seats", 4},
                                                                    {"wheelchair_spaces", 0},
                                                                    {"driver_id", driver_id1},
                                                                    {"odometer_km", 1000}}))
            .id();
    van_id = require_created(admin.post("/api/v1/vehicles", json::object{{"plate", "吉B·V0002"},
                                                                         {"seats", 3},
                                                                         {"wheelchair_spaces", 1},
                                                                         {"driver_id", driver_id2},
                                                                         {"odometer_km", 5000}}))
                 .id();
    auto patient = [&](const char* name, const char* mobility) {
        return require_created(
                   admin.post("/api/v1/patients", json::object{{"name", name},
                                                               {"phone", "15843212000"},
                                                               {"address", "昌邑区"},
                                                               {"lat", 43.88},
                                                               {"lon", 126.58},
                                                               {"mobility", mobility},
                                                               {"center_id", center_id},
                                                               {"schedule",
                                                                {{"weekdays", {1, 3, 5}},
                                                                 {"appointment", "07:30"},
                                                                 {"duration_minutes", 240}}}}))
            .id();
    };
    walker_id = patient("孙秀英", "ambulatory");
    wheelchair_id = patient("周志强", "wheelchair");

    require_created(admin.post("/api/v1/users", json::object{{"username", "dispatcher"},
                                                             {"password", user_password},
                                                             {"role", "dispatcher"}}));
    require_created(admin.post("/api/v1/users", json::object{{"username", "driver1"},
                                                             {"password", user_password},
                                                             {"role", "driver"},
                                                             {"driver_id", driver_id1}}));
    require_created(admin.post("/api/v1/users", json::object{{"username", "driver2"},
                                                             {"password", user_password},
                                                             {"role", "driver"},
                                                             {"driver_id", driver_id2}}));
    dispatcher = Api::login(server, "dispatcher", user_password);
    driver1 = Api::login(server, "driver1", user_password);
    driver2 = Api::login(server, "driver2", user_password);
}

inline json::object SeededFleet::whole_trip(std::int64_t vehicle, double odo_start, double odo_end,
                                            std::int64_t patient, const std::string& day) {
    return json::object{{"vehicle_id", vehicle},
                        {"started_at", day + "T06:30:00+08:00"},
                        {"ended_at", day + "T08:10:00+08:00"},
                        {"odometer_start", odo_start},
                        {"odometer_end", odo_end},
                        {"rides", json::array{{{"patient_id", patient},
                                               {"picked_up_at", day + "T06:50:00+08:00"},
                                               {"dropped_off_at", day + "T07:20:00+08:00"},
                                               {"outcome", "completed"}}}}};
}

inline void SeededFleet::put_on_route(std::int64_t vehicle, std::int64_t patient,
                                      const std::string& day) {
    if (!routed_.emplace(vehicle, patient, day).second)
        return;
    if (patient == wheelchair_id && vehicle == van_id) {
        auto trained = dispatcher.patch("/api/v1/drivers/" + std::to_string(driver_id2),
                                        json::object{{"wheelchair_trained", true}});
        INFO(trained.text);
        REQUIRE(trained.status == 200);
    }
    auto request = require_created(
        dispatcher.post("/api/v1/requests", json::object{{"patient_id", patient},
                                                         {"direction", "to_center"},
                                                         {"arrive_by", day + "T07:30:00+08:00"}}));
    auto assigned = dispatcher.post("/api/v1/requests/" + std::to_string(request.id()) + "/assign",
                                    json::object{{"vehicle_id", vehicle}});
    INFO(assigned.text);
    REQUIRE(assigned.status == 200);
}

inline json::object SeededFleet::trip(std::int64_t vehicle, double odo_start, double odo_end,
                                      std::int64_t patient, const std::string& day) {
    put_on_route(vehicle, patient, day);
    return whole_trip(vehicle, odo_start, odo_end, patient, day);
}

}  // namespace lifeline::test
