// The travel model from the fleet's trips over HTTP: dispatchers read the fit and apply
// it to planning (audited); drivers do neither; with no trip to learn from, applying is
// refused naming `trips` and the settings stay.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "lifeline/core/geo.h"
#include "temp_dir.h"

using namespace lifeline::test;

namespace {

const lifeline::GeoPoint home{43.83, 126.54}, patient{43.88, 126.58}, center{43.845, 126.542};

double km(lifeline::GeoPoint a, lifeline::GeoPoint b) {
    return lifeline::haversine_m(a, b) / 1000;
}

// A dispatched ride for the walker on `day`, driven by driver1 in the sedan with a
// detour of 1.4: 20 minutes from pickup to drop-off.
void log_trip(SeededFleet& f, const std::string& day, double odo_start) {
    auto request = require_created(f.dispatcher.post(
        "/api/v1/requests", json::object{{"patient_id", f.walker_id},
                                         {"direction", "to_center"},
                                         {"arrive_by", day + "T07:30:00+08:00"}}));
    REQUIRE(f.dispatcher
                .post("/api/v1/requests/" + std::to_string(request.id()) + "/assign",
                      json::object{{"vehicle_id", f.sedan_id}})
                .status == 200);
    double road = (km(home, patient) + km(patient, center) + km(center, home)) * 1.4;
    require_created(f.driver1.post(
        "/api/v1/trips",
        json::object{{"vehicle_id", f.sedan_id},
                     {"started_at", day + "T06:30:00+08:00"},
                     {"ended_at", day + "T08:10:00+08:00"},
                     {"odometer_start", odo_start},
                     {"odometer_end", odo_start + std::round(road * 10) / 10},
                     {"rides", json::array{{{"request_id", request.id()},
                                            {"picked_up_at", day + "T06:50:00+08:00"},
                                            {"dropped_off_at", day + "T07:10:00+08:00"},
                                            {"outcome", "completed"}}}}}));
}

}  // namespace

TEST_CASE("dispatchers read the travel model the trips support and apply it",
          "[api][calibration]") {
    SeededFleet f;
    SECTION("with no trips: no figure, and applying is refused naming trips") {
        auto fit = f.dispatcher.get("/api/v1/calibration");
        INFO(fit.text);
        REQUIRE(fit.status == 200);
        CHECK(fit.obj().at("trips").as_int64() == 0);
        CHECK(fit.obj().at("detour_factor").is_null());
        CHECK(fit.obj().at("speed_kmh").is_null());
        auto refused = f.dispatcher.post("/api/v1/calibration/apply", json::object{});
        INFO(refused.text);
        CHECK(refused.status == 422);
        CHECK(refused.error_fields() == std::vector<std::string>{"trips"});
        CHECK(f.admin.get("/api/v1/settings")
                  .obj()
                  .at("matcher")
                  .at("detour_factor")
                  .to_number<double>() == Approx(1.3));
    }
    SECTION("with trips: the fit, then planning uses it") {
        log_trip(f, "2022-03-14", 1000);
        log_trip(f, "2022-03-16", 1100);
        log_trip(f, "2022-03-18", 1200);
        auto fit = f.dispatcher.get("/api/v1/calibration");
        INFO(fit.text);
        REQUIRE(fit.status == 200);
        const auto& o = fit.obj();
        CHECK(o.at("trips").as_int64() == 3);
        CHECK(o.at("trips_used").as_int64() == 3);
        CHECK(o.at("detour_factor").to_number<double>() == Approx(1.4).epsilon(0.01));
        // 20 minutes, less 3 of service, for the pickup-to-drop-off leg at 06:50 local.
        const double speed =
            km(patient, center) * o.at("detour_factor").to_number<double>() / (17.0 / 60);
        const auto& six = o.at("by_hour").as_array()[6].as_object();
        CHECK(six.at("legs").as_int64() == 3);
        CHECK(six.at("speed_kmh").to_number<double>() == Approx(speed).epsilon(0.01));
        CHECK(o.at("current").at("speed_kmh").to_number<double>() == Approx(30));

        CHECK(f.driver1.get("/api/v1/calibration").status == 403);
        CHECK(f.driver1.post("/api/v1/calibration/apply", json::object{}).status == 403);
        CHECK(f.admin.get("/api/v1/settings")
                  .obj()
                  .at("matcher")
                  .at("speed_kmh")
                  .to_number<double>() == Approx(30));

        auto applied = f.dispatcher.post("/api/v1/calibration/apply", json::object{},
                                         {{"Idempotency-Key", "calibrate-1"}});
        INFO(applied.text);
        REQUIRE(applied.status == 200);
        auto matcher = f.admin.get("/api/v1/settings").obj().at("matcher").as_object();
        CHECK(matcher.at("detour_factor").to_number<double>() == Approx(1.4).epsilon(0.01));
        CHECK(matcher.at("speed_kmh").to_number<double>() == Approx(speed).margin(0.1));
        auto audit = f.admin.get("/api/v1/audit?entity=settings");
        INFO(audit.text);
        REQUIRE(audit.status == 200);
        bool calibrated = false;
        for (const auto& a : audit.obj().at("items").as_array())
            calibrated |= a.at("action").as_string() == "calibrate" &&
                          a.at("username").as_string() == "dispatcher";
        CHECK(calibrated);
    }
}

TEST_CASE("lifeline calibrate prints the fit and applies it on request",
          "[api][calibration][cli]") {
    lifeline::testing::TempDir dir;
    const std::string db = dir.file("fleet.db");
    {
        SeededFleet f;
        log_trip(f, "2022-03-14", 1000);
        log_trip(f, "2022-03-16", 1100);
        REQUIRE(f.server.stop() == 0);
        // The server's file outlives it here (its folder goes with the fleet).
        REQUIRE(run_lifeline({"backup", "--db", f.server.db_path(), "--to", db}).first == 0);
    }
    auto [rc, out] = run_lifeline({"calibrate", "--db", db});
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.find("finished trips    2 (2 behind the detour factor") != std::string::npos);
    CHECK(out.find("detour factor     1.40") != std::string::npos);
    CHECK(out.find("(in use: 1.300)") != std::string::npos);
    CHECK(out.find("not applied") != std::string::npos);

    auto [applied_rc, applied] = run_lifeline({"calibrate", "--db", db, "--apply"});
    INFO(applied);
    CHECK(applied_rc == 0);
    CHECK(applied.find("applied: planning now uses detour factor 1.40") != std::string::npos);
    auto [again_rc, again] = run_lifeline({"calibrate", "--db", db});
    CHECK(again.find("(in use: 1.40") != std::string::npos);

    auto [help_rc, help] = run_lifeline({"calibrate", "--help"});
    CHECK(help_rc == 0);
    CHECK(help.find("lifeline calibrate") != std::string::npos);
}

TEST_CASE("lifeline calibrate refuses to apply nothing, in one line", "[api][calibration][cli]") {
    lifeline::testing::TempDir dir;
    const std::string db = dir.file("empty.db");
    REQUIRE(run_lifeline({"migrate", "--db", db}).first == 0);
    auto [rc, out] = run_lifeline({"calibrate", "--db", db, "--apply"});
    INFO(out);
    CHECK(rc == 1);
    CHECK(out.find("finished trips    0") != std::string::npos);
    CHECK(out.find("lifeline calibrate: the finished trips do not yet support a travel model") !=
          std::string::npos);
    auto [missing_rc, missing] = run_lifeline({"calibrate", "--db", dir.file("none.db")});
    CHECK(missing_rc == 1);
    CHECK(missing.find("no database at") != std::string::npos);
}
