// Calibration against a simulated year whose roads are known: the replay drives with a
// detour factor and a speed profile by hour that differ from the travel model it plans
// with, and calibration reads both back from the ledger within 5 %.
#include <catch2/catch.hpp>

#include <cmath>

#include "lifeline/core/dispatch/calibration.h"
#include "lifeline/core/simulate/simulate.h"
#include "lifeline/storage/database.h"
#include "lifeline/storage/services.h"
#include "temp_dir.h"

using namespace lifeline;
using lifeline::testing::TempDir;

namespace {

constexpr double true_detour = 1.45;

// Slow in the morning and evening rush, faster at midday and at night.
double true_speed(std::size_t hour) {
    if (hour >= 6 && hour <= 9)
        return 22;
    if (hour >= 16 && hour <= 18)
        return 24;
    if (hour >= 10 && hour <= 15)
        return 30;
    return 34;
}

}  // namespace

TEST_CASE("calibration recovers the roads of a simulated year within 5 %",
          "[storage][calibration][simulate]") {
    TempDir dir;
    storage::Database db({dir.file("year.db")});
    storage::SqliteServices app(db);
    app.accounts.ensure_admin("admin-secret-1");
    Actor admin{app.account_store.find_by_name("admin")->user.id, "admin", Role::admin,
                std::nullopt};
    Scenario scenario = jilin_2022();
    scenario.road_detour_factor = true_detour;
    for (std::size_t h = 0; h < 24; ++h)
        scenario.road_speed_kmh[h] = true_speed(h);
    SimulationAccounts creds;
    creds.password = "lifeline-demo";
    simulate({app.fleet, app.accounts, app.dispatch, app.ledger, app.settings}, admin, scenario,
             creds, 7);
    const MatcherDefaults planned = app.settings.get().matcher;
    REQUIRE(planned.detour_factor == Approx(1.3));  // what the year was planned with
    REQUIRE(planned.speed_kmh == Approx(45));

    TravelFit fit = app.calibration.fit(admin);
    INFO("trips " << fit.trips << ", used " << fit.trips_used << ", legs " << fit.legs_used);
    CHECK(fit.trips > 1000);
    CHECK(fit.trips_used > fit.trips * 9 / 10);
    REQUIRE(fit.detour_factor);
    CHECK(std::abs(*fit.detour_factor / true_detour - 1) < 0.05);

    double expected_weighted = 0;
    int hours_checked = 0;
    for (std::size_t h = 0; h < 24; ++h) {
        if (fit.legs_by_hour[h] == 0)
            continue;
        expected_weighted += true_speed(h) * fit.legs_by_hour[h];
        if (fit.legs_by_hour[h] < 30)
            continue;
        INFO("hour " << h << ": " << *fit.speed_by_hour[h] << " km/h from " << fit.legs_by_hour[h]
                     << " legs, truth " << true_speed(h));
        CHECK(std::abs(*fit.speed_by_hour[h] / true_speed(h) - 1) < 0.05);
        ++hours_checked;
    }
    CHECK(hours_checked >= 4);
    REQUIRE(fit.speed_kmh);
    CHECK(std::abs(*fit.speed_kmh / (expected_weighted / fit.legs_used) - 1) < 0.05);

    // Accepting it makes it the travel model planning uses, audited.
    auto [applied, settings] = app.calibration.apply(admin);
    CHECK(settings.matcher.detour_factor == Approx(*applied.detour_factor).margin(0.001));
    CHECK(settings.matcher.speed_kmh == Approx(*applied.speed_kmh).margin(0.05));
    CHECK(app.settings.get().matcher.speed_kmh == Approx(settings.matcher.speed_kmh));
    db.close();
}
