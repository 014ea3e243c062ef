#pragma once
// A year's replay (docs/simulation.md): builds a volunteer dialysis fleet in Jilin City
// through Fleet and Accounts, then replays every day of a year through the calls a
// dispatcher and the drivers make — Dispatch::generate, holidays, absences,
// cancellations, plan_day, each driver's manifest, and the Ledger's trips with route_id
// and events with request_id and odometer readings. No shortcut around the facades.

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "lifeline/core/accounts/accounts.h"
#include "lifeline/core/dispatch/dispatch.h"
#include "lifeline/core/fleet/fleet.h"
#include "lifeline/core/ledger/ledger.h"
#include "lifeline/core/settings.h"

namespace lifeline {

// The parameters of a replay. `jilin_2022()` is the one scenario; it is not tuned per seed.
struct Scenario {
    std::string name;
    LocalDate first{};  // replayed days, inclusive
    LocalDate last{};
    int city_patients = 0;
    // Patients in Yongji, Jiaohe, Shulan, Huadian and Panshi.
    std::array<int, 5> county_patients{};
    int drivers = 0;
    // Of `drivers`: volunteers living in Huadian and Panshi, the counties too far for a
    // driver from the city to reach a morning pickup and be back by the evening.
    bool far_county_drivers = false;
    int wheelchair_drivers = 0;  // of `drivers`: trained, with a ramped minivan
    double wheelchair_share = 0;
    double escort_share = 0;
    double ride_alone_share = 0;
    double cancel_patient = 0;     // per session, known the day before
    double cancel_late = 0;        // per session, on the day
    double cancel_other = 0;       // per session
    double no_show_to_center = 0;  // per pickup for a session
    double no_show_home = 0;       // per pickup for the ride home
    int snow_days = 0;             // days of heavy snow, sessions cancelled for weather
    double snow_cancel = 0;        // per session on a snow day
    int absences = 0;              // drivers' absences over the year
    double speed_kmh = 0;          // the organisation's travel model (setting)
    double odometer_noise = 0;     // sd of a leg's road km relative to the model
    // The roads as they are, when they differ from the organisation's travel model (to
    // test calibration, docs/matching.md): road km per great-circle km, and the driving
    // speed by local hour of departure, to which each stop adds the setting's service
    // minutes. Zero: the travel model's own figure. With a speed profile, drivers log a
    // drop-off on arrival rather than at its planned time.
    double road_detour_factor = 0;
    std::array<double, 24> road_speed_kmh{};
    std::int64_t plan_time_limit_ms = 0;
    std::int64_t plan_iterations = 0;  // fixed, so a replay is reproducible
};

Scenario jilin_2022();
// The scenario of that name, or nullopt.
std::optional<Scenario> find_scenario(std::string_view name);

// The accounts the replay creates: a dispatcher, and one driver account per volunteer
// ("driver" for the first, "driver02", "driver03", … for the others).
struct SimulationAccounts {
    std::string dispatcher_username = "dispatcher";
    std::string driver_username = "driver";
    std::string password;  // the same for every account
};

struct SimulationFacades {
    Fleet& fleet;
    Accounts& accounts;
    Dispatch& dispatch;
    Ledger& ledger;
    SettingsService& settings;
};

struct YearTotals {
    std::int64_t requests = 0;
    std::int64_t rides_completed = 0;
    std::int64_t no_shows = 0;
    // patient, late_cancel, holiday, weather, other
    std::array<std::int64_t, 5> cancellations{};
    std::int64_t unserved = 0;  // left out by the day's plan
    std::int64_t trips = 0;
    double km = 0;  // Σ odometer_end − odometer_start
    double volunteer_hours = 0;
    int patients = 0;
    int drivers = 0;
    int vehicles = 0;
    int days = 0;
    int holidays = 0;
    int absences = 0;

    double plan_ms = 0;  // time in the matching engine (varies run to run)
    std::int64_t plan_iterations = 0;

    std::int64_t cancelled() const;
};

struct SimulationProgress {
    LocalDate date{};
    const YearTotals* totals = nullptr;
};

// Runs the scenario on an empty fleet. `admin` is an admin actor (it creates the
// accounts and sets the travel model); everything else is done by the dispatcher and
// driver accounts it creates. `progress` is called after each replayed day.
YearTotals simulate(SimulationFacades facades, const Actor& admin, const Scenario& scenario,
                    const SimulationAccounts& accounts, std::uint64_t seed,
                    const std::function<void(const SimulationProgress&)>& progress = {});

}  // namespace lifeline
